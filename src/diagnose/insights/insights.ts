import { acceptQueuesOf } from './accept-queues.js';
import { durabilityOf } from './durability.js';
import { fdTablesOf } from './fd-tables.js';
import { herdOf } from './herd.js';
import type { InsightInput } from './input.js';
import { listenWaiters } from './listen-waiters.js';
import { memoryMixOf } from './memory-mix.js';
import { pollingOf } from './polling.js';
import { ratesOf } from './rates.js';
import { threadModelsOf } from './thread-model.js';
import type { Insights } from './types.js';

export type { InsightInput };

/** Every insight of the seed material for one diagnosis (issue 12). Pure. */
export function insightsOf(input: InsightInput): Insights {
  const waiters = listenWaiters(input);
  return {
    herds: waiters.flatMap((w) => herdOf(w, input) ?? []),
    acceptQueues: acceptQueuesOf(waiters, input),
    polling: pollingOf(input),
    threadModels: threadModelsOf(input),
    fdTables: fdTablesOf(input),
    rates: ratesOf(input),
    memory: memoryMixOf(input),
    durability: durabilityOf(input),
  };
}
