import { afterAll, describe, expect, it } from 'vitest';
import { renderTextReport } from '../../src/report/text.js';
import { PLAIN } from '../../src/report/style.js';
import {
  spawnFutexCondPool,
  spawnFutexLockQueue,
  spawnPipeline,
  spawnTcpPair,
  spawnUnixSocketPair,
  spawnWaitpidParent,
  stopAll,
} from '../support/spawners.js';
import { triageLive, withSpawned } from '../support/live-triage.js';
import { expectFollow } from '../support/follow-expect.js';

afterAll(stopAll);

describe('following the wait, live', () => {
  it('a TCP server idle in epoll: its listening socket and its client connection, with the client process', async () => {
    await withSpawned(spawnTcpPair(), async (s) => {
      const d = await triageLive(s.pid);
      expectFollow('tcp-server-idle', d, { client: s.related.client, port: s.related.port });
      const text = renderTextReport(d, { style: PLAIN });
      expect(text).toMatch(/On whom\n/);
      expect(text).toMatch(/idle server: waiting on 1 listening socket 127\.0\.0\.1:\d+ and 1 client connection/);
    });
  });

  it('a reader of a unix socket: the peer process holding the other end', async () => {
    await withSpawned(spawnUnixSocketPair(), async (s) => {
      expectFollow('unix-socket-pair', await triageLive(s.pid), { peer: s.related.peer });
    });
  });

  it('cat reading a pipe: the writer at the other end is its sibling sleep', async () => {
    await withSpawned(spawnPipeline(), async (s) => {
      expectFollow('pipeline', await triageLive(s.pid), { writer: s.related.writer });
    });
  });

  it('a pool of threads on one condition variable: one futex group, a parked pool, idle', async () => {
    await withSpawned(spawnFutexCondPool(6), async (s) => {
      const d = await triageLive(s.pid);
      expectFollow('futex-cond-pool', d);
      expect(d.futexGroups![0]!.tids.slice().sort()).toEqual(s.waitingTids.slice().sort());
    });
  });

  it('threads queued on one lock while its holder spins: a lock queue naming the running holder', async () => {
    await withSpawned(spawnFutexLockQueue(4, { holder: 'spinning' }), async (s) => {
      const d = await triageLive(s.pid);
      expectFollow('futex-lock-spinning', d, { holder: s.related.holder });
      expect(d.futexGroups![0]!.address).toBe(`0x${s.futexAddr.toString(16)}`);
    });
  });

  it('a queue on a lock whose holder sleeps is still a lock queue (by the futex op)', async () => {
    await withSpawned(spawnFutexLockQueue(3), async (s) => {
      const d = await triageLive(s.pid);
      expect(d.futexGroups![0]).toMatchObject({ count: 3, style: 'lock-queue' });
      expect(d.futexGroups![0]!.basis).toMatch(/no thread of the process runs/);
      expect(d.verdict.kind).toBe('lock-contention');
    });
  });

  it('a parent in waitpid: its children, each classified, grouped', async () => {
    await withSpawned(spawnWaitpidParent({ children: 3 }), async (s) => {
      expectFollow('waitpid-children', await triageLive(s.pid), { children: s.children });
    });
  });
});
