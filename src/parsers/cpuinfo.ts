import { ParseError } from '../procfs/errors.js';

export interface CpuInfo {
  /** The first `model name` (x86), with runs of spaces collapsed; null where the file has none (aarch64). */
  readonly model: string | null;
  /** Online CPUs: one `processor` line each. */
  readonly count: number;
}

/** `/proc/cpuinfo`: `key<TAB>: value` lines, one block per CPU. */
export function parseCpuInfo(text: string): CpuInfo {
  let model: string | null = null;
  let count = 0;
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    if (key === 'processor') count++;
    else if (key === 'model name' && model === null) model = line.slice(at + 1).trim().replace(/\s+/g, ' ') || null;
  }
  if (count === 0) throw new ParseError('cpuinfo lists no processor');
  return { model, count };
}
