import type { KernelCite } from '../../kernel/mechanisms.js';
import type { Confidence } from '../../diagnose/insights/types.js';
import { formatBytes, formatRate } from '../format.js';

/** One insight in words: what the report prints and the dashboard's detail shows. */
export interface InsightText {
  /** `herd`, `accept-queue`, `polling`, `thread-model`, `fd-tables`, `rates`, `memory`, `durability`. */
  readonly topic: string;
  /** The judgement, one sentence, with its figure. */
  readonly headline: string;
  /** Why, what it costs, what would help. */
  readonly detail: readonly string[];
  /** `label: value  [source]`: the numbers it rests on and where they were read. */
  readonly evidence: readonly string[];
  /** `function (file, kernels)` of each kernel mechanism behind it. */
  readonly kernel: string;
  readonly confidence: Confidence;
  /** A problem worth acting on (a herd, an overflowing queue, O(n) polling of many fds…), else context. */
  readonly notable: boolean;
  /** The threads it is about (the dashboard shows it with each of them); empty for the whole process. */
  readonly tids: readonly number[];
}

export function kernelWords(cites: readonly KernelCite[]): string {
  return [...new Map(cites.map((c) => [c.function, c])).values()].map((c) => `${c.function} (${c.file}, ${c.kernels})`).join('; ');
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `2.5 MiB` from kB. */
export const kb = (v: number | null): string => formatBytes(v === null ? null : v * 1024);

/** `2.5/s`, `791/s`, `12,345/s`: thousands grouped, where a rate is quoted in a sentence. */
export const rate = (v: number | null): string => (v !== null && v >= 10_000 ? `${Math.round(v).toLocaleString('en-US')}/s` : formatRate(v));

export const pct = (part: number, whole: number): string => `${whole > 0 ? Math.round((part / whole) * 100) : 0} %`;

export function evidence(label: string, value: string, source: string): string {
  return `${label}: ${value}  [${source}]`;
}

/** "likely" where /proc cannot be sure, said once, in front. */
export function hedge(confidence: Confidence, sentence: string): string {
  return confidence === 'likely' ? `Likely: ${sentence[0]!.toLowerCase()}${sentence.slice(1)}` : sentence;
}
