/**
 * Captures the fixtures in fixtures/ from real processes, with our own `capture` command.
 * Run: npm run build && npx tsx scripts/make-fixtures.ts [name…]
 * Each scenario starts a real process in a known wait, captures it with
 * `bin/proctriage capture`, and ends it. Re-run after a change of the capture format.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { cgroupCounter, startCgroupLoad, until, untilThrashing } from '../test/support/cgroup-load.js';
import {
  spawnEpollIdle,
  spawnFutexCondPool,
  spawnFutexLockQueue,
  spawnPipeline,
  spawnPipeReader,
  spawnTcpPair,
  spawnUnixSocketPair,
  spawnSleeper,
  spawnStopped,
  spawnWaitpidParent,
  spawnZombie,
  stopAll,
  type Spawned,
} from '../test/support/spawners.js';
import {
  spawnAcceptHerd,
  spawnCpuHog,
  spawnDirectDsyncDd,
  spawnJavaLockConvoy,
  spawnFsyncWriter,
  spawnListenOverflow,
  spawnNginx,
  spawnPollers,
  spawnPreforkServer,
  spawnPythonChildPool,
  spawnThreadPerConnection,
} from '../test/support/scenarios.js';
import { spawnAnonHolder, spawnIdleListener, spawnLoopFsWriter, spawnSmallSyscalls } from '../test/support/insight-scenarios.js';

interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly start: () => Promise<Spawned>;
  /** Which pid to capture (default: the spawned pid). */
  readonly target?: (s: Spawned) => number;
  /** Between the two samples (default 500 ms). */
  readonly intervalMs?: number;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'waitpid-parent', description: 'sh waiting in wait4 for its child sleep', start: () => spawnWaitpidParent() },
  { name: 'epoll-idle-node', description: 'an idle node event loop (main thread in epoll_pwait, workers in futex)', start: () => spawnEpollIdle() },
  { name: 'futex-lock-queue', description: '4 threads blocked on one pthread mutex held by a sleeping thread', start: () => spawnFutexLockQueue(4) },
  { name: 'pipe-reader', description: 'cat blocked reading an empty pipe', start: () => spawnPipeReader() },
  { name: 'nanosleep', description: 'sleep 1000 in clock_nanosleep', start: () => spawnSleeper() },
  { name: 'stopped', description: 'sleep stopped by SIGSTOP (state T)', start: () => spawnStopped() },
  { name: 'zombie', description: 'an exited child its parent never reaped (state Z)', start: () => spawnZombie(), target: (s) => s.related.zombie! },
  { name: 'tcp-server-idle', description: 'a node TCP server on 127.0.0.1 idle in epoll with one connected idle node client (follow: epoll targets, loopback peer)', start: () => spawnTcpPair() },
  { name: 'unix-socket-pair', description: 'a process blocked reading an accepted unix stream socket whose peer (its child) sleeps (follow: unix peer)', start: () => spawnUnixSocketPair() },
  { name: 'pipeline', description: "sh -c 'sleep 1000 | cat': cat blocked reading the pipe whose writer is sleep (follow: pipe writer)", start: () => spawnPipeline() },
  { name: 'futex-cond-pool', description: '6 threads parked in pthread_cond_wait on one condition variable, main thread asleep (follow: parked pool)', start: () => spawnFutexCondPool(6) },
  { name: 'futex-lock-spinning', description: '4 threads blocked on one pthread mutex held by a thread spinning on the CPU (follow: lock queue with a running holder)', start: () => spawnFutexLockQueue(4, { holder: 'spinning' }) },
  { name: 'waitpid-children', description: 'sh in wait4 with 3 children sleep in nanosleep (follow: children, grouped)', start: () => spawnWaitpidParent({ children: 3 }) },
  { name: 'cpu-contended', description: 'four busy shell loops on a 2-core machine: CPU PSI some avg10 above 20 %, the target on CPU', start: () => spawnCpuHogs(4) },
  {
    name: 'cgroup-v1-cpu-quota',
    description: 'a CPU spinner in a cgroup v1 cpu (and cpuacct) cgroup with cpu.cfs_quota_us 10000 per 100000: 0.1 cores, throttled every period',
    start: () => spawnCpuQuota(),
    intervalMs: 1000,
  },
  {
    name: 'cgroup-v1-memory-limit',
    description: 'a process with 16 MiB of anonymous memory reading a 48 MiB file through a mapping, round and round, in a cgroup v1 memory cgroup limited to 32 MiB: at the limit, failcnt, major faults and refaults growing',
    start: () => spawnMemoryThrash(),
    intervalMs: 1000,
  },
  // Issue 12: the seed material's insights, each on the program of test/support/scenarios.ts that shows it.
  { name: 'prefork-herd', description: 'a pre-fork server (test/support/c/prefork.c): the master in wait4, 4 workers each with its own epoll instance watching the one listening socket WITHOUT EPOLLEXCLUSIVE (insight: thundering herd, accept queue empty with 4 accepting, children fds)', start: () => spawnPreforkServer(4) },
  { name: 'nginx-exclusive', description: "Debian's nginx 1.22, master + 4 workers, accept_mutex off: every worker's epoll watches the listening socket with EPOLLEXCLUSIVE (insight: one woken per connection)", start: () => spawnNginx(4) },
  { name: 'accept-herd', description: '4 threads blocked in accept() on one listening socket, main thread asleep (insight: exclusive accept waiters, a pool on one queue)', start: () => spawnAcceptHerd(4) },
  { name: 'listen-overflow', description: 'a server listening with backlog 1 that never accepts, flooded by 20 connects/s from a client process (insight: accept queue full, 2 = backlog 1 + 1, dropping)', start: () => spawnListenOverflow({ backlog: 1, connectsPerSec: 20 }), intervalMs: 1000 },
  { name: 'idle-listener', description: 'CPython listening with backlog 64, never accepting, 3 connections from the capturing process waiting in its accept queue (insight: connections waiting, nobody accepting, before any overflow)', start: () => spawnIdleListener({ backlog: 64, clients: 3 }) },
  { name: 'thread-per-connection', description: 'test/support/c/tpc.c: 8 threads each in read() on its own connection, the main thread in accept(); the client sends a byte on each every 50 ms (insight: thread-per-connection, its switches and stacks)', start: () => spawnThreadPerConnection(8, { clientEveryMs: 50 }), intervalMs: 1000 },
  { name: 'pollers', description: 'test/support/c/pollers.c: one thread in poll() over 1000 eventfds, one in select() (glibc: pselect6) over the fds below 1024, both blocking (insight: O(n) polling, epoll suggested)', start: () => spawnPollers({ nfds: 1000 }) },
  { name: 'python-child-pool', description: "seed 000's pool: CPython with 8 threads each in subprocess.run(['sleep', '60']) (insight: one fd table for 9 threads, the children's fds summed and their waits named)", start: () => spawnPythonChildPool(8) },
  { name: 'small-syscalls', description: 'dd if=/dev/zero of=/dev/null bs=1: one-byte read() and write() as fast as it can (insight: far more than 10,000 small syscalls a second)', start: () => spawnSmallSyscalls(), intervalMs: 1000 },
  { name: 'anon-memory', description: 'CPython holding a 64 MiB bytearray it wrote, asleep (insight: RSS mostly anonymous, not reclaimable without swap)', start: () => spawnAnonHolder(64) },
  { name: 'fsync-writer', description: 'test/support/c/fsyncer.c: write(4 KiB) + fdatasync() in a loop on ext4 (insight: durability waits, the ladder, the rate of durable writes)', start: () => spawnFsyncWriter(), intervalMs: 1000 },
  { name: 'jbd2-fsync', description: 'test/support/c/fsyncer.c (write 4 KiB + fdatasync) on a fresh journaled ext4 on a loop device, in a mount namespace of its own (insight: durability waits in jbd2_log_wait_commit)', start: () => spawnLoopFsWriter('fdatasync'), intervalMs: 1000 },
  { name: 'dirty-throttle', description: "CPython overwriting 32 MiB with buffered 64 KiB write()s on ext4 on a loop device whose bdi is strictly limited to 1 MiB dirty (insight: balance_dirty_pages, writeback throttling, not durability)", start: () => spawnLoopFsWriter('buffered'), intervalMs: 1000 },
  { name: 'dd-direct-dsync', description: 'dd if=/dev/zero of=FILE bs=4k oflag=direct,dsync on ext4 (insight: O_DIRECT|O_DSYNC read from fdinfo flags, every write an fdatasync)', start: () => spawnDirectDsyncDd(), intervalMs: 1000 },
  // Issue 10: the verdict's incidents, each as the live test in test/live/verdicts.test.ts starts it.
  { name: 'java-lock-convoy', description: 'test/support/java/LockConvoy.java on OpenJDK 17: 8 threads BLOCKED entering one synchronized monitor whose holder sleeps; HotSpot parks each on a futex of its own (verdict: cannot tell an idle pool from a convoy, jcmd Thread.print)', start: () => spawnJavaLockConvoy(8), intervalMs: 1000 },
  { name: 'cpu-hog', description: 'test/support/c/hog.c cpu with 4 spinning threads on a 2-core machine (verdict: it is the CPU hog, the culprit named from every process\'s counters)', start: () => spawnCpuHog({ threads: 4 }), intervalMs: 1000 },
  { name: 'burst-ended', description: 'a 4-thread CPU burst of 6 s ended 1.5 s before the capture; the target is sleep 1000 (verdict: idle, the lingering avg10 is "recently", not contention now)', start: () => spawnAfterBurst(), intervalMs: 1000 },
];

/** test/support/c/cgload.c spinning in a new cpu+cpuacct cgroup with a 10 % quota, once throttling shows. */
async function spawnCpuQuota(): Promise<Spawned> {
  const load = await startCgroupLoad('cpu', { 'cpu.cfs_period_us': 100_000, 'cpu.cfs_quota_us': 10_000 }, ['spin'], ['cpuacct']);
  await until('throttled periods', () => cgroupCounter(load, 'cpu.stat', 'nr_throttled') >= 5);
  return { pid: load.pid, waitingTids: [], related: {}, stop: () => load.stop() };
}

/** test/support/c/cgload.c thrashing in a new memory cgroup limited to 32 MiB, once refaults show. */
async function spawnMemoryThrash(): Promise<Spawned> {
  const file = join(tmpdir(), `proctriage-fixture-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, randomBytes(48 << 20));
  const load = await startCgroupLoad('memory', { 'memory.limit_in_bytes': 32 << 20 }, ['thrash', file, '16', '2000']);
  await untilThrashing(load, 48 << 20);
  return {
    pid: load.pid,
    waitingTids: [],
    related: {},
    stop: async () => {
      await load.stop();
      rmSync(file, { force: true });
    },
  };
}

/** A CPU burst that ends, then a sleeper to triage while the burst's avg10 lingers. */
async function spawnAfterBurst(): Promise<Spawned> {
  const burst = await spawnCpuHog({ threads: 4 });
  await sleep(6000);
  await burst.stop();
  const sleeper = await spawnSleeper();
  await sleep(1500);
  return sleeper;
}

function cpuSomeAvg10(): number {
  const m = /^some avg10=(\d+\.\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
  return m ? Number(m[1]) : 0;
}

async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (cpuSomeAvg10() > 5 && Date.now() < deadline) await sleep(1000);
}

/** Busy loops until the machine's CPU pressure shows it (avg10 needs a few seconds to rise). */
async function spawnCpuHogs(n: number): Promise<Spawned> {
  const hogs = Array.from({ length: n }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  const deadline = Date.now() + 60_000;
  while (cpuSomeAvg10() < 20 && Date.now() < deadline) await sleep(500);
  const stop = async () => {
    for (const h of hogs) h.kill('SIGKILL');
  };
  return { pid: hogs[0]!.pid!, waitingTids: [], related: {}, stop };
}

const root = join(import.meta.dirname, '..');
const wanted = new Set(process.argv.slice(2));

async function main(): Promise<void> {
  for (const scenario of SCENARIOS) {
    if (wanted.size > 0 && !wanted.has(scenario.name)) continue;
    // Capture on a quiet machine so that a fixture about one process is not also about load.
    if (scenario.name !== 'cpu-contended') await waitForQuiet();
    const spawned = await scenario.start();
    try {
      const pid = scenario.target ? scenario.target(spawned) : spawned.pid;
      const out = join(root, 'fixtures', scenario.name);
      rmSync(out, { recursive: true, force: true });
      const interval = String(scenario.intervalMs ?? 500);
      execFileSync(process.execPath, [join(root, 'bin/proctriage'), 'capture', String(pid), '-o', out, '--samples', '2', '--interval', interval, '--scenario', scenario.description], { stdio: 'inherit' });
    } finally {
      await spawned.stop();
    }
  }
  await stopAll();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
