import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnosis, ThreadDiagnosis } from '../../src/diagnose/types.js';
import {
  spawnEpollIdle,
  spawnFutexLockQueue,
  spawnPipeReader,
  spawnSleeper,
  spawnStopped,
  spawnWaitpidParent,
  spawnZombie,
  stopAll,
} from '../support/spawners.js';
import { triageLive, withSpawned } from '../support/live-triage.js';
import { createProcFs } from '../../src/procfs/procfs.js';
import { LiveSession } from '../../src/session/live.js';

afterAll(stopAll);

function thread(d: Diagnosis, tid: number): ThreadDiagnosis {
  const t = d.threads.find((x) => x.tid === tid);
  if (!t) throw new Error(`tid ${tid} not in the diagnosis (have ${d.threads.map((x) => x.tid).join(', ')})`);
  return t;
}

function expectExplained(t: ThreadDiagnosis): void {
  expect(t.wait.function, `function of ${t.tid}`).toBeTruthy();
  expect(t.wait.sourceFile, `source file of ${t.tid}`).toMatch(/\.(c|h)$/);
  expect(t.wait.explanation.waitsFor.length).toBeGreaterThan(10);
  expect(t.wait.explanation.wakesWhen.length).toBeGreaterThan(10);
  expect(t.wait.explanation.cost.length).toBeGreaterThan(10);
}

describe('live triage of real processes', () => {
  it('a parent in waitpid: do_wait, waiting for any child', async () => {
    await withSpawned(spawnWaitpidParent(), async (s) => {
      const d = await triageLive(s.pid);
      const t = thread(d, s.pid);
      expect(t.wait.kind).toBe('waitpid');
      expect(t.wait.function).toBe('do_wait');
      expect(t.wait.sourceFile).toBe('kernel/exit.c');
      expect(t.wait.syscall?.name).toBe('wait4');
      expect(t.wait.argument?.raw).toBe('-1');
      expectExplained(t);
      expect(d.verdict.kind).toBe('waiting-on-children');
      expect(d.waitGroups[0]?.kind).toBe('waitpid');
      expect(d.next.some((n) => n.command.includes(`--ppid ${s.pid}`))).toBe(true);
    });
  });

  it('an idle node event loop: epoll on the main thread, futex in the workers', async () => {
    await withSpawned(spawnEpollIdle(), async (s) => {
      const d = await triageLive(s.pid);
      const main = thread(d, s.pid);
      expect(main.wait.kind).toBe('epoll');
      expect(main.wait.function).toMatch(/^(do_epoll_wait|ep_poll)$/);
      expect(main.wait.argument?.name).toMatch(/epoll fd/);
      expectExplained(main);
      expect(d.threads.filter((t) => t.wait.kind === 'futex').length).toBeGreaterThanOrEqual(2);
      expect(d.verdict.kind).toBe('idle');
      expect(d.process.fdTypes['anon_inode:eventpoll']).toBeGreaterThanOrEqual(1);
      expect(d.process.cpuPercent).not.toBeNull();
      expect(d.process.cpuPercent!).toBeLessThan(50);
    });
  });

  it('threads queued on one lock: futex wait on the same address', async () => {
    await withSpawned(spawnFutexLockQueue(4), async (s) => {
      const d = await triageLive(s.pid);
      const waiters = s.waitingTids.map((tid) => thread(d, tid));
      expect(waiters).toHaveLength(4);
      for (const t of waiters) {
        expect(t.wait.kind).toBe('futex');
        expect(t.wait.function).toMatch(/^futex_(do_wait|wait_queue|wait_queue_me)$/);
        expect(BigInt(t.wait.argument!.raw)).toBe(s.futexAddr);
        expectExplained(t);
      }
      const group = d.waitGroups.find((g) => g.kind === 'futex');
      expect(group?.count).toBeGreaterThanOrEqual(4);
      expect(group?.label).toMatch(/^\d+ threads in futex/);
    });
  });

  it('a process reading an empty pipe', async () => {
    await withSpawned(spawnPipeReader(), async (s) => {
      const d = await triageLive(s.pid);
      const t = thread(d, s.pid);
      expect(t.wait.kind).toBe('pipe');
      expect(t.wait.function).toMatch(/^(anon_pipe_read|pipe_read|pipe_wait)$/);
      expect(t.wait.syscall?.name).toBe('read');
      expect(t.wait.argument?.raw).toBe('0');
      expectExplained(t);
      expect(d.process.fdTypes.pipe).toBeGreaterThanOrEqual(1);
    });
  });

  it('nanosleep', async () => {
    await withSpawned(spawnSleeper(), async (s) => {
      const d = await triageLive(s.pid);
      const t = thread(d, s.pid);
      expect(t.wait.kind).toBe('sleep');
      expect(t.wait.function).toBe('hrtimer_nanosleep');
      expect(t.wait.syscall?.name).toMatch(/nanosleep/);
      expectExplained(t);
      expect(d.verdict.severity).toBe('ok');
    });
  });

  it('a stopped process', async () => {
    await withSpawned(spawnStopped(), async (s) => {
      const d = await triageLive(s.pid);
      expect(thread(d, s.pid).wait.kind).toBe('stopped');
      expect(d.verdict.kind).toBe('stopped');
      expect(d.next[0]?.command).toBe(`kill -CONT ${s.pid}`);
    });
  });

  it('a zombie', async () => {
    await withSpawned(spawnZombie(), async (s) => {
      const zombie = s.related.zombie!;
      const session = new LiveSession(createProcFs(), zombie);
      const d = session.step().diagnosis!;
      expect(d.process.state).toBe('Z');
      expect(thread(d, zombie).wait.kind).toBe('zombie');
      expect(d.verdict.kind).toBe('zombie');
      expect(d.next[0]?.command).toBe(`proctriage triage ${s.pid}`);
    });
  });
});
