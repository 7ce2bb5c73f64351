/**
 * The verdict on real incidents (issue 10): each test starts the incident, triages it through the
 * code `proctriage triage` runs (two samples, looks in between, every other process measured for
 * culprits, the default 10 % PSI threshold unless said), and ends it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProcFs } from '../../src/procfs/procfs.js';
import { LiveSession } from '../../src/session/live.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { spawnSleeper, spawnZombie, stopAll } from '../support/spawners.js';
import { withSpawned } from '../support/live-triage.js';
import { v1Hierarchy } from '../support/cgroup-v1.js';
import { spawnCpuHog, spawnDirectDsyncDd, spawnMemoryThrasher, spawnJavaLockConvoy, spawnListenOverflow, spawnPythonChildPool, spawnPythonLockConvoy } from '../support/scenarios.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

afterAll(stopAll);

/** `proctriage triage PID` in process: a full sample, looks for `intervalMs`, a full sample. */
async function triage(pid: number, intervalMs = 1000, threshold = 10): Promise<Diagnosis> {
  const session = new LiveSession(createProcFs({ keepOpen: 4096 }), pid, { threshold, machine: true });
  try {
    session.step();
    await session.observeFor(intervalMs);
    const step = session.step();
    expect(step.ended).toBeNull();
    return step.diagnosis!;
  } finally {
    session.close();
  }
}

/** CPU ticks (utime + stime) of a process. */
function cpuTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after `comm`: state is field 3, utime and stime fields 14 and 15.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** A JVM compiles and collects for a while after start: wait until it uses under 5 % of a CPU (at most 10 s). */
async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (let before = cpuTicks(pid); Date.now() < deadline; ) {
    await sleep(500);
    const now = cpuTicks(pid);
    if (now - before <= 2) return;
    before = now;
  }
}

/** cgroup v1 cpu and memory controllers mounted, and root to make cgroups in them. */
function hasCgroupV1(): boolean {
  return process.geteuid?.() === 0 && v1Hierarchy('cpu') !== null && v1Hierarchy('memory') !== null;
}

function hasJava(): boolean {
  try {
    execFileSync('javac', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('verdicts an on-call engineer can act on', () => {
  it('a synchronous direct writer (dd oflag=direct,dsync): ten triages in a row give one verdict, on its own disk I/O', async () => {
    await withSpawned(spawnDirectDsyncDd(), async (dd) => {
      const verdicts: string[] = [];
      for (let i = 0; i < 10; i++) {
        const d = await triage(dd.pid, 1000);
        verdicts.push(`${d.verdict.kind}/${d.verdict.resource}`);
        expect(d.process.shares!.looks).toBeGreaterThan(3);
      }
      expect(new Set(verdicts), verdicts.join(', ')).toEqual(new Set([verdicts[0]]));
      expect(verdicts[0]).toMatch(/^(disk-io|waiting-for-cpu)\/(io|cpu)$/);
    });
  }, 60_000);

  it.runIf(hasJava())('a JVM with 8 threads behind one monitor whose holder sleeps is not ok: /proc cannot tell it from a parked pool, and jcmd can', async () => {
    await withSpawned(spawnJavaLockConvoy(8), async (jvm) => {
      await settle(jvm.pid);
      const d = await triage(jvm.pid, 500, 100);
      expect(d.runtime).toBe('java');
      expect(d.verdict.severity).not.toBe('ok');
      expect(d.verdict.kind).toBe('cannot-tell');
      expect(d.verdict.summary).toMatch(/lock convoy/);
      expect(d.next[0]!.command).toBe(`jcmd ${jvm.pid} Thread.print`);
    });
  }, 60_000);

  it('a CPython lock convoy likewise: never ok, and py-spy is the next command', async () => {
    await withSpawned(spawnPythonLockConvoy(8), async (py) => {
      const d = await triage(py.pid, 500, 100);
      expect(d.runtime).toBe('python');
      expect(d.verdict.severity).not.toBe('ok');
      expect(d.next.map((n) => n.command)).toContain(`py-spy dump --pid ${py.pid}`);
    });
  }, 60_000);

  it('a listening socket whose accept queue overflows makes the verdict a problem, whatever the threads do', async () => {
    await withSpawned(spawnListenOverflow({ backlog: 1, connectsPerSec: 20 }), async (s) => {
      const d = await triage(s.pid, 1000, 100);
      expect(d.verdict.kind).toBe('dropping-connections');
      expect(d.verdict.severity).toBe('problem');
      expect(d.verdict.summary).toMatch(new RegExp(`accept queue of 127\\.0\\.0\\.1:${s.port} is likely full \\(2/1`));
      expect(d.verdict.summary).toMatch(/No thread is in accept\(\)/);
      expect(d.network!.listening[0]!.acceptQueue).toBe(2);
      expect(d.next[0]!.command).toBe(`ss -lnt 'sport = :${s.port}'`);
    });
  }, 60_000);

  it('a CPU hog with more threads than CPUs is told it is the hog, and the CPU time is named', async () => {
    const threads = cpus().length + 1;
    await withSpawned(spawnCpuHog({ threads }), async (hog) => {
      await sleep(1500);
      const d = await triage(hog.pid, 1000);
      expect(d.verdict.resource).toBe('cpu');
      expect(d.verdict.cause).toBe('own-work');
      expect(d.verdict.kind === 'on-cpu' ? d.verdict.summary : d.verdict.summary).toMatch(/is the CPU hog|wants more CPUs than the machine has/);
      const list = d.verdict.culprits.find((c) => c.resource === 'cpu')!;
      expect(list.top[0]!.pid).toBe(hog.pid);
      expect(list.top[0]!.isTarget).toBe(true);
      expect(d.next.map((n) => n.command)).toContain(`perf top -p ${hog.pid}`);
    });
  }, 60_000);

  it('a process the hog slows is told it waits for CPUs and who has them', async () => {
    const threads = cpus().length + 1;
    await withSpawned(spawnCpuHog({ threads }), async (hog) => {
      // A victim that wants the CPU a little, often: a shell loop of short sleeps.
      await withSpawned(spawnCpuHog({ threads: 1 }), async (victim) => {
        await sleep(1500);
        const d = await triage(victim.pid, 1000);
        expect(d.verdict.resource).toBe('cpu');
        const list = d.verdict.culprits.find((c) => c.resource === 'cpu');
        expect(list?.top.some((c) => c.pid === hog.pid)).toBe(true);
        if (d.verdict.kind === 'waiting-for-cpu') expect(d.verdict.cause).toBe('other-processes');
      });
    });
  }, 60_000);

  it('a CPU burst that ended is not blamed: avg10 still high, this interval quiet', async () => {
    const burst = await spawnCpuHog({ threads: cpus().length * 2 });
    await sleep(6000);
    await burst.stop();
    await withSpawned(spawnSleeper(), async (s) => {
      await sleep(1500);
      const d = await triage(s.pid, 1000);
      const cpu = d.pressure.system.readings.find((r) => r.resource === 'cpu')!;
      // The premise: the burst's avg10 lingers above the interval's own stall share.
      expect(cpu.some!.avg10).toBeGreaterThan(cpu.someIntervalPercent! + 5);
      expect(cpu.contended).toBe(cpu.someIntervalPercent! > 10);
      expect(d.verdict.kind).toBe('idle');
      if (!cpu.contended) {
        expect(d.verdict.summary).not.toMatch(/contend/);
        expect(d.path.find((st) => st.id === 'pressure')!.answer).toMatch(/^(Not now|No):/);
      }
    });
  }, 60_000);

  it.runIf(hasCgroupV1())('a 10 % CPU quota in cgroup v1 is named: throttled by its cgroup, not slowed by others', async () => {
    await withSpawned(spawnCpuHog({ cpuQuota: true }), async (hog) => {
      const d = await triage(hog.pid, 1000);
      expect(d.verdict.kind).toBe('cpu-throttled');
      expect(d.verdict.cause).toBe('own-cgroup-limit');
      expect(d.verdict.summary).toMatch(/throttled by its cgroup's CPU quota \(10 % of a CPU/);
      expect(d.verdict.summary).toMatch(/throttled in \d+ % of the scheduler periods/);
      expect(d.next[0]!.command).toMatch(/^cat \/sys\/fs\/cgroup\/cpu[^ ]*\/cpu\.stat$/);
    });
  }, 60_000);

  it.runIf(hasCgroupV1())('a 32 MiB memory limit in cgroup v1 smaller than the working set is named', async () => {
    await withSpawned(spawnMemoryThrasher({ limitBytes: 32 << 20, fileMiB: 64 }), async (t) => {
      const d = await triage(t.pid, 1000);
      expect(d.verdict.kind).toBe('memory');
      expect(d.verdict.cause).toBe('own-cgroup-limit');
      expect(d.verdict.summary).toMatch(/its cgroup's memory limit: the 32\.0 MiB limit of .* is smaller than its working set — \d+ major faults\/s/);
    });
  }, 60_000);

  it('a pool whose workers each wait for a sleep child is as slow as its children, and says so', async () => {
    await withSpawned(spawnPythonChildPool(8), async (pool) => {
      const d = await triage(pool.pid, 500, 100);
      expect(d.verdict.kind).toBe('waiting-on-children');
      expect(d.verdict.summary).toMatch(/8 threads each wait for a child: 8 children `sleep` wait in sleep/);
      expect(d.next[0]!.command).toMatch(/^proctriage triage \d+$/);
    });
  }, 60_000);

  it('a parent that never reaps its zombie child is told so, whatever it waits on itself', async () => {
    await withSpawned(spawnZombie(), async (p) => {
      const d = await triage(p.pid, 300, 100);
      expect(d.verdict.kind).toBe('idle');
      expect(d.verdict.severity).toBe('warning');
      expect(d.verdict.summary).toMatch(new RegExp(`Its child ${p.related.zombie} \\(sleep\\) is a zombie: exited, and sleep has not called wait\\(\\) to reap it\\.`));
    });
  }, 30_000);
});
