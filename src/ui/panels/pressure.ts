import type { Diagnosis, PressureView, PsiReading } from '../../diagnose/types.js';
import type { PsiResource } from '../../readers/types.js';
import { judgedAvg10 } from '../../kernel/psi.js';
import { PSI_HISTORY_LENGTH } from '../../sample/machine/feed.js';
import { fitPanel, line, seg, type Line, type PanelModel, type Segment, type Size, type Tone } from '../text.js';

type PsiValues = Readonly<Record<PsiResource, number | null>>;

/** One tick of PSI history: the judged avg10 (`some`, or `full` for irq) per resource and scope. */
export interface PsiPoint {
  readonly system: PsiValues;
  readonly cgroup: PsiValues | null;
}

export { PSI_HISTORY_LENGTH };

function judged(r: PsiReading | undefined): number | null {
  if (!r || r.unavailable) return null;
  return judgedAvg10(r);
}

function valuesOf(view: PressureView): PsiValues {
  const get = (res: PsiResource) => (view.unavailable ? null : judged(view.readings.find((r) => r.resource === res)));
  return { cpu: get('cpu'), memory: get('memory'), io: get('io'), irq: get('irq') };
}

export function psiPoint(d: Diagnosis): PsiPoint {
  return { system: valuesOf(d.pressure.system), cgroup: d.pressure.cgroup ? valuesOf(d.pressure.cgroup) : null };
}

/** Append a point, keeping the newest `max`. */
export function pushPsi(history: readonly PsiPoint[], point: PsiPoint, max = PSI_HISTORY_LENGTH): PsiPoint[] {
  const out = [...history, point];
  return out.length > max ? out.slice(out.length - max) : out;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One character per value, newest on the right. The scale puts the contention threshold at
 * the top of `▄`: a value at or below it never rises above `▄`, a value above it is `▅` to `█`.
 * Missing values are blank.
 */
export function sparkline(values: readonly (number | null)[], width: number, threshold: number): Segment[] {
  if (width <= 0) return [];
  const t = threshold > 0 ? threshold : 1;
  const shown = values.slice(-width);
  const cells: { ch: string; tone: Tone }[] = [];
  for (let i = shown.length; i < width; i++) cells.push({ ch: ' ', tone: 'plain' });
  for (const v of shown) {
    if (v === null) cells.push({ ch: ' ', tone: 'plain' });
    else if (v <= t) cells.push({ ch: BARS[Math.max(0, Math.min(3, Math.ceil((v / t) * 4) - 1))]!, tone: 'good' });
    else cells.push({ ch: BARS[4 + Math.min(3, Math.floor(((v - t) / t) * 4))]!, tone: 'bad' });
  }
  const out: Segment[] = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last && last.tone === c.tone) out[out.length - 1] = seg(last.text + c.ch, c.tone);
    else out.push(seg(c.ch, c.tone));
  }
  return out;
}

const NAME_WIDTH = 7;
const NUMS_WIDTH = 11;

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(1);
}

function numbers(r: PsiReading | undefined): Segment {
  if (!r || r.unavailable) return seg('n/a'.padStart(5).padEnd(NUMS_WIDTH), 'dim');
  const text = `${num(r.some?.avg10).padStart(5)} ${num(r.full?.avg10).padStart(5)}`;
  return seg(text, r.contended ? 'bad' : 'plain');
}

function shownResources(d: Diagnosis): PsiResource[] {
  const hasIrq = [d.pressure.system, d.pressure.cgroup].some((v) => v && !v.unavailable && v.readings.some((r) => r.resource === 'irq' && !r.unavailable));
  return hasIrq ? ['cpu', 'memory', 'io', 'irq'] : ['cpu', 'memory', 'io'];
}

function reading(view: PressureView | null, res: PsiResource): PsiReading | undefined {
  return view?.readings.find((r) => r.resource === res);
}

/** The verdict in words: which scope and resource is over the threshold, or that none is. */
export function pressureVerdict(d: Diagnosis): { text: string; tone: Tone } {
  const { system, cgroup } = d.pressure;
  const over: string[] = [];
  for (const view of [system, cgroup]) {
    if (!view || view.unavailable) continue;
    for (const r of view.readings) if (r.contended) over.push(`${view.scope} ${r.resource} ${num(judged(r))} %`);
  }
  if (over.length > 0) return { text: `contended: ${over.join(', ')} > ${system.threshold} %`, tone: 'bad' };
  if (system.unavailable && (!cgroup || cgroup.unavailable)) return { text: 'unavailable', tone: 'warn' };
  return { text: `no contention (all ≤ ${system.threshold} %)`, tone: 'good' };
}

function scopeName(view: PressureView | null): string {
  if (!view) return 'cgroup: none';
  return view.scope === 'system' ? 'system' : `cgroup ${view.path ?? '/'}`;
}

function history(points: readonly PsiPoint[], scope: 'system' | 'cgroup', res: PsiResource): (number | null)[] {
  return points.map((p) => (scope === 'system' ? p.system[res] : (p.cgroup?.[res] ?? null)));
}

function unavailableLine(view: PressureView): Line {
  return line(seg(`${scopeName(view)}: `, 'bold'), seg(`unavailable — ${view.unavailable ?? ''}`, 'warn'));
}

/** Why there is no cgroup row: the root cgroup's pressure is the system's; otherwise no cgroup v2. */
function noCgroupLine(cgroupPath: string | null): Line {
  return line(seg(cgroupPath === '/' ? 'cgroup /: the root cgroup, its pressure is the system\'s' : 'cgroup: no cgroup v2 pressure for this process', 'dim'));
}

function stacked(d: Diagnosis, points: readonly PsiPoint[], size: Size, resources: readonly PsiResource[], cgroupPath: string | null): Line[] {
  const threshold = d.pressure.system.threshold;
  const sparkWidth = Math.max(0, size.width - NAME_WIDTH - NUMS_WIDTH - 1);
  const out: Line[] = [];
  for (const view of [d.pressure.system, d.pressure.cgroup]) {
    if (!view) {
      out.push(noCgroupLine(cgroupPath));
      continue;
    }
    if (view.unavailable) {
      out.push(unavailableLine(view));
      continue;
    }
    out.push(line(seg(scopeName(view).padEnd(NAME_WIDTH), 'bold'), seg(' some  full'.padEnd(NUMS_WIDTH + 1), 'dim'), seg(`avg10 %, ▄ = ${threshold} %`, 'dim')));
    for (const res of resources) {
      const r = reading(view, res);
      out.push(line(res.padEnd(NAME_WIDTH), numbers(r), ' ', ...sparkline(history(points, view.scope, res), sparkWidth, threshold), ...(r?.unavailable ? [seg(` ${r.unavailable}`, 'dim')] : [])));
    }
  }
  return out;
}

function sideBySide(d: Diagnosis, points: readonly PsiPoint[], size: Size, resources: readonly PsiResource[], cgroupPath: string | null): Line[] {
  const { system, cgroup } = d.pressure;
  const threshold = system.threshold;
  const both = cgroup !== null && !cgroup.unavailable;
  const spark = Math.max(0, both ? Math.floor((size.width - NAME_WIDTH - 2 * NUMS_WIDTH - 3) / 2) : size.width - NAME_WIDTH - NUMS_WIDTH - 1);
  const head = (view: PressureView) => seg(`${view.scope === 'system' ? 'system' : 'cgroup'} some full`.padStart(NUMS_WIDTH).padEnd(NUMS_WIDTH + 1 + spark), 'dim');
  const out: Line[] = [];
  if (system.unavailable) out.push(unavailableLine(system));
  else out.push(line(seg(`▄=${threshold}%`.padEnd(NAME_WIDTH), 'dim'), head(system), ...(both ? [seg(' '), head(cgroup)] : [])));
  if (!system.unavailable) {
    for (const res of resources) {
      const parts: (Segment | string)[] = [res.padEnd(NAME_WIDTH), numbers(reading(system, res)), ' ', ...sparkline(history(points, 'system', res), spark, threshold)];
      if (both) parts.push(' ', numbers(reading(cgroup, res)), ' ', ...sparkline(history(points, 'cgroup', res), spark, threshold));
      out.push(line(...parts));
    }
  }
  if (cgroup?.unavailable) out.push(unavailableLine(cgroup));
  else if (both) out.push(line(seg(`cgroup ${cgroup.path ?? '/'}`, 'dim')));
  else out.push(noCgroupLine(cgroupPath));
  return out;
}

/** PSI history for the system and the process's cgroup, threshold marked, verdict in the title. */
export function pressurePanel(d: Diagnosis, points: readonly PsiPoint[], size: Size, cgroupPath: string | null = null): PanelModel {
  const resources = shownResources(d);
  const scopes = d.pressure.cgroup && !d.pressure.cgroup.unavailable ? 2 : 1;
  const stackedRows = scopes * (resources.length + 1) + (scopes === 1 ? 1 : 0);
  const lines = size.height >= stackedRows ? stacked(d, points, size, resources, cgroupPath) : sideBySide(d, points, size, resources, cgroupPath);
  const verdict = pressureVerdict(d);
  return { title: `PSI — ${verdict.text}`, titleTone: verdict.tone, lines: fitPanel(lines, size) };
}
