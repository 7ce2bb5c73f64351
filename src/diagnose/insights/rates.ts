import { CITES } from '../../kernel/mechanisms.js';
import { perSecond, valueOf, type InsightInput } from './input.js';
import type { RateFinding, RateInsight } from './types.js';

/** Seed 001: "more than 10K syscalls/sec for small operations" is a tax. */
export const MANY_SYSCALLS = 10_000;
/** Small: less than a page per call. */
export const SMALL_BYTES = 4096;
/** Involuntary switches per second that mean preemption matters, when they outnumber voluntary ones. */
export const MANY_INVOLUNTARY = 100;
/** Voluntary switches per second that are chatter: a blocking call every 200 µs. */
export const MANY_VOLUNTARY = 5_000;

/**
 * The process's syscall and switch rates, judged with the measured figure. `io` counts read- and
 * write-like calls only (rchar/wchar/syscr/syscw, fs/read_write.c); switches are summed over
 * task/TID/status, since /proc/PID/status counts the main thread alone (task_context_switch_counts
 * prints one task's nvcsw/nivcsw). A voluntary switch is a sleep (a blocking call); an involuntary
 * one is a preemption while it still wanted the CPU.
 */
export function ratesOf(input: InsightInput): RateInsight | null {
  const p = input.process;
  if (input.model.rates === null) return null;
  const io = (pick: (v: { rchar: number; wchar: number; syscr: number; syscw: number }) => number) =>
    perSecond(input.model, (s) => {
      const v = valueOf(s.process.io);
      return v ? pick(v) : null;
    });
  const calls = io((v) => v.syscr + v.syscw);
  const bytes = io((v) => v.rchar + v.wchar);
  const perCall = calls !== null && bytes !== null && calls > 0 ? bytes / calls : null;
  const vol = p.voluntarySwitchesPerSec;
  const invol = p.involuntarySwitchesPerSec;
  const findings: RateFinding[] = [];
  if ((p.syscallsPerSec ?? 0) > MANY_SYSCALLS && perCall !== null && perCall < SMALL_BYTES) findings.push('small-syscalls');
  if (invol !== null && invol >= MANY_INVOLUNTARY && invol >= (vol ?? 0)) findings.push('cpu-contention');
  if (vol !== null && vol >= MANY_VOLUNTARY) findings.push('blocking-chatter');
  const top = input.threads
    .filter((t) => t.voluntarySwitchesPerSec !== null)
    .map((t) => ({ tid: t.tid, comm: t.comm, voluntary: t.voluntarySwitchesPerSec ?? 0, involuntary: t.involuntarySwitchesPerSec ?? 0 }))
    .sort((a, b) => b.voluntary + b.involuntary - (a.voluntary + a.involuntary))
    .slice(0, 3)
    .filter((t) => t.voluntary + t.involuntary > 0);
  return {
    syscallsPerSec: p.syscallsPerSec,
    bytesPerSyscall: perCall,
    voluntarySwitchesPerSec: vol,
    involuntarySwitchesPerSec: invol,
    topSwitchers: top,
    findings,
    confidence: 'certain',
    sources: [`/proc/${p.pid}/io rchar wchar syscr syscw`, `/proc/${p.pid}/task/*/status voluntary_ctxt_switches nonvoluntary_ctxt_switches`],
    kernel: [CITES.ioAccounting, CITES.switchCounts],
  };
}
