import { ParseError } from '../procfs/errors.js';

/**
 * `/proc/<pid>/smaps_rollup` (since 4.14, fs/proc/task_mmu.c show_smaps_rollup): the sums of
 * smaps over every mapping, in kB. Fields came over the years (Pss_Anon, Pss_File, Pss_Shmem in
 * 5.3, Pss_Dirty in 6.0, KSM in 6.6), so each is read by name and is null when absent.
 */
export interface SmapsRollup {
  readonly rssKb: number;
  readonly pssKb: number;
  readonly pssAnonKb: number | null;
  readonly pssFileKb: number | null;
  readonly pssShmemKb: number | null;
  readonly sharedCleanKb: number;
  readonly sharedDirtyKb: number;
  readonly privateCleanKb: number;
  readonly privateDirtyKb: number;
  readonly anonymousKb: number;
  readonly swapKb: number;
  readonly swapPssKb: number | null;
  readonly lockedKb: number | null;
}

/** `Rss:   1760 kB`: a field name, a decimal, `kB`. */
const FIELD = /^([A-Za-z_]+):\s+(\d+) kB$/;

export function parseSmapsRollup(text: string): SmapsRollup {
  const kb = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    // The first line is the pseudo-mapping `start-end ---p 00000000 00:00 0 [rollup]`.
    if (line === '' || (i === 0 && line.endsWith('[rollup]'))) continue;
    const m = FIELD.exec(line);
    if (!m) throw new ParseError(`not a smaps_rollup field: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    kb.set(m[1]!, Number(m[2]));
  }
  const required = (name: string): number => {
    const v = kb.get(name);
    if (v === undefined) throw new ParseError(`smaps_rollup has no ${name}`);
    return v;
  };
  const optional = (name: string): number | null => kb.get(name) ?? null;
  return {
    rssKb: required('Rss'),
    pssKb: required('Pss'),
    pssAnonKb: optional('Pss_Anon'),
    pssFileKb: optional('Pss_File'),
    pssShmemKb: optional('Pss_Shmem'),
    sharedCleanKb: required('Shared_Clean'),
    sharedDirtyKb: required('Shared_Dirty'),
    privateCleanKb: required('Private_Clean'),
    privateDirtyKb: required('Private_Dirty'),
    anonymousKb: required('Anonymous'),
    swapKb: required('Swap'),
    swapPssKb: optional('SwapPss'),
    lockedKb: optional('Locked'),
  };
}
