import type { Diagnosis, TreeStep, TreeStepId } from '../../diagnose/types.js';
import { fitPanel, line, seg, wrapText, type Line, type PanelModel, type Size, type Tone } from '../text.js';

const STEP_NAMES: Readonly<Record<TreeStepId, string>> = {
  pressure: 'PSI',
  resource: 'resource',
  cpu: 'on/off-CPU',
  waits: 'wait',
  intermittent: 'intermittent',
};
const NAME = 15;

const SEVERITY_TONE: Readonly<Record<Diagnosis['verdict']['severity'], Tone>> = { ok: 'good', warning: 'warn', problem: 'bad' };

function wrapped(prefix: string, text: string, width: number, full: boolean, tone: Tone = 'plain', prefixTone: Tone = 'dim'): Line[] {
  if (!full) return [line(seg(prefix, prefixTone), seg(text, tone))];
  return wrapText(text, Math.max(10, width - prefix.length)).map((w, i) => line(seg(i === 0 ? prefix : ' '.repeat(prefix.length), prefixTone), seg(w, tone)));
}

function stepLines(step: TreeStep, n: number, width: number, full: boolean): Line[] {
  return wrapped(`${n} ${STEP_NAMES[step.id]}`.padEnd(NAME), step.answer, width, full, 'plain', 'bold');
}

function evidenceLines(step: TreeStep, limit: number): Line[] {
  return step.evidence.slice(0, limit).map((e) => line(' '.repeat(NAME), seg(`${e.label} = `, 'dim'), e.value, seg(`  ${e.source}`, 'dim')));
}

/**
 * The path the tree took, the evidence at each step and the next command. On a short panel
 * the answers and the next command come first; evidence fills whatever room is left.
 */
export function treeLines(d: Diagnosis, size: Size, full: boolean): Line[] {
  // The panel leaves the verdict to the line under the header; the whole tree (t) repeats it.
  const verdict = full ? wrapped('verdict'.padEnd(NAME), d.verdict.summary, size.width, full, SEVERITY_TONE[d.verdict.severity], 'bold') : [];
  const next = d.next.flatMap((c) => [
    ...wrapped('→ next'.padEnd(NAME), c.command, size.width, full, 'accent', 'bold'),
    ...(full ? wrapped(' '.repeat(NAME), c.why, size.width, true, 'dim') : []),
  ]);
  const steps = d.path.map((s, i) => stepLines(s, i + 1, size.width, full));
  const base = verdict.length + steps.reduce((n, s) => n + s.length, 0) + next.length;
  const room = full ? Infinity : Math.max(0, size.height - base);
  const perStep = d.path.length === 0 ? 0 : full ? Infinity : Math.floor(room / d.path.length);
  const out: Line[] = [...verdict];
  d.path.forEach((s, i) => out.push(...steps[i]!, ...evidenceLines(s, perStep)));
  out.push(...(full ? next : next.slice(0, Math.max(1, size.height - out.length))));
  // The full tree also says what could not be seen, why, and which conclusions that weakens.
  if (full) {
    for (const m of d.missing) {
      out.push(...wrapped('could not see'.padEnd(NAME), `${m.what}: ${m.why}`, size.width, true, 'warn', 'bold'));
      out.push(...wrapped(' '.repeat(NAME), `weakens: ${m.weakens}`, size.width, true, 'dim'));
      if (m.fix) out.push(...wrapped(' '.repeat(NAME), `to see it: ${m.fix}`, size.width, true, 'dim'));
    }
  }
  return out;
}

export function treePanel(d: Diagnosis, size: Size): PanelModel {
  // Keep the next command visible even when the steps do not all fit.
  const lines = treeLines(d, size, false);
  if (lines.length > size.height && d.next.length > 0) {
    const nextLine = lines.find((l) => l[0]?.text.startsWith('→ next'));
    if (nextLine) return { title: 'decision tree — t for every answer whole', lines: fitPanel([...lines.slice(0, size.height - 1), nextLine], size) };
  }
  return { title: 'decision tree — t for every answer whole', lines: fitPanel(lines, size) };
}
