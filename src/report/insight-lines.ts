import type { Diagnosis } from '../diagnose/types.js';
import { insightTexts } from './insights/index.js';
import type { Style } from './style.js';

/**
 * The report's "Insights" section: what the seed material says about these waits (herds, O(n)
 * polling, thread-per-connection, fd tables, accept queues, rates, memory, durability), each
 * with its evidence and the kernel functions behind it. Notable ones are marked `!`.
 */
export function insightLines(d: Diagnosis, s: Style, verbose = false): string[] {
  const texts = insightTexts(d.insights);
  if (texts.length === 0) return [];
  const out = ['', s.bold('Insights')];
  for (const t of texts) {
    out.push(`  ${t.notable ? s.yellow('!') : '·'} ${t.headline}`);
    for (const line of t.detail) out.push(`    ${line}`);
    for (const e of verbose ? t.evidence : t.evidence.slice(0, 3)) out.push(s.dim(`    · ${e}`));
    if (!verbose && t.evidence.length > 3) out.push(s.dim(`    · … ${t.evidence.length - 3} more (--verbose)`));
    out.push(s.dim(`    kernel: ${t.kernel}`));
  }
  return out;
}
