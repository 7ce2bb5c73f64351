import type { WaitKind } from '../kernel/wait-kinds.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import { cgroupV2Path, parseCgroup, type CgroupEntry } from '../parsers/cgroup.js';
import type { ProcFs } from '../procfs/procfs.js';
import { parseResult } from '../readers/parsed.js';
import type { MachineSample } from '../sample/machine/types.js';
import { LiveSession } from '../session/live.js';
import type { Diagnosis } from '../diagnose/types.js';
import type { TargetVerdict } from './types.js';

/** Which processes get a verdict: `--pid`, `--comm REGEX`, `--cgroup PATH` (any of them). */
export interface TargetSelector {
  readonly pids: readonly number[];
  readonly comm: RegExp | null;
  /** A cgroup path (`/system.slice/nginx.service`): its processes and those of the cgroups below it. */
  readonly cgroup: string | null;
}

export interface TargetOptions {
  /** A verdict is refreshed this often (its rates are over this interval). */
  readonly everyMs: number;
  /** Targets diagnosed at most; the rest are counted as dropped. */
  readonly maxTargets: number;
  readonly threshold: number;
}

export function hasTargets(selector: TargetSelector): boolean {
  return selector.pids.length > 0 || selector.comm !== null || selector.cgroup !== null;
}

/** Whether a process's cgroup (v2, or any v1 hierarchy's) is `path` or below it. */
export function inCgroup(entries: readonly CgroupEntry[], path: string): boolean {
  const want = path === '/' ? '/' : path.replace(/\/+$/, '');
  const paths = [cgroupV2Path(entries), ...entries.map((e) => e.path)].filter((p): p is string => p !== null);
  return paths.some((p) => want === '/' || p === want || p.startsWith(`${want}/`));
}

/**
 * Verdicts for the selected processes, at a low rate: a light LiveSession per target (the
 * dashboard's way of reading a process every second), stepped every `everyMs`, its diagnosis
 * reduced to the verdict and the numbers behind it. Targets are chosen from the processes of
 * the newest machine sample, lowest pid first, at most `maxTargets`.
 */
export class TargetVerdicts {
  private readonly sessions = new Map<number, LiveSession>();
  private readonly cgroupMatch = new Map<number, boolean>();
  private verdictsNow: TargetVerdict[] = [];
  private droppedNow = 0;
  private lastMs = -Infinity;

  constructor(
    private readonly fs: ProcFs,
    private readonly selector: TargetSelector,
    private readonly options: TargetOptions,
  ) {}

  get verdicts(): readonly TargetVerdict[] {
    return this.verdictsNow;
  }

  /** Processes that matched beyond `maxTargets`, at the last refresh. */
  get dropped(): number {
    return this.droppedNow;
  }

  /** Refresh the verdicts when `everyMs` has passed since the last refresh. */
  maybeStep(sample: MachineSample): void {
    if (sample.tMonoMs - this.lastMs < this.options.everyMs) return;
    this.lastMs = sample.tMonoMs;
    const selected = this.select(sample);
    this.droppedNow = Math.max(0, selected.length - this.options.maxTargets);
    const chosen = new Set(selected.slice(0, this.options.maxTargets));
    for (const pid of this.sessions.keys()) if (!chosen.has(pid)) this.sessions.delete(pid);
    const verdicts: TargetVerdict[] = [];
    for (const pid of chosen) {
      const diagnosis = this.step(pid);
      if (diagnosis) verdicts.push(targetVerdict(diagnosis));
    }
    this.verdictsNow = verdicts;
  }

  private select(sample: MachineSample): number[] {
    const comms = new Map<number, string>();
    for (const t of sample.threads) if (!comms.has(t.pid)) comms.set(t.pid, t.processComm);
    for (const pid of this.cgroupMatch.keys()) if (!comms.has(pid)) this.cgroupMatch.delete(pid);
    const { pids, comm, cgroup } = this.selector;
    const wanted = new Set(pids);
    const out: number[] = [];
    for (const [pid, name] of comms) {
      if (wanted.has(pid) || (comm !== null && comm.test(name)) || (cgroup !== null && this.isInCgroup(pid, cgroup))) out.push(pid);
    }
    return out.sort((a, b) => a - b);
  }

  /** Read once per process: a process rarely moves between cgroups. */
  private isInCgroup(pid: number, path: string): boolean {
    let hit = this.cgroupMatch.get(pid);
    if (hit === undefined) {
      const entries = parseResult(this.fs.readText(`${pid}/cgroup`), `${pid}/cgroup`, parseCgroup);
      hit = entries.ok && inCgroup(entries.value, path);
      this.cgroupMatch.set(pid, hit);
    }
    return hit;
  }

  /** The newest diagnosis of a target; null when it is gone. */
  private step(pid: number): Diagnosis | null {
    let session = this.sessions.get(pid);
    if (!session) {
      session = new LiveSession(this.fs, pid, { light: true, threshold: this.options.threshold });
      this.sessions.set(pid, session);
    }
    try {
      const step = session.step();
      if (step.ended) {
        this.sessions.delete(pid);
        return null;
      }
      return step.diagnosis;
    } catch (err) {
      if (!(err instanceof ProcessGoneError)) throw err;
      this.sessions.delete(pid);
      return null;
    }
  }
}

/** A diagnosis reduced to what a metric shows: the verdict and the numbers behind it. */
export function targetVerdict(d: Diagnosis): TargetVerdict {
  const byKind = new Map<WaitKind, number>();
  for (const g of d.waitGroups) byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + g.count);
  const queues = (d.futexGroups ?? []).filter((g) => g.style === 'lock-queue').map((g) => g.count);
  return {
    pid: d.process.pid,
    comm: d.process.comm,
    kind: d.verdict.kind,
    resource: d.verdict.resource,
    severity: d.verdict.severity,
    cpu: d.process.cpuPercent === null ? null : d.process.cpuPercent / 100,
    runqueueDelay: d.process.runqueueDelayMsPerSec === null ? null : d.process.runqueueDelayMsPerSec / 1000,
    threads: d.process.threadCount,
    threadsByKind: [...byKind.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    lockQueue: queues.length > 0 ? Math.max(...queues) : 0,
  };
}
