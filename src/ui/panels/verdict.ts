import type { Diagnosis } from '../../diagnose/types.js';
import { line, seg, wrapText, type Line, type Tone } from '../text.js';

const BADGES: Readonly<Record<Diagnosis['verdict']['severity'], { text: string; tone: Tone }>> = {
  ok: { text: ' OK ', tone: 'badge' },
  warning: { text: ' WARNING ', tone: 'badge' },
  problem: { text: ' PROBLEM ', tone: 'badge' },
};

const SUMMARY_TONE: Readonly<Record<Diagnosis['verdict']['severity'], Tone>> = { ok: 'good', warning: 'warn', problem: 'bad' };

/**
 * The verdict, whole: its severity as a badge, then the summary wrapped to the screen's width
 * (two or three lines at 80 columns for most verdicts; as many as a long one needs, never cut).
 */
export function verdictLines(d: Diagnosis, width: number): Line[] {
  const badge = BADGES[d.verdict.severity];
  // The badge takes the first line's first cells: wrap as if it were a word there.
  const wrapped = wrapText(`${'x'.repeat(badge.text.length)} ${d.verdict.summary}`, Math.max(20, width));
  const tone = SUMMARY_TONE[d.verdict.severity];
  return wrapped.map((text, i) => (i === 0 ? line(seg(badge.text, badge.tone), seg(text.slice(badge.text.length), tone)) : line(seg(text, tone))));
}
