import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCapture } from '../../src/capture/fixture.js';
import { captureMachine, loadMachineCapture } from '../../src/capture/machine.js';
import { groupWindow } from '../../src/sample/machine/groups.js';
import { spawnManyThreads, stopAll } from '../support/spawners.js';

afterAll(stopAll);

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'machine-waiters');

/**
 * fixtures/machine-waiters: `proctriage sample --capture --hz 5 --duration 0.6 --pids A,B` while
 * `waiters cond 6` (A: 6 workers in futex, main thread in nanosleep) and `waiters nanosleep 4`
 * (B: 4 workers + main in nanosleep) ran; 3 samples, filtered to those two processes.
 */
describe('machine capture fixture: grouping over captured samples', () => {
  it('is a machine-scope capture', () => {
    expect(loadCapture(FIXTURE).meta).toMatchObject({ scope: 'machine', pid: 0, samples: [{}, {}, {}] });
  });

  it('replays to the known groups and average active threads', () => {
    const samples = loadMachineCapture(FIXTURE);
    expect(samples).toHaveLength(3);
    for (const s of samples) expect(s.threads).toHaveLength(12);
    const w = groupWindow(samples);
    expect(w.samples).toBe(3);
    expect(w.durationMs).toBeCloseTo(529.290083 - 118.611162);
    expect(w.groups.map((g) => [g.kind, g.function, g.comm, g.avgActive, g.pids.length])).toEqual([
      ['futex', 'futex_do_wait', 'waiters', 6, 1],
      ['sleep', 'hrtimer_nanosleep', 'waiters', 6, 2],
    ]);
  });
});

describe('sample --capture records what the sampler read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proctriage-machine-cap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays to the same threads and waits as were sampled live', async () => {
    const load = await spawnManyThreads(7, 'epoll');
    const out = join(dir, 'cap');
    const live = await captureMachine({ procRoot: '/proc', outDir: out, samples: 2, intervalMs: 50, pids: [load.pid], howMade: 'test' });
    const replayed = loadMachineCapture(out);
    expect(replayed.map((s) => s.threads)).toEqual(live.samples.map((s) => s.threads));
    expect(groupWindow(replayed).groups.find((g) => g.kind === 'epoll')?.avgActive).toBe(7);
    await load.stop();
  }, 30_000);
});
