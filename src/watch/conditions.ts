import type { Pressure, PsiLine } from '../parsers/pressure.js';
import type { ReadResult } from '../procfs/errors.js';
import { WAIT_KINDS, type WaitKind } from '../kernel/wait-kinds.js';
import { PSI_RESOURCES, type PsiResource } from '../readers/types.js';

/**
 * The `--when` language of `proctriage watch`. Pure: parsed from text, evaluated on frames.
 *
 *   psi:RES.LINE.WINDOW OP PERCENT     psi:cpu.some.avg10>20         RES cpu|memory|io|irq, LINE some|full,
 *                                                                      WINDOW avg10|avg60|avg300
 *   psi:RES.LINE.total OP N UNIT/s     psi:io.full.total>50ms/s      stall time rising faster than a rate;
 *                                                                      UNIT us|ms|s
 *   state:L                            state:T                       a thread in state L (of the process, or
 *                                                                      of the machine without a PID)
 *   state:L OP N UNIT                  state:D>500ms                 a thread held state L for longer than N;
 *                                                                      UNIT ms|s
 *   threads:KIND OP N                  threads:futex>=30             N threads in a wait kind (README "Wait kinds")
 *   cpu OP PERCENT                     cpu>80                        process CPU in % of one core
 *
 * OP is `>` or `>=`. Spaces are ignored. Several `--when` are OR-ed.
 */

export type Comparison = '>' | '>=';
export type PsiLineName = 'some' | 'full';
export type PsiWindow = 'avg10' | 'avg60' | 'avg300';

export type Condition =
  | { readonly type: 'psi-avg'; readonly text: string; readonly resource: PsiResource; readonly line: PsiLineName; readonly window: PsiWindow; readonly op: Comparison; readonly percent: number }
  | { readonly type: 'psi-rate'; readonly text: string; readonly resource: PsiResource; readonly line: PsiLineName; readonly op: Comparison; readonly usPerSec: number }
  | { readonly type: 'state'; readonly text: string; readonly state: string; readonly op: Comparison; readonly heldMs: number | null }
  | { readonly type: 'threads'; readonly text: string; readonly kind: WaitKind; readonly op: Comparison; readonly count: number }
  | { readonly type: 'cpu'; readonly text: string; readonly op: Comparison; readonly percent: number };

export type ParseOutcome = { readonly ok: true; readonly condition: Condition } | { readonly ok: false; readonly message: string };

/** Thread states a condition may name (stat field 3). */
const STATE_LETTERS = ['R', 'S', 'D', 'T', 't', 'Z', 'I', 'P', 'X'] as const;
const WINDOWS: readonly PsiWindow[] = ['avg10', 'avg60', 'avg300'];
const RATE_UNITS: Readonly<Record<string, number>> = { us: 1, ms: 1000, s: 1_000_000 };
const TIME_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000 };
const NUMBER = '(\\d+(?:\\.\\d+)?)';

/** The grammar, one line each: shown in `watch --help` and in every parse error. */
export const CONDITION_FORMS = [
  'psi:cpu|memory|io|irq.some|full.avg10|avg60|avg300>PERCENT',
  'psi:RES.LINE.total>N{us|ms|s}/s',
  'state:L[>N{ms|s}]',
  'threads:KIND>=N',
  'cpu>PERCENT',
] as const;

const fail = (message: string): ParseOutcome => ({ ok: false, message });

function splitComparison(rest: string): { left: string; op: Comparison | null; right: string } {
  const m = /^(.*?)(>=|>)(.*)$/.exec(rest);
  if (!m) return { left: rest, op: null, right: '' };
  return { left: m[1]!, op: m[2] as Comparison, right: m[3]! };
}

function parsePsi(text: string, body: string): ParseOutcome {
  const { left, op, right } = splitComparison(body);
  const [resource, line, field, extra] = left.split('.');
  if (!PSI_RESOURCES.includes(resource as PsiResource)) return fail(`unknown PSI resource "${resource ?? ''}" (expected cpu, memory, io or irq)`);
  if (line !== 'some' && line !== 'full') return fail(`PSI line must be some or full, got "${line ?? ''}"`);
  if (resource === 'irq' && line === 'some') return fail('irq pressure has only a full line: use psi:irq.full.…');
  if (extra !== undefined) return fail(`too many parts in "${left}" (expected RES.LINE.FIELD)`);
  if (op === null) return fail(`needs a comparison, e.g. psi:${resource}.${line}.avg10>20`);
  if (field === 'total') {
    const m = new RegExp(`^${NUMBER}(us|ms|s)/s$`).exec(right);
    if (!m) return fail(`the total stall rate needs a number with a unit per second, e.g. 50ms/s, got "${right}"`);
    const usPerSec = Number(m[1]) * RATE_UNITS[m[2]!]!;
    if (usPerSec > 1_000_000 * 1024) return fail(`${right} is more stall than a machine can have`);
    return { ok: true, condition: { type: 'psi-rate', text, resource: resource as PsiResource, line, op, usPerSec } };
  }
  if (!WINDOWS.includes(field as PsiWindow)) return fail(`unknown PSI field "${field ?? ''}" (expected avg10, avg60, avg300 or total)`);
  const percent = parsePercentText(right);
  if (percent === null) return fail(`the PSI threshold must be a percentage from 0 to 100, got "${right}"`);
  return { ok: true, condition: { type: 'psi-avg', text, resource: resource as PsiResource, line, window: field as PsiWindow, op, percent } };
}

function parsePercentText(raw: string): number | null {
  const m = new RegExp(`^${NUMBER}%?$`).exec(raw);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= 100 ? n : null;
}

function parseState(text: string, body: string): ParseOutcome {
  const { left, op, right } = splitComparison(body);
  if (!(STATE_LETTERS as readonly string[]).includes(left)) return fail(`unknown thread state "${left}" (expected one of ${STATE_LETTERS.join(' ')})`);
  if (op === null) return { ok: true, condition: { type: 'state', text, state: left, op: '>', heldMs: null } };
  const m = new RegExp(`^${NUMBER}(ms|s)$`).exec(right);
  if (!m) return fail(`a state duration needs a unit, e.g. state:${left}>500ms or state:${left}>2s, got "${right}"`);
  return { ok: true, condition: { type: 'state', text, state: left, op, heldMs: Number(m[1]) * TIME_UNITS[m[2]!]! } };
}

function parseThreads(text: string, body: string): ParseOutcome {
  const { left, op, right } = splitComparison(body);
  if (!(WAIT_KINDS as readonly string[]).includes(left)) return fail(`unknown wait kind "${left}" (expected one of ${WAIT_KINDS.join(', ')})`);
  if (op === null) return fail(`needs a count, e.g. threads:${left}>=30`);
  if (!/^\d+$/.test(right)) return fail(`the thread count must be a whole number, got "${right}"`);
  return { ok: true, condition: { type: 'threads', text, kind: left as WaitKind, op, count: Number(right) } };
}

function parseCpu(text: string, body: string): ParseOutcome {
  const { left, op, right } = splitComparison(body);
  if (left !== '' || op === null) return fail('needs a comparison, e.g. cpu>80');
  const m = new RegExp(`^${NUMBER}%?$`).exec(right);
  if (!m) return fail(`the CPU threshold must be a percentage of one core, got "${right}"`);
  return { ok: true, condition: { type: 'cpu', text, op, percent: Number(m[1]) } };
}

/** Parse one `--when` value. Errors are one line and name the grammar. */
export function parseCondition(raw: string): ParseOutcome {
  const text = raw.replace(/\s+/g, '');
  const outcome = parseCompact(text);
  if (outcome.ok) return outcome;
  return fail(`${outcome.message}. Forms: ${CONDITION_FORMS.join(' | ')}`);
}

function parseCompact(text: string): ParseOutcome {
  if (text === '') return fail('empty condition');
  if (text.startsWith('psi:')) return parsePsi(text, text.slice(4));
  if (text.startsWith('state:')) return parseState(text, text.slice(6));
  if (text.startsWith('threads:')) return parseThreads(text, text.slice(8));
  if (text.startsWith('cpu')) return parseCpu(text, text.slice(3));
  return fail('unknown condition');
}

/** Conditions that need a PID: the CPU of one process. */
export function needsProcess(c: Condition): boolean {
  return c.type === 'cpu';
}

export function needsWaitKinds(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.type === 'threads');
}

// ---------------------------------------------------------------------------------------
// Frames: what a condition sees of one sample

export interface FrameThread {
  readonly pid: number;
  readonly tid: number;
  readonly comm: string;
  readonly state: string;
  /** Wait kind; null when not classified (no `threads:` condition). */
  readonly kind: WaitKind | null;
}

export interface WatchFrame {
  readonly tMonoMs: number;
  readonly pressure: Readonly<Record<PsiResource, ReadResult<Pressure>>>;
  /** Threads of the process (with a PID) or of the machine (without). */
  readonly threads: readonly FrameThread[] | null;
  /** utime + stime of the process in clock ticks; null without a process or when unreadable. */
  readonly cpuTicks: number | null;
  readonly clockTicksPerSecond: number;
}

/** When each thread was first seen in its current state (a state change restarts the clock). */
export type HeldStates = ReadonlyMap<string, { readonly state: string; readonly sinceMs: number }>;

export function trackStates(previous: HeldStates, frame: WatchFrame): HeldStates {
  const next = new Map<string, { state: string; sinceMs: number }>();
  for (const t of frame.threads ?? []) {
    const key = `${t.pid}/${t.tid}`;
    const before = previous.get(key);
    next.set(key, before && before.state === t.state ? { state: t.state, sinceMs: before.sinceMs } : { state: t.state, sinceMs: frame.tMonoMs });
  }
  return next;
}

export interface Hit {
  readonly condition: Condition;
  /** The measured value, in the condition's unit (%, µs/s, ms, threads). */
  readonly value: number;
  /** For the report line: "state:T held 1.2 s by tid 1234", "psi:cpu.some.avg10 34.50 % (>20)". */
  readonly summary: string;
  /** The process the condition points at (state: the thread's; threads: the one with most such threads). */
  readonly pid: number | null;
}

function compare(value: number, op: Comparison, threshold: number): boolean {
  return op === '>' ? value > threshold : value >= threshold;
}

function psiLine(frame: WatchFrame, resource: PsiResource, line: PsiLineName): PsiLine | null {
  const p = frame.pressure[resource];
  return p.ok ? p.value[line] : null;
}

function formatRate(usPerSec: number): string {
  return usPerSec >= 1000 ? `${(usPerSec / 1000).toFixed(1)} ms/s` : `${Math.round(usPerSec)} us/s`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Does `c` hold at `curr`? `prev` gives rates, `held` (tracked up to and including curr) gives durations. */
export function evaluate(c: Condition, prev: WatchFrame | null, curr: WatchFrame, held: HeldStates): Hit | null {
  switch (c.type) {
    case 'psi-avg': {
      const line = psiLine(curr, c.resource, c.line);
      if (!line) return null;
      const value = line[c.window];
      return compare(value, c.op, c.percent) ? hitOf(c, value, `${value.toFixed(2)} %`) : null;
    }
    case 'psi-rate': {
      const a = prev && psiLine(prev, c.resource, c.line);
      const b = psiLine(curr, c.resource, c.line);
      const seconds = prev ? (curr.tMonoMs - prev.tMonoMs) / 1000 : 0;
      if (!a || !b || seconds <= 0 || b.total < a.total) return null;
      const value = (b.total - a.total) / seconds;
      return compare(value, c.op, c.usPerSec) ? hitOf(c, value, formatRate(value)) : null;
    }
    case 'state': {
      let best: { t: FrameThread; ms: number } | null = null;
      for (const t of curr.threads ?? []) {
        if (t.state !== c.state) continue;
        const since = held.get(`${t.pid}/${t.tid}`);
        const ms = since && since.state === t.state ? curr.tMonoMs - since.sinceMs : 0;
        if (!best || ms > best.ms) best = { t, ms };
      }
      if (!best) return null;
      if (c.heldMs !== null && !compare(best.ms, c.op, c.heldMs)) return null;
      return hitOf(c, best.ms, `held ${formatSeconds(best.ms)} by tid ${best.t.tid}`, best.t.pid);
    }
    case 'threads': {
      const inKind = (curr.threads ?? []).filter((t) => t.kind === c.kind);
      return compare(inKind.length, c.op, c.count) ? hitOf(c, inKind.length, `${inKind.length} threads`, busiestPid(inKind)) : null;
    }
    case 'cpu': {
      if (!prev || prev.cpuTicks === null || curr.cpuTicks === null || curr.cpuTicks < prev.cpuTicks) return null;
      const seconds = (curr.tMonoMs - prev.tMonoMs) / 1000;
      if (seconds <= 0) return null;
      const value = ((curr.cpuTicks - prev.cpuTicks) / curr.clockTicksPerSecond / seconds) * 100;
      return compare(value, c.op, c.percent) ? hitOf(c, value, `${value.toFixed(0)} %`) : null;
    }
  }
}

/** "psi:cpu.some.avg10 34.50 % (>20)", "state:T held 1.2 s by tid 1234", "threads:futex 31 threads (>=30)". */
function hitOf(c: Condition, value: number, measured: string, pid: number | null = null): Hit {
  const { left, op, right } = splitComparison(c.text);
  const threshold = op === null ? '' : ` (${op}${right})`;
  return { condition: c, value, summary: `${left} ${measured}${threshold}`, pid };
}

/** The pid holding the most of these threads (the lowest pid on a tie). */
function busiestPid(threads: readonly FrameThread[]): number | null {
  const counts = new Map<number, number>();
  for (const t of threads) counts.set(t.pid, (counts.get(t.pid) ?? 0) + 1);
  let best: [number, number] | null = null;
  for (const [pid, n] of counts) if (!best || n > best[1] || (n === best[1] && pid < best[0])) best = [pid, n];
  return best ? best[0] : null;
}

/** The first condition that holds (several `--when` are OR-ed, in the order given). */
export function firstHit(conditions: readonly Condition[], prev: WatchFrame | null, curr: WatchFrame, held: HeldStates): Hit | null {
  for (const c of conditions) {
    const hit = evaluate(c, prev, curr, held);
    if (hit) return hit;
  }
  return null;
}
