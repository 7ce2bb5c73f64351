import type { ProcFs } from '../procfs/procfs.js';
import { scanParents } from '../readers/children.js';
import type { FollowSearchCache } from '../readers/follow.js';
import type { InodeOwnerScan } from '../readers/owners.js';

/**
 * Results of the expensive searches kept for a few seconds (the dashboard samples every second):
 * the last peer search (reused while the same inodes are wanted) and the ppid map. A capture or a replay uses none, so each sample
 * holds its own search.
 */
export class FollowCache implements FollowSearchCache {
  private scan: { at: number; key: string; scan: InodeOwnerScan } | null = null;
  private ppid: { at: number; map: ReadonlyMap<number, readonly number[]> } | null = null;

  constructor(
    readonly ttlMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The last search for the same inodes, while fresh; a search that ran out of budget is not kept. */
  owners(wanted: ReadonlySet<number>, search: () => InodeOwnerScan): InodeOwnerScan {
    const key = [...wanted].sort((a, b) => a - b).join(',');
    const t = this.now();
    if (this.scan && this.scan.key === key && t - this.scan.at < this.ttlMs) return this.scan.scan;
    const scan = search();
    this.scan = scan.searched === 'cut' ? null : { at: t, key, scan };
    return scan;
  }

  ppidMap(fs: ProcFs): ReadonlyMap<number, readonly number[]> {
    const t = this.now();
    if (!this.ppid || t - this.ppid.at >= this.ttlMs) this.ppid = { at: t, map: scanParents(fs).map };
    return this.ppid.map;
  }
}
