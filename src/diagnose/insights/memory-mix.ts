import { CITES } from '../../kernel/mechanisms.js';
import { describeReadError } from '../../procfs/errors.js';
import { statusKb, valueOf, type InsightInput } from './input.js';
import type { MemoryMixInsight } from './types.js';

/** A kind of page that makes up this much of RSS is what RSS "mostly" is. */
export const MOSTLY = 0.6;

/**
 * What the resident set is made of. RssAnon/RssFile/RssShmem (status, 4.5+) split RSS exactly;
 * smaps_rollup (4.14+) adds PSS (each shared page divided among the processes mapping it: PSS
 * well below RSS means memory shared with siblings after fork, or libraries), shared against
 * private pages, and swap. File pages are page cache the kernel can drop (clean) or write back
 * (dirty) under pressure; anonymous pages can only go to swap. Only smaps_rollup is read, never
 * smaps, maps or mem.
 */
export function memoryMixOf(input: InsightInput): MemoryMixInsight | null {
  const status = valueOf(input.model.current.process.status);
  if (!status) return null;
  const rollupRead = input.model.current.follow?.insight?.smapsRollup ?? null;
  const rollup = valueOf(rollupRead);
  const anon = statusKb(input.model, 'RssAnon');
  const file = statusKb(input.model, 'RssFile');
  const shmem = statusKb(input.model, 'RssShmem');
  const total = (anon ?? 0) + (file ?? 0) + (shmem ?? 0);
  let mostly: MemoryMixInsight['mostly'] = null;
  if (total > 0) {
    mostly = (file ?? 0) >= total * MOSTLY ? 'file' : (anon ?? 0) >= total * MOSTLY ? 'anon' : (shmem ?? 0) >= total * MOSTLY ? 'shmem' : 'mixed';
  }
  const pid = input.process.pid;
  return {
    rssKb: status.vmRssKb,
    anonKb: anon,
    fileKb: file,
    shmemKb: shmem,
    pssKb: rollup?.pssKb ?? null,
    pssAnonKb: rollup?.pssAnonKb ?? null,
    pssFileKb: rollup?.pssFileKb ?? null,
    pssShmemKb: rollup?.pssShmemKb ?? null,
    sharedKb: rollup ? rollup.sharedCleanKb + rollup.sharedDirtyKb : null,
    privateDirtyKb: rollup?.privateDirtyKb ?? null,
    swapKb: rollup?.swapKb ?? status.vmSwapKb,
    swapPssKb: rollup?.swapPssKb ?? null,
    mostly,
    rollupUnavailable: rollupRead === null ? 'not read' : rollupRead.ok ? null : describeReadError(rollupRead.error),
    // The split is the kernel's own counters; "reclaimable" is what the page kinds allow, not a measurement.
    confidence: 'certain',
    sources: [`/proc/${pid}/status VmRSS RssAnon RssFile RssShmem`, ...(rollup ? [`/proc/${pid}/smaps_rollup Pss Pss_Anon Pss_File Shared_* Swap`] : [])],
    kernel: [CITES.rssSplit, CITES.smapsRollup],
  };
}
