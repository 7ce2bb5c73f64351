import type { DurabilityCall, DurabilityInsight, DurabilityStage, DurabilityThread } from '../../diagnose/insights/types.js';
import { formatBytes } from '../format.js';
import { evidence, hedge, kernelWords, plural, rate, type InsightText } from './words.js';

const CALL_WORDS: Readonly<Record<DurabilityCall, string>> = {
  fsync: 'fsync()',
  fdatasync: 'fdatasync()',
  'o-sync-write': 'an O_SYNC write',
  'o-dsync-write': 'an O_DSYNC write',
  'sync-file-range': 'sync_file_range()',
  sync: 'sync()/syncfs()',
  msync: 'msync()',
  'buffered-write': 'a buffered write, throttled',
  unknown: 'a durability wait',
};

/** What each rung guarantees once it returns. */
const GUARANTEE: Readonly<Record<DurabilityCall, string>> = {
  fsync: 'fsync returns once the file\'s data and all its metadata are on stable storage (written, and the disk cache flushed).',
  fdatasync: 'fdatasync returns once the data, and only the metadata needed to read it back (the size), are on stable storage: one metadata write less than fsync when the size does not change.',
  'o-sync-write': 'With O_SYNC every write is followed by an fsync of what it wrote (generic_write_sync): each write returns only once data and metadata are on stable storage.',
  'o-dsync-write': 'With O_DSYNC every write is followed by an fdatasync of what it wrote (generic_write_sync): each write returns only once its data is on stable storage.',
  'sync-file-range': 'sync_file_range only starts or waits for writeback of a range: no metadata and no disk cache flush, so no promise that the data survives a crash.',
  sync: 'sync/syncfs write back every dirty page of the filesystem(s) and wait for it.',
  msync: 'msync(MS_SYNC) writes back a mapped range and waits for it.',
  'buffered-write': 'balance_dirty_pages pauses a buffered writer while dirty pages exceed the dirty limits (vm.dirty_ratio/dirty_bytes, its cgroup\'s, or the device\'s own bdi limits): not durability — the writer is faster than writeback, and write() itself promises nothing on power loss.',
  unknown: 'It waits in the kernel\'s sync path; the syscall was not caught.',
};

const STAGE_WORDS: Readonly<Record<DurabilityStage, string>> = {
  'data-writeback': 'its data pages reaching the device (__filemap_fdatawait_range)',
  'metadata-write': 'the inode\'s metadata being written (sync_inode_metadata)',
  'journal-commit': 'a journal commit (jbd2_log_wait_commit): on ext4 with a journal every fsync waits for one',
  'cache-flush': 'a disk cache flush (blkdev_issue_flush): the device writes its volatile cache to media',
  'direct-io': 'the direct I/O itself (__iomap_dio_rw): O_DIRECT bypasses the page cache but is not durable without O_DSYNC or a flush',
  'dirty-throttle': 'writeback throttling (balance_dirty_pages)',
};

function flagWords(t: DurabilityThread): string {
  if (!t.openFlags) return '';
  const f = [t.openFlags.direct ? 'O_DIRECT' : '', t.openFlags.sync ? 'O_SYNC' : t.openFlags.dsync ? 'O_DSYNC' : ''].filter(Boolean);
  return f.length > 0 ? ` (opened ${f.join('|')})` : ' (opened without O_SYNC/O_DSYNC)';
}

function threadWords(t: DurabilityThread): string {
  const on = t.path ? ` on ${t.path}${flagWords(t)}` : t.fd !== null ? ` on fd ${t.fd}` : '';
  if (t.call === 'buffered-write') return `tid ${t.tid} (${t.comm}) is paused in balance_dirty_pages while writing${on.replace(/^ on/, '')}`;
  return `tid ${t.tid} (${t.comm}) waits in ${CALL_WORDS[t.call]}${on}`;
}

/** Durability waits explained with the ladder: what the call guarantees, what it costs, what group commit saves. */
export function durabilityText(d: DurabilityInsight): InsightText {
  const shown = d.threads.slice(0, 3).map(threadWords).join('; ');
  const more = d.threads.length > 3 ? `; ${d.threads.length - 3} more` : '';
  const avg = d.avgThreads !== null ? `: ${d.avgThreads.toFixed(2)} threads on average in these waits over the interval` : '';
  const calls = [...new Set(d.threads.map((t) => t.call))];
  const stages = [...new Set(d.threads.flatMap((t) => t.stages))];
  const detail = [
    'The durability ladder: write() leaves data in the page cache (lost on power failure) → fdatasync (data and the size) → fsync (all metadata) → O_DSYNC/O_SYNC (every write is an fdatasync/fsync). Each rung up costs a wait for the device.',
    ...calls.map((c) => GUARANTEE[c]),
  ];
  if (stages.length > 0) detail.push(`Its waits are on ${stages.map((s) => STAGE_WORDS[s]).join('; ')}.`);
  if (d.syncsPerSec !== null) {
    const each = d.msPerSync !== null ? `, ${d.msPerSync.toFixed(2)} ms of waiting each` : '';
    detail.push(
      `${rate(d.writesPerSec)} writes of ${formatBytes(d.bytesPerWrite)}, ${d.syncsBasis === 'sync-flags' ? 'each made durable on its own' : 'likely each made durable on its own (fsync/fdatasync calls are not counted in io: one per write is assumed)'}: about ${rate(d.syncsPerSec)} durable points${each}. Group commit — several writes, then one fdatasync (or one O_DSYNC write of their batch) — makes one flush cover them all: 10 writes per flush would make it about ${rate(d.syncsPerSec / 10)}.`,
    );
  }
  if (stages.includes('journal-commit')) detail.push('A journaled filesystem already merges concurrent fsyncs into one jbd2 commit: threads that sync together share a commit.');
  // Throttled buffered writers wait for writeback, not for durability: said as such.
  const throttledOnly = d.threads.every((t) => t.call === 'buffered-write');
  const what = throttledOnly
    ? `${plural(d.threads.length, 'thread')} ${d.threads.length === 1 ? 'is' : 'are'} throttled while writing: writeback does not keep up`
    : `${plural(d.threads.length, 'thread')} wait${d.threads.length === 1 ? 's' : ''} for durability`;
  return {
    topic: 'durability',
    headline: hedge(d.confidence, `${what} — ${shown}${more}${avg}.`),
    detail,
    evidence: [
      ...(d.avgThreads !== null ? [evidence('threads in these waits (average)', d.avgThreads.toFixed(2), 'schedstat and the looks at task/*/stat, wchan, stack')] : []),
      evidence('write syscalls', d.writesPerSec === null ? 'n/a (one sample)' : `${rate(d.writesPerSec)}, ${formatBytes(d.bytesPerWrite)} each`, '/proc/PID/io syscw, wchar (fsync/fdatasync calls are not counted there)'),
      ...d.threads.slice(0, 3).map((t) => evidence(`tid ${t.tid}`, `${CALL_WORDS[t.call]} from ${t.callFrom === 'syscall' ? 'its syscall' : t.callFrom === 'stack' ? 'its stack' : t.callFrom === 'open-flags' ? "the file's open flags" : 'its waits'}${t.voluntarySwitchesPerSec !== null ? `, ${rate(t.voluntarySwitchesPerSec)} sleeps` : ''}`, t.fd !== null ? `task/${t.tid}/syscall, fdinfo/${t.fd} flags` : `task/${t.tid}/stack`)),
    ],
    kernel: kernelWords(d.kernel),
    confidence: d.confidence,
    notable: true,
    tids: d.threads.map((t) => t.tid),
  };
}
