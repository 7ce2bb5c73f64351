/**
 * Live check of test/support/spawners.ts: each scenario really puts its
 * processes in the promised state, as read here with plain fs on /proc (no
 * project module), and stop() really ends and reaps all of them.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  spawnEpollIdle,
  spawnFutexCondPool,
  spawnFutexLockQueue,
  spawnManyThreads,
  spawnPipeline,
  spawnPipeReader,
  spawnShortLived,
  spawnSleeper,
  spawnStopped,
  spawnTcpPair,
  spawnThreadChurn,
  spawnUnixSocketPair,
  spawnWaitpidParent,
  spawnZombie,
  stopAll,
  type ParkKind,
  type Spawned,
} from '../support/spawners.js';

// Accepted wchan symbols, old kernels included.
const NANOSLEEP = /^(hrtimer_nanosleep|do_nanosleep)$/;
const DO_WAIT = /^do_wait$/;
const EPOLL = /^(ep_poll|do_epoll_wait)$/;
const FUTEX = /^(futex_do_wait|futex_wait_queue|futex_wait_queue_me)$/;
const PIPE = /^(pipe_read|anon_pipe_read|pipe_wait)$/;
const UNIX_READ = /^(unix_stream_read_generic|unix_stream_data_wait)$/;
const POLL = /^(poll_schedule_timeout|do_poll|do_sys_poll)/;
const SIGNAL_STOP = /^do_signal_stop$/;

interface Seen {
  state: string;
  ppid: number;
  wchan: string;
  syscall: string[];
}

function task(pid: number, tid: number = pid): Seen {
  const dir = `/proc/${pid}/task/${tid}`;
  const stat = readFileSync(`${dir}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    wchan: readFileSync(`${dir}/wchan`, 'utf8').trim(),
    syscall: readFileSync(`${dir}/syscall`, 'utf8').trim().split(' '),
  };
}

function expectWaiting(pid: number, tids: readonly number[], state: string, wchan: RegExp): Seen[] {
  return tids.map((tid) => {
    const seen = task(pid, tid);
    expect({ tid, state: seen.state }).toEqual({ tid, state });
    expect(seen.wchan).toMatch(wchan);
    return seen;
  });
}

function fdTarget(pid: number, fd: number): string {
  return readlinkSync(`/proc/${pid}/fd/${fd}`);
}

function fdTargets(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => fdTarget(pid, Number(fd)));
}

async function stopAndExpectGone(s: Spawned, pids: readonly number[]): Promise<void> {
  for (const pid of pids) expect(existsSync(`/proc/${pid}`), `pid ${pid} alive before stop`).toBe(true);
  await s.stop();
  for (const pid of pids) expect(existsSync(`/proc/${pid}`), `pid ${pid} still in /proc after stop`).toBe(false);
}

afterAll(async () => {
  await stopAll();
  // Nothing started by these tests is left: no process whose parent is this one (the guards).
  const mine = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return task(Number(pid)).ppid === process.pid;
      } catch {
        return false;
      }
    });
  expect(mine).toEqual([]);
});

describe('spawners put real processes in known wait states', () => {
  it('spawnWaitpidParent: sh in wait4(-1) on one sleeping child', async () => {
    const s = await spawnWaitpidParent();
    const [parent] = expectWaiting(s.pid, s.waitingTids, 'S', DO_WAIT);
    expect(parent?.syscall.slice(0, 2)).toEqual(['61', '0xffffffff']);
    expect(s.children).toHaveLength(1);
    const child = s.related.child0 ?? -1;
    expect(task(child).ppid).toBe(s.pid);
    expectWaiting(child, [child], 'S', NANOSLEEP);
    await stopAndExpectGone(s, [s.pid, child]);
  });

  it('spawnWaitpidParent: sh in wait4 on three sleeping children', async () => {
    const s = await spawnWaitpidParent({ children: 3 });
    expectWaiting(s.pid, [s.pid], 'S', DO_WAIT);
    expect(s.children).toHaveLength(3);
    expect(Object.keys(s.related)).toEqual(['child0', 'child1', 'child2']);
    for (const child of s.children) {
      expect(task(child).ppid).toBe(s.pid);
      expectWaiting(child, [child], 'S', NANOSLEEP);
    }
    await stopAndExpectGone(s, [s.pid, ...s.children]);
  });

  it('spawnEpollIdle: node main thread in epoll_wait', async () => {
    const s = await spawnEpollIdle();
    expect(s.waitingTids).toEqual([s.pid]);
    expectWaiting(s.pid, s.waitingTids, 'S', EPOLL);
    expect(readFileSync(`/proc/${s.pid}/comm`, 'utf8').trim()).toBe('node');
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnFutexLockQueue: 4 waiters on one mutex, holder sleeping', async () => {
    const s = await spawnFutexLockQueue(4);
    expect(s.waitingTids).toHaveLength(4);
    const seen = expectWaiting(s.pid, s.waitingTids, 'S', FUTEX);
    for (const waiter of seen) {
      expect(waiter.syscall[0]).toBe('202');
      expect(BigInt(waiter.syscall[1] ?? '0')).toBe(s.futexAddr);
    }
    expect(s.related.holder).toBe(s.pid);
    expectWaiting(s.pid, [s.pid], 'S', NANOSLEEP);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnFutexLockQueue: holder spinning is R while the waiters queue', async () => {
    const s = await spawnFutexLockQueue(3, { holder: 'spinning' });
    expectWaiting(s.pid, s.waitingTids, 'S', FUTEX);
    expect(task(s.pid).state).toBe('R');
    expect(task(s.pid).syscall).toEqual(['running']);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnFutexCondPool: 4 threads parked on one condvar word', async () => {
    const s = await spawnFutexCondPool(4);
    const seen = expectWaiting(s.pid, s.waitingTids, 'S', FUTEX);
    expect(new Set(seen.map((w) => w.syscall[1]))).toEqual(new Set([`0x${s.futexAddr.toString(16)}`]));
    expectWaiting(s.pid, [s.pid], 'S', NANOSLEEP);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnPipeReader: cat blocked on an empty pipe, write end held by related.writer', async () => {
    const s = await spawnPipeReader();
    const [reader] = expectWaiting(s.pid, s.waitingTids, 'S', PIPE);
    expect(reader?.syscall.slice(0, 2)).toEqual(['0', '0x0']);
    const pipe = fdTarget(s.pid, 0);
    expect(pipe).toMatch(/^pipe:\[\d+\]$/);
    expect(fdTargets(s.related.writer ?? -1)).toContain(pipe);
    await stopAndExpectGone(s, [s.pid, s.related.writer ?? -1]);
  });

  it('spawnPipeline: sleep | cat, the reader’s pipe peer is the sleeping writer', async () => {
    const s = await spawnPipeline();
    expectWaiting(s.pid, s.waitingTids, 'S', PIPE);
    const writer = s.related.writer ?? -1;
    const shell = s.related.shell ?? -1;
    expectWaiting(writer, [writer], 'S', NANOSLEEP);
    expectWaiting(shell, [shell], 'S', DO_WAIT);
    expect(fdTarget(s.pid, 0)).toMatch(/^pipe:/);
    expect(fdTarget(writer, 1)).toBe(fdTarget(s.pid, 0));
    expect(fdTargets(shell)).not.toContain(fdTarget(s.pid, 0));
    await stopAndExpectGone(s, [s.pid, writer, shell]);
  });

  it('spawnSleeper: sleep in nanosleep', async () => {
    const s = await spawnSleeper();
    const [sleeper] = expectWaiting(s.pid, s.waitingTids, 'S', NANOSLEEP);
    expect(sleeper?.syscall[0]).toBe('230');
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnStopped: state T', async () => {
    const s = await spawnStopped();
    expectWaiting(s.pid, s.waitingTids, 'T', SIGNAL_STOP);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnZombie: an unreaped Z child of a sleeping parent', async () => {
    const s = await spawnZombie();
    const zombie = s.related.zombie ?? -1;
    const seen = task(zombie);
    expect(seen.state).toBe('Z');
    expect(seen.ppid).toBe(s.pid);
    expectWaiting(s.pid, [s.pid], 'S', NANOSLEEP);
    await stopAndExpectGone(s, [s.pid, zombie]);
  });

  it('spawnTcpPair: server and client idle in epoll, connected on loopback', async () => {
    const s = await spawnTcpPair();
    const server = s.related.server ?? -1;
    const client = s.related.client ?? -1;
    expect(server).toBe(s.pid);
    expectWaiting(server, [server], 'S', EPOLL);
    expectWaiting(client, [client], 'S', EPOLL);
    const hex = (port: number | undefined) => `0100007F:${(port ?? -1).toString(16).toUpperCase().padStart(4, '0')}`;
    const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows.some((r) => r[1] === hex(s.related.port) && r[3] === '0A')).toBe(true); // LISTEN
    expect(rows.some((r) => r[1] === hex(s.related.clientPort) && r[2] === hex(s.related.port) && r[3] === '01')).toBe(true);
    await stopAndExpectGone(s, [server, client]);
  });

  it('spawnUnixSocketPair: reader blocked in read on a unix stream socket', async () => {
    const s = await spawnUnixSocketPair();
    const [reader] = expectWaiting(s.pid, s.waitingTids, 'S', UNIX_READ);
    const fd = Number(reader?.syscall[1]);
    expect(reader?.syscall[0]).toBe('0');
    expect(fdTarget(s.pid, fd)).toMatch(/^socket:\[\d+\]$/);
    const peer = s.related.peer ?? -1;
    expectWaiting(peer, [peer], 'S', NANOSLEEP);
    expect(fdTargets(peer).filter((t) => t.startsWith('socket:'))).not.toHaveLength(0);
    await stopAndExpectGone(s, [s.pid, peer]);
  });

  it('spawnThreadChurn: tids come and go', async () => {
    const s = await spawnThreadChurn(500);
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      for (const tid of readdirSync(`/proc/${s.pid}/task`).map(Number)) if (tid !== s.pid) seen.add(tid);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await stopAndExpectGone(s, [s.pid]);
  });

  const parks: [ParkKind, RegExp][] = [
    ['futex', FUTEX],
    ['nanosleep', NANOSLEEP],
    ['poll', POLL],
    ['pipe', PIPE],
    ['epoll', EPOLL],
  ];
  it.each(parks)('spawnManyThreads: 64 threads parked in %s', async (kind, wchan) => {
    const s = await spawnManyThreads(64, kind);
    expect(s.waitingTids).toHaveLength(64);
    expect(readdirSync(`/proc/${s.pid}/task`)).toHaveLength(65);
    expectWaiting(s.pid, s.waitingTids, 'S', wchan);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnManyThreads: 2000 futex waiters start fast', async () => {
    const started = Date.now();
    const s = await spawnManyThreads(2000, 'futex');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(readdirSync(`/proc/${s.pid}/task`)).toHaveLength(2001);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnShortLived: alive when returned, gone and reaped soon after', async () => {
    const s = await spawnShortLived(300);
    expectWaiting(s.pid, s.waitingTids, 'S', NANOSLEEP);
    await s.exited;
    expect(existsSync(`/proc/${s.pid}`)).toBe(false);
    await s.stop(); // nothing left to kill: still fine
  });

  it('stop() is idempotent and stopAll() ends what is left', async () => {
    const a = await spawnSleeper();
    const b = await spawnWaitpidParent({ children: 2 });
    await Promise.all([a.stop(), a.stop()]);
    await a.stop();
    expect(existsSync(`/proc/${a.pid}`)).toBe(false);
    await stopAll();
    for (const pid of [b.pid, ...b.children]) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('a scenario that cannot reach its state fails with what /proc showed', async () => {
    // With no time at all, the first look (before the program can have said it is ready) is the
    // last: the error names the wait and what was seen. (1 ms raced a fast machine.)
    await expect(spawnManyThreads(500, 'futex', { timeoutMs: 0 })).rejects.toThrow(
      /^spawnManyThreads: timed out waiting for .+; last seen: /,
    );
  });
});
