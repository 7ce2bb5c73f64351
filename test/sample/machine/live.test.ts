import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';
import { createMachineSampler } from '../../../src/sample/machine/sampler.js';
import { spawnManyThreads, spawnThreadChurn, stopAll, type Spawned } from '../../support/spawners.js';

afterAll(stopAll);

interface JsonThread {
  pid: number;
  tid: number;
  comm: string;
  state: string;
  wait: { kind: string; function: string | null };
}
interface JsonGroup {
  kind: string;
  function: string | null;
  comm: string;
  avgActive: number;
  pids: number[];
}

describe('top --once --json on a live load', () => {
  it('puts a known number of threads in known waits into the right groups', async () => {
    const loads: [Spawned, number, string, RegExp][] = [
      [await spawnManyThreads(50, 'futex'), 50, 'futex', /^(futex_do_wait|futex_wait_queue|futex_wait_queue_me|futex_wait)$/],
      [await spawnManyThreads(20, 'nanosleep'), 20, 'sleep', /^(hrtimer_nanosleep|do_nanosleep)$/],
      [await spawnManyThreads(10, 'poll'), 10, 'poll', /^(poll_schedule_timeout|do_poll|do_sys_poll)$/],
      [await spawnManyThreads(12, 'epoll'), 12, 'epoll', /^(do_epoll_wait|ep_poll)$/],
      [await spawnManyThreads(8, 'pipe'), 8, 'pipe', /^(anon_pipe_read|pipe_read|pipe_wait)$/],
    ];
    const r = await runCli(['top', '--once', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { scope: string; threads: JsonThread[]; groups: JsonGroup[] };
    expect(out.scope).toBe('machine');
    for (const [load, n, kind, fn] of loads) {
      const workers = out.threads.filter((t) => load.waitingTids.includes(t.tid));
      expect(workers, `${kind} workers of pid ${load.pid}`).toHaveLength(n);
      for (const t of workers) {
        expect(t).toMatchObject({ pid: load.pid, state: 'S', wait: { kind } });
        expect(t.wait.function).toMatch(fn);
      }
      // The group of (kind, function, comm) holds them: one sample, so avgActive counts threads.
      const comm = workers[0]!.comm;
      const group = out.groups.find((g) => g.kind === kind && g.function === workers[0]!.wait.function && g.comm === comm);
      expect(group?.pids).toContain(load.pid);
      const othersInGroup = out.threads.filter((t) => t.pid !== load.pid && t.comm === comm && t.wait.kind === kind && t.wait.function === workers[0]!.wait.function).length;
      const mainInGroup = out.threads.filter((t) => t.pid === load.pid && !load.waitingTids.includes(t.tid) && t.wait.kind === kind && t.wait.function === workers[0]!.wait.function).length;
      expect(group?.avgActive).toBe(n + othersInGroup + mainInGroup);
    }
    await Promise.all(loads.map(([l]) => l.stop()));
  }, 60_000);

  it('prints the grouped table without --json', async () => {
    const load = await spawnManyThreads(30, 'futex');
    const r = await runCli(['top', '--once']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/avg act\s+wait\s+kernel function\s+comm/);
    expect(r.stdout).toMatch(/\b\d+\.\d+\s+futex\s+futex_do_wait\s+waiters/);
    await load.stop();
  }, 30_000);

  it('sample --json prints a distribution over several samples', async () => {
    const r = await runCli(['sample', '--hz', '20', '--duration', '0.3', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { samples: number; groups: JsonGroup[] };
    expect(out.samples).toBeGreaterThanOrEqual(3);
    expect(out.groups.length).toBeGreaterThan(0);
  }, 30_000);

  it('with no command and no terminal, prints sample for 1 s', async () => {
    const t0 = Date.now();
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^proctriage sample: \d+ samples over/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  }, 30_000);
});

describe("proctriage's own process", () => {
  it('is left out of the samples when asked, and the sample says so', () => {
    const own = createMachineSampler({ excludePids: [process.pid] });
    const excluded = own.sample();
    own.close();
    expect(excluded.threads.filter((t) => t.pid === process.pid)).toEqual([]);
    expect(excluded.excludedPids).toEqual([process.pid]);
    const all = createMachineSampler();
    const included = all.sample();
    all.close();
    expect(included.threads.some((t) => t.pid === process.pid)).toBe(true);
    expect(included.excludedPids).toBeUndefined();
  });

  it('top --once, top --once --json and sample --json leave out the CLI itself and say so', async () => {
    const json = await runCli(['top', '--once', '--json']);
    const out = JSON.parse(json.stdout) as { excludedPids: number[]; threads: JsonThread[] };
    expect(out.excludedPids).toHaveLength(1);
    expect(out.excludedPids[0]).not.toBe(process.pid);
    expect(out.threads.filter((t) => t.pid === out.excludedPids[0])).toEqual([]);
    const text = await runCli(['top', '--once']);
    expect(text.stdout).toMatch(/proctriage's own threads are excluded \(pid \d+\)/);
    const sample = JSON.parse((await runCli(['sample', '--hz', '20', '--duration', '0.2', '--json'])).stdout) as { excludedPids: number[]; groups: JsonGroup[] };
    expect(sample.excludedPids).toHaveLength(1);
    expect(sample.groups.filter((g) => g.pids.includes(sample.excludedPids[0]!))).toEqual([]);
  }, 30_000);
});

describe('robust under churn', () => {
  it('samples the machine while a process creates and ends hundreds of threads a second', async () => {
    const churn = await spawnThreadChurn(500);
    for (const keepOpenFds of [0, 100_000]) {
      const sampler = createMachineSampler({ keepOpenFds, listEveryMs: 50 });
      let churnSeen = 0;
      let vanished = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 1500) {
        const s = sampler.sample();
        vanished += s.stats.vanished;
        churnSeen += s.threads.filter((t) => t.pid === churn.pid).length;
        for (const t of s.threads) expect(t.wait.kind).toBeTypeOf('string');
        await new Promise((r) => setTimeout(r, 2));
      }
      sampler.close();
      expect(churnSeen).toBeGreaterThan(0);
      // Threads did vanish between listing and reading, and were skipped without error.
      expect(vanished).toBeGreaterThan(0);
    }
    await churn.stop();
  }, 30_000);
});
