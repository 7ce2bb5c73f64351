import type { Insights } from '../../diagnose/insights/types.js';
import { durabilityText } from './durability.js';
import { acceptQueueText, herdText } from './listeners.js';
import { memoryText, ratesText } from './process.js';
import { fdTableText, pollingText, threadModelText } from './threads.js';
import type { InsightText } from './words.js';

export type { InsightText };

/** Every insight in words, the notable ones (a herd, an overflowing queue, O(n) polling…) first. */
export function insightTexts(insights: Insights | undefined): InsightText[] {
  if (!insights) return [];
  const all = [
    ...insights.herds.map(herdText),
    ...insights.acceptQueues.map(acceptQueueText),
    ...insights.polling.map(pollingText),
    ...insights.threadModels.map(threadModelText),
    ...(insights.durability ? [durabilityText(insights.durability)] : []),
    ...(insights.rates ? [ratesText(insights.rates)] : []),
    ...(insights.fdTables ? [fdTableText(insights.fdTables)] : []),
    ...(insights.memory ? [memoryText(insights.memory)] : []),
  ].filter((t): t is InsightText => t !== null);
  return [...all.filter((t) => t.notable), ...all.filter((t) => !t.notable)];
}

/** The insights about one thread (its poll, its connection, its herd, its durability wait), for the dashboard's detail. */
export function threadInsightTexts(insights: Insights | undefined, tid: number): InsightText[] {
  return insightTexts(insights).filter((t) => t.tids.includes(tid));
}
