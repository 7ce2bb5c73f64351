import type { Activity } from '../activity.js';
import { measured, noted } from '../evidence.js';
import type { TreeInput } from '../tree-input.js';
import type { Evidence, PressureView, PsiReading, Resource, TreeStep } from '../types.js';
import { avg, cap, RECLAIM_MIN, RUNNABLE_MIN, stall } from './common.js';

export interface Contended {
  readonly scope: 'system' | 'cgroup';
  readonly path: string | null;
  readonly reading: PsiReading;
  /** Stall share of this interval (%), or avg10 with one sample. */
  readonly now: number;
}

/** The stall share of the interval that decides "contended" (`some`, or `full` for irq); avg10 with one sample. */
export function stallNow(r: PsiReading): number | null {
  const interval = r.some ? r.someIntervalPercent : r.fullIntervalPercent;
  if (interval !== null) return interval;
  return (r.some ?? r.full)?.avg10 ?? null;
}

export function contendedNow(input: TreeInput): Contended[] {
  const out: Contended[] = [];
  for (const view of [input.system, input.cgroup]) {
    if (!view || view.unavailable) continue;
    for (const r of view.readings) {
      if (!r.contended || r.unavailable) continue;
      out.push({ scope: view.scope, path: view.path, reading: r, now: stallNow(r) ?? 0 });
    }
  }
  return out.sort((a, b) => b.now - a.now);
}

export const psiResource = (r: PsiReading): Resource => (r.resource === 'irq' ? 'cpu' : r.resource);

export function scopeWords(c: Contended): string {
  return c.scope === 'system' ? 'the system' : `its cgroup (${c.path ?? '/'})`;
}

export function psiEvidence(view: PressureView, r: PsiReading): Evidence[] {
  const where = view.scope === 'system' ? `/proc/pressure/${r.resource}` : `cgroup ${view.path ?? '/'} ${r.resource}.pressure`;
  const line = r.some ? 'some' : 'full';
  const out: Evidence[] = [];
  const interval = r.some ? r.someIntervalPercent : r.fullIntervalPercent;
  if (interval !== null) out.push(measured(`${view.scope} ${r.resource} ${line}, this interval`, interval, 'percent', `${where} (total)`, 2));
  const value = r.some ?? r.full;
  if (value) out.push(measured(`${view.scope} ${r.resource} ${line} avg10`, value.avg10, 'percent', where, 2));
  return out;
}

export function pressureStep(input: TreeInput, contended: readonly Contended[]): TreeStep {
  const { system, cgroup, threshold } = input;
  const evidence: Evidence[] = [];
  const recently: string[] = [];
  for (const view of [system, cgroup]) {
    if (!view) continue;
    if (view.unavailable) {
      evidence.push(noted(`${view.scope} PSI`, 'unavailable', view.unavailable));
      continue;
    }
    for (const r of view.readings) {
      if (r.unavailable) continue;
      evidence.push(...psiEvidence(view, r));
      if (r.recently && !r.contended) recently.push(`${view.scope === 'system' ? '' : 'cgroup '}${r.resource} avg10 ${(r.some ?? r.full)!.avg10.toFixed(1)} %`);
    }
  }
  const intervalKnown = input.haveRates && system.readings.some((r) => r.someIntervalPercent !== null);
  let answer: string;
  if (system.unavailable && (!cgroup || cgroup.unavailable)) {
    answer = `Unknown: ${system.unavailable}. Judging from the process alone.`;
  } else if (contended.length > 0) {
    const how = (c: Contended) => (intervalKnown ? `stalled ${stall(c.now)} % of this interval` : `avg10 ${stall(c.now)} %, one sample`);
    answer = `Yes: ${contended.map((c) => `${scopeWords(c)} is contended on ${c.reading.resource} (${how(c)} > ${threshold} %)`).join(', ')}.`;
  } else if (recently.length > 0) {
    answer = `Not now: every stall share of this interval is at or below ${threshold} %, but the last 10 s were above it (${recently.join(', ')}): the pressure has passed or comes and goes.`;
  } else {
    answer = `No: every stall share ${intervalKnown ? 'of this interval' : '(avg10)'} is at or below ${threshold} %.`;
  }
  return {
    id: 'pressure',
    question: `Is the system or the process's cgroup contended now (PSI stall share of the interval > ${threshold} %)?`,
    answer,
    evidence,
  };
}

// ---------------------------------------------------------------------------------------
// A finding: one candidate verdict with what backs it

/**
 * Contention on a resource other than the verdict's: a second cause when the process also waits
 * for it (runqueue time on a contended CPU, D time on contended io), else a note that it does not.
 */
export function contentionNote(contended: readonly Contended[], resource: Resource | null, a?: Activity): string {
  const others = contended.filter((c) => psiResource(c.reading) !== resource);
  if (others.length === 0) return '';
  const alsoWaits = (c: Contended): string | null => {
    const r = psiResource(c.reading);
    if (!a) return null;
    if (r === 'cpu' && a.runnable >= RUNNABLE_MIN) return `it also waits ${(a.runnable * 1000).toFixed(0)} ms/s for a CPU`;
    if (r === 'io' && a.disk >= RECLAIM_MIN) return `it also waits in D on disk I/O (${avg(a.disk)} threads on average)`;
    if (r === 'memory' && a.reclaim >= RECLAIM_MIN) return `it also reclaims memory (${avg(a.reclaim)} threads on average)`;
    return null;
  };
  const felt = others.filter((c) => alsoWaits(c) !== null);
  const unfelt = others.filter((c) => alsoWaits(c) === null);
  const parts: string[] = [];
  for (const c of felt) parts.push(`${cap(alsoWaits(c)!)}: ${scopeWords(c)} is contended on ${c.reading.resource} (stalled ${stall(c.now)} % of this interval).`);
  if (unfelt.length > 0) {
    const list = unfelt.map((c) => `${scopeWords(c)} is contended on ${c.reading.resource} (stalled ${stall(c.now)} % of this interval)`).join(', and ');
    parts.push(`${cap(list)}, but this process is not waiting for ${unfelt.length === 1 ? 'it' : 'them'}.`);
  }
  return ` ${parts.join(' ')}`;
}
