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
