import type { Insights } from '../../diagnose/insights/types.js';
import { insightTexts, type InsightText } from '../../report/insights/index.js';
import { line, seg, wrapText, type Line } from '../text.js';

const LABEL = 11;
const label = (s: string) => seg(s.padEnd(LABEL), 'dim');

function wrapped(name: string, text: string, width: number, tone: 'plain' | 'warn' | 'dim'): Line[] {
  return wrapText(text, Math.max(10, width - LABEL)).map((w, i) => line(i === 0 ? label(name) : label(''), seg(w, tone)));
}

function oneInsight(t: InsightText, width: number): Line[] {
  return [
    ...wrapped('insight', `${t.notable ? '! ' : ''}${t.headline}`, width, t.notable ? 'warn' : 'plain'),
    ...t.detail.flatMap((d) => wrapped('', d, width, 'plain')),
    ...t.evidence.flatMap((e) => wrapped('', `· ${e}`, width, 'dim')),
    ...wrapped('', `kernel: ${t.kernel}`, width, 'dim'),
  ];
}

/** The side panel's one line: the selected thread's first insight (a herd it is in, its O(n) poll, …), or null. */
export function insightLine(insights: Insights | undefined, tid: number): { text: string; notable: boolean } | null {
  const first = insightTexts(insights).find((t) => t.tids.includes(tid));
  return first ? { text: first.headline, notable: first.notable } : null;
}

/**
 * In the full detail (Enter): the selected thread's insights in full, with their evidence and
 * kernel functions, then the process's other insights, one headline each.
 */
export function insightDetailLines(insights: Insights | undefined, tid: number, width: number): Line[] {
  const texts = insightTexts(insights);
  if (texts.length === 0) return [];
  const mine = texts.filter((t) => t.tids.includes(tid));
  const rest = texts.filter((t) => !t.tids.includes(tid));
  return [
    ...mine.flatMap((t) => oneInsight(t, width)),
    ...rest.flatMap((t, i) => wrapped(i === 0 ? 'process' : '', `${t.notable ? '! ' : '· '}${t.headline}`, width, t.notable ? 'warn' : 'dim')),
  ];
}
