/**
 * The insights in words, for the states a live program does not give on demand: an accept queue
 * that keeps up or falls behind, memory that is mostly shmem or mixed, sync_file_range and
 * writeback throttling. The dashboard's detail shows the same words.
 */
import { describe, expect, it } from 'vitest';
import type { AcceptQueueInsight, DurabilityInsight, Insights, MemoryMixInsight, RateInsight } from '../../src/diagnose/insights/types.js';
import { CITES } from '../../src/kernel/mechanisms.js';
import { insightTexts, threadInsightTexts } from '../../src/report/insights/index.js';
import { insightDetailLines, insightLine } from '../../src/ui/panels/insight-detail.js';
import { plainText } from '../../src/ui/text.js';

const grounded = { confidence: 'certain' as const, sources: ['/proc/1/x'], kernel: [CITES.listenRow] };

const queue = (over: Partial<AcceptQueueInsight>): AcceptQueueInsight => ({
  fd: 3,
  local: '127.0.0.1:80',
  inode: 5,
  queued: 10,
  queuedBefore: 10,
  somaxconn: 4096,
  fullAtLeast: 10 / 4096,
  backlogIfFull: null,
  overflowsPerSec: 0,
  dropsPerSec: 0,
  overflowsHere: false,
  acceptingThreads: 2,
  state: 'accepting',
  ...grounded,
  ...over,
});

const memory = (over: Partial<MemoryMixInsight>): MemoryMixInsight => ({
  rssKb: 1000,
  anonKb: 300,
  fileKb: 300,
  shmemKb: 400,
  pssKb: 900,
  pssAnonKb: null,
  pssFileKb: null,
  pssShmemKb: null,
  sharedKb: 100,
  privateDirtyKb: 300,
  swapKb: 0,
  swapPssKb: 0,
  mostly: 'mixed',
  rollupUnavailable: null,
  ...grounded,
  ...over,
});

const durability = (call: DurabilityInsight['threads'][number]['call'], stages: DurabilityInsight['threads'][number]['stages']): DurabilityInsight => ({
  threads: [{ tid: 7, comm: 'db', call, callFrom: 'syscall', stages, fd: 4, path: '/var/db/wal', openFlags: { direct: false, dsync: false, sync: false }, share: 0.8, voluntarySwitchesPerSec: 300 }],
  avgThreads: 0.8,
  writesPerSec: 300,
  bytesPerWrite: 8192,
  syncsPerSec: call === 'fdatasync' ? 300 : null,
  syncsBasis: call === 'fdatasync' ? 'one-sync-per-write' : null,
  msPerSync: call === 'fdatasync' ? 2.67 : null,
  ...grounded,
});

const none: Insights = { herds: [], acceptQueues: [], polling: [], threadModels: [], fdTables: null, rates: null, memory: null, durability: null };

const headline = (ins: Partial<Insights>): string => insightTexts({ ...none, ...ins })[0]?.headline ?? '';

describe('accept queues, before they overflow', () => {
  it('near full with threads accepting is healthy', () => {
    expect(headline({ acceptQueues: [queue({ queued: 4000, fullAtLeast: 4000 / 4096 })] })).toBe(
      'Listening socket 127.0.0.1:80: 4000 connections wait to be accepted, at least 98 % of any backlog it can have; 2 threads accept them — healthy while they keep up, even near full.',
    );
  });

  it('growing while accepting will overflow; full while accepting is not fast enough', () => {
    expect(headline({ acceptQueues: [queue({ queuedBefore: 3, state: 'falling-behind' })] })).toBe(
      'Listening socket 127.0.0.1:80: its accept queue grew from 3 to 10 during the interval though 2 threads accept: it will overflow once it passes the listen() backlog (≤ somaxconn 4096).',
    );
    const full = insightTexts({ ...none, acceptQueues: [queue({ queued: 129, state: 'overflowing', backlogIfFull: 128, overflowsPerSec: 40, overflowsHere: true, confidence: 'likely' })] })[0]!;
    expect(full.headline).toBe('Listening socket 127.0.0.1:80: its accept queue is likely full (129 = backlog 128 + 1) and overflows 40.0/s: 2 threads accept, not fast enough.');
    expect(full.notable).toBe(true);
    expect(full.detail.join(' ')).toContain('tcp_conn_request');
  });

  it('an empty queue is context, not a finding: it comes after the notable ones', () => {
    const texts = insightTexts({ ...none, acceptQueues: [queue({ queued: 0, state: 'empty', fullAtLeast: 0 })], rates: rates(['small-syscalls']) });
    expect(texts.map((t) => t.topic)).toEqual(['rates', 'accept-queue']);
  });
});

function rates(findings: RateInsight['findings']): RateInsight {
  return { syscallsPerSec: 250_000, bytesPerSyscall: 16, voluntarySwitchesPerSec: 10, involuntarySwitchesPerSec: 5, topSwitchers: [], findings, ...grounded };
}

describe('rates', () => {
  it('says nothing when no rate is worth a word', () => {
    expect(insightTexts({ ...none, rates: rates([]) })).toEqual([]);
  });

  it('quotes the measured figure, thousands grouped', () => {
    expect(headline({ rates: rates(['small-syscalls']) })).toMatch(/^250,000\/s read\/write syscalls of 16 B each on average: .*io_uring or mmap would cut this\.$/);
  });
});

describe('memory', () => {
  it('mostly shmem: reclaimable only to swap; mixed: each part named', () => {
    expect(headline({ memory: memory({ shmemKb: 800, anonKb: 100, fileKb: 100, mostly: 'shmem' }) })).toMatch(/^RSS is mostly shared memory \(shmem, tmpfs\), reclaimable only to swap/);
    expect(headline({ memory: memory({}) })).toBe('RSS (1000 KiB) is 300 KiB anonymous (reclaimable only to swap), 300 KiB file-backed page cache (reclaimable) and 400 KiB shmem.');
  });

  it('says why PSS is missing when smaps_rollup could not be read', () => {
    const t = insightTexts({ ...none, memory: memory({ pssKb: null, rollupUnavailable: '1/smaps_rollup: permission denied (needs root or the same user)' }) })[0]!;
    expect(t.detail).toContain('PSS and swap were not read (1/smaps_rollup: permission denied (needs root or the same user)).');
  });
});

describe('durability', () => {
  it('fdatasync: the ladder, the guarantee, the rate and what group commit would save', () => {
    const t = insightTexts({ ...none, durability: durability('fdatasync', ['journal-commit', 'cache-flush']) })[0]!;
    expect(t.headline).toBe('1 thread waits for durability — tid 7 (db) waits in fdatasync() on /var/db/wal (opened without O_SYNC/O_DSYNC): 0.80 threads on average in these waits over the interval.');
    const all = t.detail.join(' ');
    expect(all).toContain('The durability ladder: write()');
    expect(all).toContain('fdatasync returns once the data, and only the metadata needed to read it back');
    expect(all).toContain('a journal commit (jbd2_log_wait_commit)');
    expect(all).toContain('300/s writes of 8.0 KiB, likely each made durable on its own (fsync/fdatasync calls are not counted in io: one per write is assumed): about 300/s durable points, 2.67 ms of waiting each.');
    expect(all).toContain('10 writes per flush would make it about 30.0/s');
    expect(all).toContain('merges concurrent fsyncs into one jbd2 commit');
  });

  it('sync_file_range promises nothing after a crash; balance_dirty_pages is not durability', () => {
    expect(insightTexts({ ...none, durability: durability('sync-file-range', ['data-writeback']) })[0]!.detail.join(' ')).toContain('no metadata and no disk cache flush, so no promise that the data survives a crash');
    expect(insightTexts({ ...none, durability: durability('buffered-write', ['dirty-throttle']) })[0]!.detail.join(' ')).toContain('not durability — the writer is faster than writeback');
  });
});

describe('the dashboard shows a thread its own insights', () => {
  const ins: Insights = { ...none, durability: durability('fdatasync', ['cache-flush']), acceptQueues: [queue({ state: 'not-accepting', acceptingThreads: 0 })] };

  it('one line in the side panel, everything in the detail, the process ones after', () => {
    expect(insightLine(ins, 7)).toEqual({ text: expect.stringContaining('waits for durability'), notable: true });
    expect(insightLine(ins, 8)).toBeNull();
    expect(threadInsightTexts(ins, 7).map((t) => t.topic)).toEqual(['durability']);
    const lines = insightDetailLines(ins, 7, 100).map(plainText);
    expect(lines[0]).toMatch(/^insight {4}! 1 thread waits for durability/);
    expect(lines.some((l) => l.includes('kernel: vfs_fsync_range') || l.includes('kernel: blkdev_issue_flush') || /kernel: .*get_tcp4_sock/.test(l))).toBe(true);
    expect(lines.some((l) => /^process {4}! Listening socket 127\.0\.0\.1:80: 10 connections wait and no thread accepts/.test(l))).toBe(true);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
  });
});
