import { describe, expect, it } from 'vitest';
import { groupKeyOf, groupWindow, processesInGroup } from '../../../src/sample/machine/groups.js';
import type { MachineSample, MachineThread } from '../../../src/sample/machine/types.js';
import type { WaitKind } from '../../../src/kernel/wait-kinds.js';

function thread(pid: number, tid: number, comm: string, kind: WaitKind, fn: string | null, state = 'S'): MachineThread {
  return { pid, tid, comm, processComm: comm, state, isKernelThread: false, wait: { kind, function: fn, syscall: null, site: null, confidence: 'certain' } };
}

function sample(tMonoMs: number, threads: MachineThread[]): Pick<MachineSample, 'threads' | 'tMonoMs'> {
  return { tMonoMs, threads };
}

describe('groupWindow: average active threads', () => {
  // Four samples 100 ms apart. The db futex group has 3, 3, 1, 1 threads → 8 / 4 = 2.
  // One D-state thread appears in 1 of 4 samples → 0.25. One running thread in 2 of 4 → 0.5.
  const samples = [
    sample(0, [thread(10, 10, 'db', 'futex', 'futex_do_wait'), thread(10, 11, 'db', 'futex', 'futex_do_wait'), thread(20, 20, 'db', 'futex', 'futex_do_wait'), thread(30, 30, 'web', 'running', null, 'R')]),
    sample(100, [thread(10, 10, 'db', 'futex', 'futex_do_wait'), thread(10, 11, 'db', 'futex', 'futex_do_wait'), thread(10, 12, 'db', 'futex', 'futex_do_wait'), thread(40, 40, 'dd', 'disk-io', 'folio_wait_bit_common', 'D')]),
    sample(200, [thread(10, 10, 'db', 'futex', 'futex_do_wait'), thread(30, 30, 'web', 'running', null, 'R')]),
    sample(300, [thread(20, 20, 'db', 'futex', 'futex_do_wait'), thread(50, 50, 'web', 'epoll', 'do_epoll_wait')]),
  ];
  const w = groupWindow(samples);
  const byKey = new Map(w.groups.map((g) => [g.key, g]));

  it('divides the sum over samples by the number of samples', () => {
    expect(byKey.get('futex|futex_do_wait|db')?.avgActive).toBe(2);
    expect(byKey.get('disk-io|folio_wait_bit_common|dd')?.avgActive).toBe(0.25);
    expect(byKey.get('running||web')?.avgActive).toBe(0.5);
    expect(byKey.get('epoll|do_epoll_wait|web')?.avgActive).toBe(0.25);
    // The averages add up to the average number of threads.
    expect(w.groups.reduce((s, g) => s + g.avgActive, 0)).toBeCloseTo(w.avgThreads);
    expect(w.avgThreads).toBe(12 / 4);
  });

  it('keeps max, samples seen, pids, samples and duration', () => {
    const db = byKey.get('futex|futex_do_wait|db')!;
    expect(db.maxThreads).toBe(3);
    expect(db.samplesSeen).toBe(4);
    expect(db.pids).toEqual([10, 20]);
    expect(w.samples).toBe(4);
    expect(w.durationMs).toBe(300);
  });

  it('puts running first, then D-state kinds, then by average', () => {
    expect(w.groups.map((g) => g.key)).toEqual(['running||web', 'disk-io|folio_wait_bit_common|dd', 'futex|futex_do_wait|db', 'epoll|do_epoll_wait|web']);
  });

  it('splits a group by comm and by function', () => {
    const w2 = groupWindow([sample(0, [thread(1, 1, 'a', 'futex', 'futex_do_wait'), thread(1, 2, 'b', 'futex', 'futex_do_wait'), thread(1, 3, 'a', 'futex', 'futex_wait_queue')])]);
    expect(w2.groups).toHaveLength(3);
  });

  it('an empty window has no groups and no division by zero', () => {
    const empty = groupWindow([]);
    expect(empty).toMatchObject({ samples: 0, durationMs: 0, groups: [], avgThreads: 0 });
  });

  it('drills a group down to processes, averaged over the window', () => {
    expect(processesInGroup(samples, groupKeyOf({ kind: 'futex', function: 'futex_do_wait', comm: 'db' }))).toEqual([
      { pid: 10, comm: 'db', avgActive: 1.5 },
      { pid: 20, comm: 'db', avgActive: 0.5 },
    ]);
  });
});
