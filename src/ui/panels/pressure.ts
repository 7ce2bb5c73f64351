import type { Diagnosis, PressureView, PsiReading } from '../../diagnose/types.js';
import type { PsiResource } from '../../readers/types.js';
import { judgedAvg10 } from '../../kernel/psi.js';
import { judged as judgedPair, type PsiPoint } from '../charts/psi-chart.js';
import { sparkline as spark, thresholdBar } from '../charts/sparkline.js';
import { fitPanel, line, seg, type Line, type PanelModel, type Segment, type Size, type Tone } from '../text.js';

export { PSI_HISTORY_LENGTH, psiPoint, pushPoint as pushPsi, type PsiPoint } from '../charts/psi-chart.js';

/** The judged avg10 of a reading: `some`, or `full` where only it exists (irq). */
function judged(r: PsiReading | undefined): number | null {
  if (!r || r.unavailable) return null;
  return judgedAvg10(r);
}

/** A PSI sparkline: the contention threshold at the top of the fourth level (`▄`, or `=` without Unicode). */
export function sparkline(values: readonly (number | null)[], width: number, threshold: number, unicode = true): Segment[] {
  return spark(values, width, { threshold, unicode });
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
  return points.map((p) => judgedPair(scope === 'system' ? p.system[res] : (p.cgroup?.[res] ?? null)));
}

function unavailableLine(view: PressureView): Line {
  return line(seg(`${scopeName(view)}: `, 'bold'), seg(`unavailable — ${view.unavailable ?? ''}`, 'warn'));
}

/** Why there is no cgroup row: the root cgroup's pressure is the system's; otherwise no cgroup v2. */
function noCgroupLine(cgroupPath: string | null): Line {
  return line(seg(cgroupPath === '/' ? 'cgroup /: the root cgroup, its pressure is the system\'s' : 'cgroup: no cgroup v2 pressure for this process', 'dim'));
}

function stacked(d: Diagnosis, points: readonly PsiPoint[], size: Size, resources: readonly PsiResource[], cgroupPath: string | null, unicode: boolean): Line[] {
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
    out.push(line(seg(scopeName(view).padEnd(NAME_WIDTH), 'bold'), seg(' some  full'.padEnd(NUMS_WIDTH + 1), 'dim'), seg(`avg10 %, ${thresholdBar(unicode)} = ${threshold} %`, 'dim')));
    for (const res of resources) {
      const r = reading(view, res);
      out.push(line(res.padEnd(NAME_WIDTH), numbers(r), ' ', ...sparkline(history(points, view.scope, res), sparkWidth, threshold, unicode), ...(r?.unavailable ? [seg(` ${r.unavailable}`, 'dim')] : [])));
    }
  }
  return out;
}

function sideBySide(d: Diagnosis, points: readonly PsiPoint[], size: Size, resources: readonly PsiResource[], cgroupPath: string | null, unicode: boolean): Line[] {
  const { system, cgroup } = d.pressure;
  const threshold = system.threshold;
  const both = cgroup !== null && !cgroup.unavailable;
  const spark = Math.max(0, both ? Math.floor((size.width - NAME_WIDTH - 2 * NUMS_WIDTH - 3) / 2) : size.width - NAME_WIDTH - NUMS_WIDTH - 1);
  const head = (view: PressureView) => seg(`${view.scope === 'system' ? 'system' : 'cgroup'} some full`.padStart(NUMS_WIDTH).padEnd(NUMS_WIDTH + 1 + spark), 'dim');
  const out: Line[] = [];
  if (system.unavailable) out.push(unavailableLine(system));
  else out.push(line(seg(`${thresholdBar(unicode)}=${threshold}%`.padEnd(NAME_WIDTH), 'dim'), head(system), ...(both ? [seg(' '), head(cgroup)] : [])));
  if (!system.unavailable) {
    for (const res of resources) {
      const parts: (Segment | string)[] = [res.padEnd(NAME_WIDTH), numbers(reading(system, res)), ' ', ...sparkline(history(points, 'system', res), spark, threshold, unicode)];
      if (both) parts.push(' ', numbers(reading(cgroup, res)), ' ', ...sparkline(history(points, 'cgroup', res), spark, threshold, unicode));
      out.push(line(...parts));
    }
  }
  if (cgroup?.unavailable) out.push(unavailableLine(cgroup));
  else if (both) out.push(line(seg(`cgroup ${cgroup.path ?? '/'}`, 'dim')));
  else out.push(noCgroupLine(cgroupPath));
  return out;
}

/** PSI history for the system and the process's cgroup, threshold marked, verdict in the title. */
export function pressurePanel(d: Diagnosis, points: readonly PsiPoint[], size: Size, cgroupPath: string | null = null, unicode = true): PanelModel {
  const resources = shownResources(d);
  const scopes = d.pressure.cgroup && !d.pressure.cgroup.unavailable ? 2 : 1;
  const stackedRows = scopes * (resources.length + 1) + (scopes === 1 ? 1 : 0);
  const lines = size.height >= stackedRows ? stacked(d, points, size, resources, cgroupPath, unicode) : sideBySide(d, points, size, resources, cgroupPath, unicode);
  const verdict = pressureVerdict(d);
  return { title: `PSI — ${verdict.text}`, titleTone: verdict.tone, lines: fitPanel(lines, size) };
}
