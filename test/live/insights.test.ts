/**
 * The seed material's insights (issue 12) on real programs: each test starts the program, triages
 * it through the code `proctriage triage` runs, and checks the JSON, the text report and the
 * dashboard's thread detail. Rates are measured on a loaded machine: where a figure depends on
 * the load, the test checks the judgement against the figure measured, not a fixed number.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpus } from 'node:os';
import { stopAll } from '../support/spawners.js';
import { withSpawned } from '../support/live-triage.js';
import {
  hasNginx,
  spawnAcceptHerd,
  spawnCpuHog,
  spawnDirectDsyncDd,
  spawnFsyncWriter,
  spawnListenOverflow,
  spawnNginx,
  spawnPollers,
  spawnPreforkServer,
  spawnPythonChildPool,
  spawnPythonIdlePool,
  spawnThreadPerConnection,
} from '../support/scenarios.js';
import { canLoopMount, spawnAnonHolder, spawnIdleListener, spawnLoopFsWriter, spawnSmallSyscalls } from '../support/insight-scenarios.js';
import { flat, triageFor, viewsOf } from '../support/insight-views.js';
import { spawnSleeper } from '../support/spawners.js';

afterAll(stopAll);

describe('1. several waiters on one listening socket', () => {
  it('a pre-fork server without EPOLLEXCLUSIVE: each new connection wakes all 4 (thundering herd), seen from the master and from a worker', async () => {
    await withSpawned(spawnPreforkServer(4), async (s) => {
      const d = await triageFor(s.pid, 500);
      const h = d.insights!.herds[0]!;
      expect(h.judgement).toBe('thundering-herd');
      expect(h.waiters).toBe(4);
      expect(h.wokenPerConnection).toBe(4);
      expect(h.watchers.map((w) => w.pid).sort()).toEqual([...s.workers].sort());
      expect(h.watchers.every((w) => !w.exclusive && (w.events & 0x1) === 1)).toBe(true);
      // Their epoll fds list the same watches: one instance shared through fork cannot be ruled out.
      expect(h.separateInstances).toBe('likely');
      expect(h.confidence).toBe('likely');
      expect(h.holders).toBe(5);
      expect(h.kernel.map((k) => k.function)).toEqual(expect.arrayContaining(['__wake_up_common', 'ep_ptable_queue_proc', 'ep_poll_callback']));
      const v = viewsOf(d);
      expect(v.json.insights.herds[0]!.judgement).toBe('thundering-herd');
      expect(flat(v.report)).toContain(`Likely: 4 workers wait on one listening socket 127.0.0.1:${s.port}; each new connection wakes all 4 (thundering herd).`);
      expect(v.report).toMatch(/events 0x19 \(no EPOLLEXCLUSIVE\), 1 thread waiting {2}\[\/proc\/\d+\/fdinfo\/\d+ tfd: line\]/);
      expect(flat(v.full)).toContain('each new connection wakes all 4 (thundering herd)');

      // From a worker: its parent and siblings are searched.
      const w = await triageFor(s.workers[0]!, 300);
      const wh = w.insights!.herds[0]!;
      expect(wh.judgement).toBe('thundering-herd');
      expect(wh.waiters).toBe(4);
      const wv = viewsOf(w, s.workers[0]);
      expect(flat(wv.side)).toContain('each new connection wakes all 4 (thundering herd)');
    });
  }, 60_000);

  it('the same server with EPOLLEXCLUSIVE: one is woken per connection', async () => {
    await withSpawned(spawnPreforkServer(4, { exclusive: true }), async (s) => {
      const d = await triageFor(s.workers[1]!, 300);
      const h = d.insights!.herds[0]!;
      expect(h.judgement).toBe('one-woken');
      expect(h.wokenPerConnection).toBe(1);
      expect(h.watchers.every((w) => w.exclusive && w.events === 0x10000019)).toBe(true);
      expect(flat(viewsOf(d, s.workers[1]).side)).toContain(`4 workers wait on one listening socket 127.0.0.1:${s.port}; one is woken per connection (EPOLLEXCLUSIVE).`);
    });
  }, 60_000);

  it.runIf(hasNginx())("Debian's nginx sets EPOLLEXCLUSIVE: 4 workers, one woken per connection, separate instances for certain", async () => {
    await withSpawned(spawnNginx(4), async (s) => {
      const d = await triageFor(s.pid, 300);
      const h = d.insights!.herds[0]!;
      expect(h.judgement).toBe('one-woken');
      expect(h.waiters).toBe(4);
      expect(h.watchers.every((w) => w.exclusive && w.comm === 'nginx')).toBe(true);
      // Each worker also watches its own channel socket: different watch lists, different instances.
      expect(h.separateInstances).toBe('certain');
      const v = viewsOf(d);
      expect(flat(v.report)).toContain(`4 workers wait on one listening socket 127.0.0.1:${s.port}; one is woken per connection (EPOLLEXCLUSIVE).`);
      expect(v.report).toMatch(/epoll fd \d+: events 0x10000019 \(EPOLLEXCLUSIVE\)/);
      // The master waits in sigsuspend: the herd is a process-wide line of its detail.
      expect(flat(v.full)).toMatch(/process · 4 workers wait on one listening socket/);
    });
  }, 60_000);

  it('threads blocked in accept() on one socket are exclusive waiters: one is woken per connection', async () => {
    await withSpawned(spawnAcceptHerd(4), async (s) => {
      const d = await triageFor(s.pid, 300);
      const h = d.insights!.herds[0]!;
      expect(h.acceptors.map((a) => a.tid).sort()).toEqual([...s.acceptors].sort());
      expect(h.judgement).toBe('one-woken');
      expect(h.kernel.map((k) => k.function)).toContain('inet_csk_wait_for_connect');
      const v = viewsOf(d, s.acceptors[0]);
      expect(flat(v.report)).toContain(`4 threads wait in accept() on one listening socket 127.0.0.1:${s.port}; one is woken per connection (accept waits are exclusive).`);
      expect(flat(v.full)).toContain('prepare_to_wait_exclusive');
    });
  }, 60_000);
});

describe('2. poll and select over many fds', () => {
  it('a thread in poll(1000 fds) and one in select(1004): O(n) per call, epoll suggested', async () => {
    await withSpawned(spawnPollers({ nfds: 1000 }), async (s) => {
      const d = await triageFor(s.pid, 300);
      const poll = d.insights!.polling.find((p) => p.tid === s.pollTid)!;
      const select = d.insights!.polling.find((p) => p.tid === s.selectTid)!;
      expect(poll).toMatchObject({ syscall: 'poll', nfds: 1000, nfdsMeaning: 'array-length', suggestEpoll: 'many-fds' });
      expect(select).toMatchObject({ nfds: s.selectNfds, nfdsMeaning: 'highest-fd-plus-one', suggestEpoll: 'many-fds' });
      expect(['select', 'pselect6']).toContain(select.syscall);
      expect(poll.kernel.map((k) => `${k.function} ${k.file}`)).toEqual(expect.arrayContaining(['do_poll fs/select.c', '__pollwait fs/select.c', 'poll_freewait fs/select.c']));
      const v = viewsOf(d, s.pollTid);
      expect(flat(v.report)).toContain(`Thread ${s.pollTid} (poller) waits in poll() over 1000 fds: every call registers and removes 1000 wait-queue entries, O(n) in the fds. With this many fds, epoll would register them once`);
      expect(flat(v.side)).toContain('waits in poll() over 1000 fds');
      expect(flat(v.full)).toContain('poll_freewait');
    });
  }, 60_000);

  it('looping with a 1 ms timeout: the calls that slept are measured, and so are the entries per second', async () => {
    await withSpawned(spawnPollers({ nfds: 500, callTimeoutMs: 1 }), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const found = d.insights!.polling;
      expect(found.length).toBeGreaterThan(0);
      for (const p of found) {
        expect(p.sleepsPerSec).toBeGreaterThan(10);
        expect(p.entriesPerSec).toBeCloseTo(p.nfds * p.sleepsPerSec!, 3);
      }
      expect(flat(viewsOf(d, found[0]!.tid).report)).toMatch(/calls that slept, that is up to [\d,]+\/s entries added and removed/);
    });
  }, 60_000);
});

describe('3. thread-per-connection, or a pool on one queue', () => {
  it('8 threads each reading its own connection: thread-per-connection, with its stacks and switches measured', async () => {
    await withSpawned(spawnThreadPerConnection(8, { clientEveryMs: 50 }), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const m = d.insights!.threadModels.find((x) => x.model === 'thread-per-connection');
      expect(m, JSON.stringify(d.insights!.threadModels)).toBeDefined();
      // A thread woken by its client's byte may be on a CPU at the sample: most are in read().
      expect(m!.threads).toBeGreaterThanOrEqual(6);
      expect(m!.connections).toBe(m!.threads);
      expect(m!.tids.every((t) => s.connections.includes(t))).toBe(true);
      expect(m!.voluntarySwitchesPerSec).toBeGreaterThan(0);
      expect(m!.kernelStackBytes).toBe(m!.threads * 16 * 1024);
      expect(m!.stackRlimitBytes).toBeGreaterThan(0);
      const v = viewsOf(d, m!.tids[0]);
      expect(flat(v.report)).toContain(`Thread-per-connection: ${m!.threads} threads for ${m!.threads} connections, each blocked on its own socket.`);
      expect(flat(v.report)).toMatch(/voluntary and [\d.]+\/s involuntary context switches across them/);
      expect(flat(v.report)).toContain('An event loop (epoll) would wait for all');
      expect(flat(v.side)).toContain('Thread-per-connection');
      expect(d.insights!.threadModels.some((x) => x.model === 'pool-on-one-queue')).toBe(false);
    });
  }, 60_000);

  it('an idle CPython pool on one queue is a pool, not thread-per-connection', async () => {
    await withSpawned(spawnPythonIdlePool(8), async (s) => {
      const d = await triageFor(s.pid, 300);
      expect(d.insights!.threadModels.some((x) => x.model === 'thread-per-connection')).toBe(false);
      const pool = d.insights!.threadModels.find((x) => x.model === 'pool-on-one-queue')!;
      expect(pool.threads).toBe(8);
      expect(pool.queue?.kind).toBe('futex');
      const v = viewsOf(d, s.waitingTids[0]);
      expect(flat(v.report)).toMatch(/Likely: a pool of 8 threads waits on one queue, one futex word 0x[0-9a-f]+ \(F1\): workers waiting for work, not a thread per connection/);
      expect(flat(v.side)).toContain('Likely: a pool of 8 threads waits on one queue');
    });
  }, 60_000);
});

describe('4. fd tables, and a pool of children', () => {
  it("the seed's pool: its threads share one fd table; its children's fds are summed and their waits named", async () => {
    await withSpawned(spawnPythonChildPool(8), async (s) => {
      const d = await triageFor(s.pid, 300);
      const f = d.insights!.fdTables!;
      expect(f.threads).toBe(9);
      expect(f.checked).toBe(8);
      expect(f.matched).toBe(8);
      expect(f.children!.count).toBe(8);
      const sleep = f.children!.groups.find((g) => g.comm === 'sleep')!;
      expect(sleep.count).toBe(8);
      expect(sleep.fds).toBeGreaterThanOrEqual(8 * 3);
      expect(sleep.waits[0]!.kind).toBe('sleep');
      const v = viewsOf(d, s.waitingTids[0]);
      expect(flat(v.report)).toContain(`The pool's 9 threads share ${f.fds} fds; its 8 \`sleep\` children hold ${sleep.fds} fds and sleep.`);
      expect(flat(v.report)).toContain('8 of the 8 threads whose task/TID/fd was listed show the process');
      expect(flat(v.full)).toContain(`The pool's 9 threads share ${f.fds} fds`);
    });
  }, 60_000);
});

describe('5. accept queues before they overflow', () => {
  it('full, overflowing, and nobody accepting: the seed dropped connections, backlog told by the queue', async () => {
    await withSpawned(spawnListenOverflow({ backlog: 1, connectsPerSec: 20 }), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const q = d.insights!.acceptQueues[0]!;
      expect(q).toMatchObject({ queued: 2, state: 'dropping', backlogIfFull: 1, acceptingThreads: 0, overflowsHere: true, fullAtLeast: 1 });
      expect(q.overflowsPerSec).toBeGreaterThan(0);
      const v = viewsOf(d);
      expect(flat(v.report)).toContain(`Listening socket 127.0.0.1:${s.port}: its accept queue is likely full (2 = backlog 1 + 1) and no thread accepts: new connections are dropped`);
      expect(flat(v.full)).toContain(`process ! Listening socket 127.0.0.1:${s.port}: its accept queue is likely full`);
    });
  }, 60_000);

  it('connections waiting with nobody accepting, before any overflow', async () => {
    await withSpawned(spawnIdleListener({ backlog: 64, clients: 3 }), async (s) => {
      const d = await triageFor(s.pid, 300);
      const q = d.insights!.acceptQueues[0]!;
      expect(q).toMatchObject({ queued: 3, queuedBefore: 3, state: 'not-accepting', backlogIfFull: null, acceptingThreads: 0 });
      expect(q.somaxconn).toBeGreaterThanOrEqual(128);
      const v = viewsOf(d);
      expect(flat(v.report)).toContain(`Listening socket 127.0.0.1:${s.port}: 3 connections wait and no thread accepts: once the queue passes the listen() backlog (≤ somaxconn ${q.somaxconn}), new connections are dropped.`);
      expect(flat(v.full)).toContain('3 connections wait and no thread accepts');
    });
  }, 60_000);

  it("a pre-fork master's queue is empty with its 4 workers accepting", async () => {
    await withSpawned(spawnPreforkServer(4, { exclusive: true }), async (s) => {
      const d = await triageFor(s.pid, 300);
      expect(d.insights!.acceptQueues[0]).toMatchObject({ queued: 0, state: 'empty', acceptingThreads: 4 });
      expect(flat(viewsOf(d).report)).toContain(`Listening socket 127.0.0.1:${s.port}: accept queue empty; 4 threads wait for its connections (in accept() or an epoll watching it).`);
    });
  }, 60_000);
});

describe('6. syscall and switch rates, explained with the figure', () => {
  it('dd bs=1: far more than 10,000 one-byte syscalls a second: batching, io_uring or mmap', async () => {
    await withSpawned(spawnSmallSyscalls(), async (s) => {
      const d = await triageFor(s.pid, 500);
      const r = d.insights!.rates!;
      expect(r.syscallsPerSec).toBeGreaterThan(10_000);
      expect(r.bytesPerSyscall).toBeCloseTo(1, 1);
      expect(r.findings).toContain('small-syscalls');
      const v = viewsOf(d);
      expect(flat(v.report)).toMatch(/[\d,]+\/s read\/write syscalls of 1 B each on average: .* batching \(readv\/writev, bigger buffers\), io_uring or mmap would cut this\./);
      expect(flat(v.full)).toContain('io_uring or mmap would cut this');
    });
  }, 60_000);

  it('more busy threads than CPUs: involuntary switches outnumber voluntary ones, CPU contention', async () => {
    await withSpawned(spawnCpuHog({ threads: cpus().length + 1 }), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const r = d.insights!.rates!;
      expect(r.involuntarySwitchesPerSec!).toBeGreaterThan(r.voluntarySwitchesPerSec!);
      expect(r.involuntarySwitchesPerSec!).toBeGreaterThanOrEqual(100);
      expect(r.findings).toContain('cpu-contention');
      const v = viewsOf(d);
      expect(flat(v.report)).toMatch(/[\d.,]+\/s involuntary context switches against [\d.,]+\/s voluntary: .*CPU contention on this process/);
      expect(flat(v.full)).toContain('CPU contention on this process');
    });
  }, 60_000);

  it('a write + fdatasync loop: its voluntary switches are judged as measured (blocking chatter from 5,000/s)', async () => {
    await withSpawned(spawnFsyncWriter(), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const r = d.insights!.rates!;
      expect(r.voluntarySwitchesPerSec!).toBeGreaterThan(0);
      expect(r.findings.includes('blocking-chatter')).toBe(r.voluntarySwitchesPerSec! >= 5000);
      if (r.findings.includes('blocking-chatter')) expect(flat(viewsOf(d).report)).toMatch(/[\d,]+\/s voluntary context switches: blocking I\/O chatter/);
    });
  }, 60_000);
});

describe('7. memory from smaps_rollup', () => {
  it('a process holding 64 MiB it wrote: anonymous, not reclaimable without swap', async () => {
    await withSpawned(spawnAnonHolder(64), async (s) => {
      const d = await triageFor(s.pid, 300);
      const m = d.insights!.memory!;
      expect(m.mostly).toBe('anon');
      expect(m.anonKb!).toBeGreaterThan(60 * 1024);
      expect(m.pssKb).not.toBeNull();
      expect(m.rollupUnavailable).toBeNull();
      const v = viewsOf(d);
      expect(flat(v.report)).toContain('RSS is mostly anonymous, not reclaimable without swap');
      expect(flat(v.full)).toContain('process · RSS is mostly anonymous, not reclaimable without swap');
    });
  }, 60_000);

  it('a small C program: mostly file-backed page cache, and PSS far below RSS (shared libraries)', async () => {
    await withSpawned(spawnSleeper(), async (s) => {
      const d = await triageFor(s.pid, 300);
      const m = d.insights!.memory!;
      expect(m.mostly).toBe('file');
      expect(m.pssKb!).toBeLessThan(m.rssKb!);
      const v = viewsOf(d);
      expect(flat(v.report)).toContain('RSS is mostly file-backed page cache, reclaimable');
      expect(flat(v.report)).toMatch(/PSS [\d.]+ KiB against RSS [\d.]+ (KiB|MiB): [\d.]+ (KiB|MiB) of its pages are shared with other processes/);
    });
  }, 60_000);
});

describe('8. durability waits', () => {
  it('write + fdatasync: explained with the ladder, its rate measured', async () => {
    await withSpawned(spawnFsyncWriter(), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const dur = d.insights!.durability!;
      expect(dur, 'a durability insight').toBeDefined();
      const t = dur.threads[0]!;
      expect(t.tid).toBe(s.pid);
      expect(['fdatasync', 'unknown']).toContain(t.call);
      expect(dur.writesPerSec).toBeGreaterThan(10);
      expect(dur.bytesPerWrite).toBe(4096);
      expect(dur.avgThreads).toBeGreaterThan(0);
      const v = viewsOf(d, s.pid);
      expect(flat(v.report)).toContain('The durability ladder: write() leaves data in the page cache');
      expect(flat(v.report)).toMatch(/writes of 4\.0 KiB, likely each made durable on its own \(fsync\/fdatasync calls are not counted in io: one per write is assumed\): about [\d,.]+\/s durable points/);
      expect(flat(v.report)).toContain('Group commit');
      expect(flat(v.side)).toContain('waits for durability');
      expect(flat(v.full)).toContain('The durability ladder');
    });
  }, 60_000);

  it.runIf(canLoopMount())('fdatasync on a journaled ext4: it waits for the jbd2 commit, and the journal merges concurrent fsyncs', async () => {
    await withSpawned(spawnLoopFsWriter('fdatasync'), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const t = d.insights!.durability!.threads[0]!;
      expect(t.stages).toContain('journal-commit');
      expect(d.insights!.durability!.kernel.map((k) => k.function)).toContain('jbd2_log_wait_commit');
      const v = viewsOf(d, s.pid);
      expect(flat(v.report)).toContain('a journal commit (jbd2_log_wait_commit): on ext4 with a journal every fsync waits for one');
      expect(flat(v.report)).toContain('merges concurrent fsyncs into one jbd2 commit');
    });
  }, 60_000);

  it.runIf(canLoopMount())('a buffered writer paused in balance_dirty_pages: writeback throttling, not durability', async () => {
    await withSpawned(spawnLoopFsWriter('buffered'), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const t = d.insights!.durability!.threads[0]!;
      expect(t, JSON.stringify(t)).toMatchObject({ call: 'buffered-write', openFlags: { direct: false, dsync: false, sync: false } });
      // The looks saw it in balance_dirty_pages; the last sample may catch it on a page under writeback.
      expect(t.stages, JSON.stringify(t)).toContain('dirty-throttle');
      expect(d.insights!.durability!.syncsPerSec).toBeNull();
      const v = viewsOf(d, s.pid);
      expect(flat(v.report)).toMatch(/1 thread is throttled while writing: writeback does not keep up — tid \d+ \(python3\) is paused in balance_dirty_pages while writing \S+\/data/);
      expect(flat(v.side)).toContain('is throttled while writing');
      expect(flat(v.report)).toContain('balance_dirty_pages pauses a buffered writer while dirty pages exceed the dirty limits');
    });
  }, 60_000);

  it('dd oflag=direct,dsync: every write is an fdatasync, read from the fd flags', async () => {
    await withSpawned(spawnDirectDsyncDd(), async (s) => {
      const d = await triageFor(s.pid, 1000);
      const dur = d.insights!.durability!;
      const t = dur.threads[0]!;
      expect(t.call).toBe('o-dsync-write');
      expect(t.fd).toBe(1);
      expect(t.openFlags).toEqual({ direct: true, dsync: true, sync: false });
      expect(dur.syncsPerSec).toBeCloseTo(dur.writesPerSec!, 5);
      expect(dur.syncsBasis).toBe('sync-flags');
      expect(flat(viewsOf(d).report)).toContain('With O_DSYNC every write is followed by an fdatasync of what it wrote (generic_write_sync)');
      expect(flat(viewsOf(d).report)).toContain('(opened O_DIRECT|O_DSYNC)');
    });
  }, 60_000);
});
