import { CITES, openFlagBits, type KernelCite } from '../../kernel/mechanisms.js';
import type { FdInfo } from '../../parsers/fdinfo.js';
import { waitCall } from '../../readers/wait-call.js';
import type { ThreadDiagnosis } from '../types.js';
import { perSecond, valueOf, type InsightInput } from './input.js';
import type { DurabilityCall, DurabilityInsight, DurabilityStage, DurabilityThread } from './types.js';

const SYNC_CALLS: Readonly<Record<string, DurabilityCall>> = {
  fsync: 'fsync',
  fdatasync: 'fdatasync',
  sync_file_range: 'sync-file-range',
  sync_file_range2: 'sync-file-range',
  sync: 'sync',
  syncfs: 'sync',
  msync: 'msync',
};
const WRITE_CALLS = new Set(['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'io_submit']);

/** Kernel functions (stack frames or the looks' wait functions) and the durability stage each one is. */
const STAGES: readonly [string, DurabilityStage][] = [
  ['jbd2_log_wait_commit', 'journal-commit'],
  ['jbd2_complete_transaction', 'journal-commit'],
  ['blkdev_issue_flush', 'cache-flush'],
  ['balance_dirty_pages', 'dirty-throttle'],
  ['__filemap_fdatawait_range', 'data-writeback'],
  ['file_write_and_wait_range', 'data-writeback'],
  ['filemap_write_and_wait_range', 'data-writeback'],
  ['folio_wait_writeback', 'data-writeback'],
  ['wait_on_page_writeback', 'data-writeback'],
  ['__sync_dirty_buffer', 'metadata-write'],
  ['sync_inode_metadata', 'metadata-write'],
  ['fsync_buffers_list', 'metadata-write'],
  ['__iomap_dio_rw', 'direct-io'],
  ['iomap_dio_rw', 'direct-io'],
  ['__blockdev_direct_IO', 'direct-io'],
  ['do_blockdev_direct_IO', 'direct-io'],
];
const STAGE_OF = new Map(STAGES);

/** Frames that say the thread is making something durable (not just reading or writing). */
const SYNC_FRAMES = /^(do_fsync|vfs_fsync_range|ext4_sync_file|xfs_file_fsync|btrfs_sync_file|generic_write_sync|ksys_sync_file_range|ksys_sync|sync_filesystem|jbd2_log_wait_commit|jbd2_complete_transaction|blkdev_issue_flush|balance_dirty_pages)$/;

/** The call from the syscall entry frame, when the syscall file said `running` (a woken thread keeps its stack). */
function callFromStack(stack: readonly string[]): DurabilityCall | null {
  for (const frame of stack) {
    const m = /sys_(fdatasync|fsync|sync_file_range2?|syncfs|sync|msync)$/.exec(frame);
    if (m) return SYNC_CALLS[m[1]!] ?? null;
  }
  return null;
}

interface OpenFlags {
  readonly direct: boolean;
  readonly dsync: boolean;
  readonly sync: boolean;
  readonly writable: boolean;
}

function flagsOf(info: FdInfo, input: InsightInput): OpenFlags {
  const bits = openFlagBits(input.model.host.arch);
  const f = info.flags;
  return { direct: (f & bits.O_DIRECT) !== 0, dsync: (f & bits.O_DSYNC) !== 0, sync: (f & bits.O_SYNC_ONLY) !== 0, writable: (f & 3) !== 0 };
}

function stagesOf(t: ThreadDiagnosis): DurabilityStage[] {
  const names = [...t.stack, ...(t.shares?.waits ?? []).flatMap((w) => (w.function ? [w.function] : [])), ...(t.wait.function ? [t.wait.function] : [])];
  // The folio/page waits of the catalog's writeback row are data writeback only under a sync.
  if (t.wait.site === 'writeback-wait' && t.wait.function && !STAGE_OF.has(t.wait.function)) names.push('__filemap_fdatawait_range');
  return [...new Set(names.flatMap((n) => (STAGE_OF.has(n) ? [STAGE_OF.get(n)!] : [])))];
}

const STAGE_CITE: Readonly<Record<DurabilityStage, KernelCite>> = {
  'journal-commit': CITES.journalCommit,
  'cache-flush': CITES.cacheFlush,
  'dirty-throttle': CITES.dirtyThrottle,
  'data-writeback': CITES.dataWriteback,
  'metadata-write': CITES.metadataWrite,
  'direct-io': CITES.directIo,
};

/**
 * Threads waiting for their data to be durable, and on which rung of the ladder: write (page
 * cache only) → fdatasync (data and the metadata to read it back) → fsync (all metadata) →
 * O_DSYNC/O_SYNC (each write is an fdatasync/fsync: generic_write_sync). sync_file_range writes
 * pages back without metadata or a disk cache flush: no durability promise. balance_dirty_pages
 * is not durability at all: a buffered writer paused until writeback catches up. The open flags
 * come from fdinfo `flags:`; the syscall from `syscall`, else the stack a woken thread keeps.
 */
export function durabilityOf(input: InsightInput): DurabilityInsight | null {
  const arch = input.model.host.arch;
  const files = input.model.current.follow?.insight?.files.files ?? [];
  const flagsByFd = new Map(files.flatMap((f) => (f.info.ok ? [[f.fd, { path: f.path, flags: flagsOf(f.info.value, input) }] as const] : [])));
  // A process whose writable file is O_DSYNC/O_SYNC makes every write to it durable, whatever a look caught.
  const syncFile = [...flagsByFd.entries()].find(([, f]) => f.flags.writable && (f.flags.dsync || f.flags.sync)) ?? null;
  const threads: DurabilityThread[] = [];
  for (const t of input.threads) {
    const snap = input.snapshots.get(t.tid);
    const call = snap ? waitCall(snap.syscall, arch) : null;
    const stages = stagesOf(t);
    const fd = call?.fd ?? null;
    const own = fd !== null ? flagsByFd.get(fd) : undefined;
    let kind: DurabilityCall | null = call ? (SYNC_CALLS[call.name] ?? null) : null;
    let from: DurabilityThread['callFrom'] = kind ? 'syscall' : 'none';
    if (!kind && call && WRITE_CALLS.has(call.name) && own && (own.flags.dsync || own.flags.sync)) {
      kind = own.flags.sync ? 'o-sync-write' : 'o-dsync-write';
      from = 'syscall';
    }
    const syncing = kind !== null || (stages.length > 0 && (t.stack.some((f) => SYNC_FRAMES.test(f)) || stages.some((s) => s !== 'direct-io') || syncFile !== null));
    if (!syncing) continue;
    if (!kind && call && WRITE_CALLS.has(call.name) && stages.every((st) => st === 'dirty-throttle' || st === 'data-writeback')) {
      // A plain write() that waits for writeback: throttled (balance_dirty_pages), or overwriting a
      // page still being written back (stable pages). Not a durability request of its own.
      [kind, from] = ['buffered-write', 'syscall'];
    }
    if (!kind) {
      const stackCall = callFromStack(t.stack);
      if (stackCall) [kind, from] = [stackCall, 'stack'];
      else if (syncFile) [kind, from] = [syncFile[1].flags.sync ? 'o-sync-write' : 'o-dsync-write', 'open-flags'];
      else if (stages.includes('dirty-throttle')) [kind, from] = ['buffered-write', 'stack'];
      else kind = 'unknown';
    }
    const fdUsed = fd ?? (from === 'open-flags' ? syncFile![0] : null);
    const fileFlags = fdUsed !== null ? flagsByFd.get(fdUsed) : undefined;
    const share = t.shares ? t.shares.waits.filter((w) => w.kind === 'disk-io').reduce((n, w) => n + w.share, 0) : null;
    threads.push({
      tid: t.tid,
      comm: t.comm,
      call: kind,
      callFrom: from,
      stages,
      fd: fdUsed,
      path: fileFlags?.path ?? null,
      openFlags: fileFlags ? { direct: fileFlags.flags.direct, dsync: fileFlags.flags.dsync, sync: fileFlags.flags.sync } : null,
      share,
      voluntarySwitchesPerSec: t.voluntarySwitchesPerSec,
    });
  }
  if (threads.length === 0) return null;
  const io = (pick: (v: { wchar: number; syscw: number }) => number) =>
    perSecond(input.model, (s) => {
      const v = valueOf(s.process.io);
      return v ? pick(v) : null;
    });
  const writes = io((v) => v.syscw);
  const bytes = io((v) => v.wchar);
  const shares = threads.map((t) => t.share).filter((v): v is number => v !== null);
  const avgThreads = shares.length === 0 ? null : shares.reduce((a, b) => a + b, 0);
  // Each O_DSYNC/O_SYNC write is one durable point (certain); a write + fsync loop is one per write, likely.
  const flagged = threads.some((t) => t.call === 'o-dsync-write' || t.call === 'o-sync-write');
  const calls = threads.some((t) => t.call === 'fsync' || t.call === 'fdatasync');
  const basis = flagged ? 'sync-flags' : calls ? 'one-sync-per-write' : null;
  const syncs = basis !== null && writes !== null && writes > 0 ? writes : null;
  // The open flags alone say the file is synchronous, not that this wait is a write to it; a
  // throttled writer is named by the wait function itself (balance_dirty_pages).
  const certain = threads.every((t) => t.callFrom === 'syscall' || t.call === 'buffered-write');
  const pid = input.process.pid;
  return {
    threads,
    avgThreads,
    writesPerSec: writes,
    bytesPerWrite: writes !== null && bytes !== null && writes > 0 ? bytes / writes : null,
    syncsPerSec: syncs,
    syncsBasis: syncs === null ? null : basis,
    msPerSync: syncs !== null && avgThreads !== null ? (avgThreads / syncs) * 1000 : null,
    confidence: certain ? 'certain' : 'likely',
    sources: [
      `/proc/${pid}/task/*/syscall (call, fd)`,
      `/proc/${pid}/task/*/stack and the looks' wait functions`,
      ...(files.length > 0 ? [`/proc/${pid}/fdinfo/<fd> flags (O_DIRECT, O_DSYNC, O_SYNC)`] : []),
      `/proc/${pid}/io syscw wchar`,
      `/proc/${pid}/task/*/schedstat and looks (time in these waits)`,
    ],
    kernel: [
      ...new Set([
        ...(threads.some((t) => t.call === 'o-dsync-write' || t.call === 'o-sync-write') ? [CITES.syncWrite] : []),
        ...(threads.some((t) => t.call === 'fsync' || t.call === 'fdatasync') ? [CITES.fsync] : []),
        ...(threads.some((t) => t.call === 'sync-file-range') ? [CITES.syncFileRange] : []),
        ...threads.flatMap((t) => t.stages.map((s) => STAGE_CITE[s])),
      ]),
    ],
  };
}
