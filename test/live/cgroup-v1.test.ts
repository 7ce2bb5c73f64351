/**
 * Issue 10 point 5, live on cgroup v1: a process under a 10 % CPU quota and one thrashing
 * against a 32 MiB memory limit. Each is sampled twice through a RecordingProcFs (the capture
 * path), diagnosed live, written as a capture and replayed: the replay must show the very
 * same cgroup facts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingProcFs } from '../../src/capture/recording-procfs.js';
import { writeCaptureTree } from '../../src/capture/write.js';
import { loadCapture } from '../../src/capture/fixture.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { createProcFs } from '../../src/procfs/procfs.js';
import { liveHostFacts } from '../../src/readers/host.js';
import { renderTextReport } from '../../src/report/text.js';
import { PLAIN } from '../../src/report/style.js';
import { buildModel } from '../../src/sample/model.js';
import { takeSample } from '../../src/sample/sampler.js';
import { ReplaySession } from '../../src/session/replay.js';
import { cgroupCounter as counter, cgroupV1Unusable, startCgroupLoad, until, untilThrashing } from '../support/cgroup-load.js';
import { runCli } from '../cli/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'proctriage-cgroup-v1-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Two samples `intervalMs` apart, recorded: the live diagnosis, and the diagnosis of the capture they make. */
async function triageAndReplay(pid: number, intervalMs: number): Promise<{ live: Diagnosis; replayed: Diagnosis }> {
  const fs = createProcFs();
  const host = liveHostFacts(fs);
  const take = () => {
    const recorder = new RecordingProcFs(fs);
    recorder.readText('sys/kernel/osrelease');
    const sample = takeSample(recorder, pid);
    return { sample, recorded: recorder.finish(sample.tMonoMs, sample.tWallMs) };
  };
  const first = take();
  await sleep(intervalMs);
  const second = take();
  const live = diagnose(buildModel(first.sample, second.sample, host), { mode: 'live', procRoot: '/proc', threshold: 100 });
  const dir = join(scratch, `capture-${pid}`);
  writeCaptureTree(dir, [first.recorded, second.recorded], { pid, comm: live.process.comm, host, intervalMs, howMade: 'test/live/cgroup-v1.test.ts', fullCmdline: false });
  const replayed = new ReplaySession(loadCapture(dir), { threshold: 100 }).last().diagnosis!;
  return { live, replayed };
}

const unusable = cgroupV1Unusable('cpu', 'cpuacct', 'memory');

describe.skipIf(unusable !== null)(`cgroup v1 limits, live${unusable ? ` (skipped: ${unusable})` : ''}`, () => {
  it('a 10 % CPU quota: 0.1 cores, throttled in most periods, the same after replay', async () => {
    const load = await startCgroupLoad('cpu', { 'cpu.cfs_period_us': 100_000, 'cpu.cfs_quota_us': 10_000 }, ['spin'], ['cpuacct']);
    try {
      await until('the first throttled periods', () => counter(load, 'cpu.stat', 'nr_throttled') >= 3);
      const { live, replayed } = await triageAndReplay(load.pid, 1000);
      const cpu = live.cgroup!.cpu;
      expect(live.cgroup!.version).toBe('v1');
      expect(cpu).toMatchObject({ version: 'v1', path: load.path, quotaCores: 0.1, quotaUs: 10_000, periodUs: 100_000, limitPath: load.path, shares: 1024, unavailable: null, unreadable: [] });
      // About 10 periods in 1 s; on a busy 2-core machine the spinner may miss a few.
      expect(cpu.periodsInInterval).toBeGreaterThanOrEqual(5);
      expect(cpu.throttledPeriodsPercent).toBeGreaterThan(60);
      expect(cpu.throttledMsPerSec).toBeGreaterThan(300);
      expect(cpu.usageCores).toBeGreaterThan(0.03);
      expect(cpu.usageCores).toBeLessThan(0.13);
      expect(cpu.nrThrottledTotal).toBeGreaterThanOrEqual(cpu.nrThrottledInInterval!);
      expect(replayed.cgroup).toEqual(live.cgroup);
      expect(renderTextReport(replayed, { style: PLAIN })).toMatch(/cpu {5}\/proctriage-cg-\S+: quota 0\.10 cores \(10000 µs per 100000 µs\) · used 0\.\d\d cores · throttled in \d+\.\d % of periods/);
    } finally {
      await load.stop();
    }
  });

  it('the CLI: `triage --json` names the quota live, and `capture` then `triage --replay` shows it again', async () => {
    const load = await startCgroupLoad('cpu', { 'cpu.cfs_period_us': 100_000, 'cpu.cfs_quota_us': 10_000 }, ['spin'], ['cpuacct']);
    try {
      await until('the first throttled periods', () => counter(load, 'cpu.stat', 'nr_throttled') >= 3);
      const live = await runCli(['triage', String(load.pid), '--json', '--interval', '500']);
      expect(live.code, live.stderr).toBe(0);
      expect((JSON.parse(live.stdout) as Diagnosis).cgroup?.cpu).toMatchObject({ version: 'v1', path: load.path, quotaCores: 0.1 });
      const dir = join(scratch, `cli-${load.pid}`);
      const captured = await runCli(['capture', String(load.pid), '-o', dir, '--samples', '2', '--interval', '500']);
      expect(captured.code, captured.stderr).toBe(0);
      const replayed = await runCli(['triage', '--replay', dir, '--json']);
      expect(replayed.code, replayed.stderr).toBe(0);
      const cpu = (JSON.parse(replayed.stdout) as Diagnosis).cgroup!.cpu;
      expect(cpu).toMatchObject({ version: 'v1', path: load.path, quotaCores: 0.1, limitPath: load.path });
      expect(cpu.throttledPeriodsPercent).toBeGreaterThan(50);
    } finally {
      await load.stop();
    }
  });

  it('a 32 MiB memory limit under a 64 MiB working set: at the limit, failcnt, major faults and refaults growing, the same after replay', async () => {
    // 16 MiB of anonymous memory (no swap: it stays) and a 48 MiB file read through a mapping:
    // the page cache left under the limit holds a third of the file, so every page is refaulted.
    const file = join(scratch, `data-${randomBytes(4).toString('hex')}`);
    writeFileSync(file, randomBytes(48 << 20));
    const load = await startCgroupLoad('memory', { 'memory.limit_in_bytes': 32 << 20 }, ['thrash', file, '16', '2000']);
    try {
      await untilThrashing(load, 48 << 20);
      const { live, replayed } = await triageAndReplay(load.pid, 1000);
      const mem = live.cgroup!.memory;
      expect(mem).toMatchObject({ version: 'v1', path: load.path, limitBytes: 32 << 20, limitPath: load.path, highBytes: null, unavailable: null, unreadable: [] });
      expect(mem.usagePercentOfLimit).toBeGreaterThan(90);
      expect(mem.failcntInInterval).toBeGreaterThan(0);
      expect(mem.failcnt).toBeGreaterThanOrEqual(mem.failcntInInterval!);
      expect(mem.majorFaultsPerSec).toBeGreaterThan(100);
      expect(mem.refaultsPerSec).toBeGreaterThan(50);
      expect(mem.anonBytes).toBeGreaterThanOrEqual(16 << 20);
      expect(replayed.cgroup).toEqual(live.cgroup);
      expect(renderTextReport(replayed, { style: PLAIN })).toMatch(/memory {2}\/\S+: limit 32\.0 MiB · usage \d+\.\d MiB \(\d+\.\d %\) · failcnt \+\d+ \(\d+ in all\) · major faults \d+\/s · refaults \d+(\.\d)?\/s/);
    } finally {
      await load.stop();
      rmSync(file, { force: true });
    }
  });
});
