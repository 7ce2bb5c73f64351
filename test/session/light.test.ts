import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { createProcFs } from '../../src/procfs/procfs.js';
import { LiveSession } from '../../src/session/live.js';
import { spawnFutexLockQueue, spawnThreadChurn, stopAll } from '../support/spawners.js';

afterAll(stopAll);

const openFds = () => readdirSync('/proc/self/fd').length;

describe('a light live session (the dashboard’s 1 s loop)', () => {
  it('reads a stack only where it decides something or for the thread in focus, and reports no gap for the rest', async () => {
    const queue = await spawnFutexLockQueue(4);
    try {
      const session = new LiveSession(createProcFs({ keepOpen: 512 }), queue.pid, { light: true, threshold: 100 });
      session.step();
      const d = session.step().diagnosis!;
      const waiter = d.threads.find((t) => t.tid === queue.waitingTids[0])!;
      expect(waiter.wait.kind).toBe('futex');
      expect(waiter.stack).toEqual([]);
      expect(waiter.wait.missing.some((m) => m.startsWith('stack'))).toBe(false);
      expect(d.missing.some((m) => /kernel stacks/.test(m.what))).toBe(false);

      session.setFocus(waiter.tid);
      const focused = session.step().diagnosis!.threads.find((t) => t.tid === waiter.tid)!;
      expect(focused.stack[0]).toMatch(/^futex_(do_wait|wait_queue)/);
      expect(focused.wait.kind).toBe('futex');
    } finally {
      await queue.stop();
    }
  });

  it('the same waits as a full session', async () => {
    const queue = await spawnFutexLockQueue(4);
    try {
      const light = new LiveSession(createProcFs({ keepOpen: 512 }), queue.pid, { light: true, threshold: 100 });
      const full = new LiveSession(createProcFs(), queue.pid, { threshold: 100 });
      const kinds = (s: LiveSession) => s.step().diagnosis!.threads.map((t) => [t.tid, t.wait.kind, t.wait.function, t.wait.summary]);
      expect(kinds(light)).toEqual(kinds(full));
    } finally {
      await queue.stop();
    }
  });

  it('keeps files open across samples but closes those of threads that are gone', async () => {
    // About 60 threads alive at a time, 300 new ones a second.
    const churn = await spawnThreadChurn(300, { lifetimeMs: 200 });
    try {
      const before = openFds();
      const session = new LiveSession(createProcFs({ keepOpen: 4096 }), churn.pid, { light: true, threshold: 100 });
      let peak = 0;
      for (let i = 0; i < 20; i++) {
        session.step();
        peak = Math.max(peak, openFds() - before);
        await new Promise((r) => setTimeout(r, 50));
      }
      // Five kept files per live thread (~300); without the sweep every thread ever seen keeps
      // its files (~400 threads × 5 over this run).
      expect(peak).toBeGreaterThan(50);
      expect(peak).toBeLessThan(900);
    } finally {
      await churn.stop();
    }
  });
});
