/**
 * Live check of test/support/scenarios.ts and cgroup-v1.ts: each scenario
 * really shows the promised state in /proc, read here with plain fs (no project
 * module, and not the scenario module's own readers), and stop() ends and reaps
 * everything and removes what it made (temp dirs, cgroups).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupPathsOf, createCgroupV1, removeAllCgroups, v1DirOf, v1Hierarchies, v1Hierarchy } from './cgroup-v1.js';
import {
  hasNginx,
  spawnAcceptHerd,
  spawnCpuHog,
  spawnDirectDsyncDd,
  spawnFsyncWriter,
  spawnJavaLockConvoy,
  spawnJavaParkedPool,
  spawnListenOverflow,
  spawnMemoryThrasher,
  spawnNginx,
  spawnPollers,
  spawnPreforkServer,
  spawnPythonChildPool,
  spawnPythonIdlePool,
  spawnPythonLockConvoy,
  spawnThreadPerConnection,
  type ThreadPool,
} from './scenarios.js';
import { spawnSleeper, stopAll, type Spawned } from './spawners.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Task {
  comm: string;
  state: string;
  ppid: number;
  wchan: string;
  syscall: string[];
}

function task(pid: number, tid: number = pid): Task {
  const dir = `/proc/${pid}/task/${tid}`;
  const stat = readFileSync(`${dir}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    wchan: readFileSync(`${dir}/wchan`, 'utf8').trim(),
    syscall: readFileSync(`${dir}/syscall`, 'utf8').trim().split(' '),
  };
}

/** A `name:   value` field of a status-like file. */
function field(path: string, name: string): number {
  const match = new RegExp(`^${name}:?\\s+(\\d+)`, 'm').exec(readFileSync(path, 'utf8'));
  return Number(match?.[1]);
}

const voluntary = (pid: number, tid: number = pid) => field(`/proc/${pid}/task/${tid}/status`, 'voluntary_ctxt_switches');

function fdList(pid: number, tid: number = pid): string {
  const dir = `/proc/${pid}/task/${tid}/fd`;
  return readdirSync(dir)
    .sort((a, b) => Number(a) - Number(b))
    .map((fd) => `${fd}=${readlinkSync(`${dir}/${fd}`)}`)
    .join(' ');
}

/** [state, tx_queue:rx_queue, inode] of the rows of /proc/net/tcp whose local address is 127.0.0.1:port. */
function tcpRowsAt(port: number): { st: string; queues: string; inode: string }[] {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === local)
    .map((f) => ({ st: f[3] ?? '', queues: f[4] ?? '', inode: f[9] ?? '' }));
}

function listenInode(port: number): string {
  const row = tcpRowsAt(port).find((r) => r.st === '0A');
  expect(row, `LISTEN row of port ${port}`).toBeDefined();
  return row?.inode ?? '';
}

function tcpExt(name: string): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const index = (lines[at] ?? '').split(' ').indexOf(name);
  return Number((lines[at + 1] ?? '').split(' ')[index]);
}

/** The `tfd:` lines of every epoll fd of pid: [target fd, events mask, target inode]. */
function epollTargets(pid: number): { tfd: number; events: number; ino: number }[] {
  const out: { tfd: number; events: number; ino: number }[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:[eventpoll]') continue;
    for (const m of readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').matchAll(/^tfd:\s+(\d+) events:\s+([0-9a-f]+) .* ino:([0-9a-f]+)/gm)) {
      out.push({ tfd: Number(m[1]), events: parseInt(m[2] ?? '', 16), ino: parseInt(m[3] ?? '', 16) });
    }
  }
  return out;
}

/** Polls until check() holds (or the time is up) and returns its last result. */
async function eventually<T>(check: () => T, ok: (value: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = check();
  while (!ok(value) && Date.now() < deadline) {
    await sleep(20);
    value = check();
  }
  return value;
}

/**
 * Connects once to 127.0.0.1:port; returns how many of the tasks made a voluntary switch
 * (were woken, ran, and slept again) meanwhile: once `all` of them have, or 300 ms after the first.
 */
async function wokenByOneConnection(port: number, pids: readonly [number, number][], all = false): Promise<number> {
  const before = pids.map(([pid, tid]) => voluntary(pid, tid));
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
  const woken = () => pids.filter(([pid, tid], i) => voluntary(pid, tid) !== before[i]).length;
  await eventually(woken, (n) => n >= 1);
  if (all) await eventually(woken, (n) => n === pids.length);
  else await sleep(300); // the rest of a herd, if any, has time to run too
  return woken();
}

async function stopAndExpectGone(s: Spawned, pids: readonly number[]): Promise<void> {
  for (const pid of pids) expect(existsSync(`/proc/${pid}`), `pid ${pid} alive before stop`).toBe(true);
  await s.stop();
  for (const pid of pids) expect(existsSync(`/proc/${pid}`), `pid ${pid} still in /proc after stop`).toBe(false);
}

/** This machine has cgroup v1 cpu and memory hierarchies and we may write them (root). */
const V1 = v1Hierarchy('cpu') !== null && v1Hierarchy('memory') !== null && process.getuid?.() === 0;
const HAS_JAVA = spawnSync('sh', ['-c', 'command -v javac && command -v java']).status === 0;

const EPOLLEXCLUSIVE = 0x10000000;
const FUTEX_WAIT = /^futex_do_wait|^futex_wait/;
const TMPFS_MAGIC = 0x01021994;

afterAll(async () => {
  await stopAll();
  await removeAllCgroups();
});

describe.skipIf(!V1)('cgroup v1 helpers', () => {
  it('finds the v1 hierarchies in mountinfo and each process’s place in them', () => {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    const hierarchies = v1Hierarchies();
    for (const controller of ['cpu', 'memory']) {
      const h = hierarchies.find((x) => x.controllers.includes(controller));
      expect(h, `a v1 hierarchy with ${controller}`).toBeDefined();
      expect(mounts).toContain(` ${h?.mountPoint} `);
      expect(existsSync(`${v1DirOf('self', controller)}/cgroup.procs`)).toBe(true);
    }
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    expect(own).toMatch(new RegExp(`^\\d+:[^:\\n]*\\bmemory\\b[^:\\n]*:${cgroupPathsOf('self').get('memory')}$`, 'm'));
  });

  it('creates a cpu cgroup, moves a process in, and on remove() moves it back and deletes the cgroup', async () => {
    const sleeper = await spawnSleeper();
    const cg = createCgroupV1('cpu', { 'cpu.cfs_quota_us': 10_000 });
    expect(readFileSync(`${cg.dir}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('10000');
    cg.add(sleeper.pid);
    expect(cg.pids()).toEqual([sleeper.pid]);
    expect(readFileSync(`/proc/${sleeper.pid}/cgroup`, 'utf8')).toMatch(new RegExp(`^\\d+:[^:\\n]*\\bcpu\\b[^:\\n]*:${cg.path}$`, 'm'));
    await cg.remove();
    expect(existsSync(cg.dir)).toBe(false);
    expect(cgroupPathsOf(sleeper.pid).get('cpu')).toBe(cgroupPathsOf('self').get('cpu'));
    await sleeper.stop();
  });
});

describe('scenarios put real programs in the promised state', () => {
  for (const exclusive of [false, true]) {
    it(`spawnPreforkServer${exclusive ? ' exclusive' : ''}: 4 workers, each its own epoll on one listening socket`, async () => {
      const s = await spawnPreforkServer(4, { exclusive });
      const inode = Number(listenInode(s.port));
      expect(task(s.pid).wchan).toBe('do_wait');
      for (const w of s.workers) {
        expect(task(w).ppid).toBe(s.pid);
        expect(task(w).syscall[0]).toBe('232');
        const [watch, ...more] = epollTargets(w);
        expect(more).toEqual([]);
        expect(watch?.ino).toBe(inode);
        expect((watch?.events ?? 0) & EPOLLEXCLUSIVE).toBe(exclusive ? EPOLLEXCLUSIVE : 0);
      }
      const woken = await wokenByOneConnection(
        s.port,
        s.workers.map((w) => [w, w]),
        !exclusive,
      );
      if (exclusive) expect(woken).toBeLessThan(4);
      else expect(woken).toBe(4); // the thundering herd: every worker woke for one connection
      await stopAndExpectGone(s, [s.pid, ...s.workers]);
    });
  }

  it.skipIf(!hasNginx())('spawnNginx: Debian nginx workers watch the listening socket with EPOLLEXCLUSIVE', async () => {
    const s = await spawnNginx(4);
    const inode = Number(listenInode(s.port));
    for (const w of s.workers) {
      const watch = epollTargets(w).find((t) => t.ino === inode);
      expect(((watch?.events ?? 0) & EPOLLEXCLUSIVE) !== 0).toBe(true);
    }
    await stopAndExpectGone(s, [s.pid, ...s.workers]);
    expect(existsSync(s.prefix)).toBe(false);
  });

  it('spawnAcceptHerd: 4 threads in accept() on one socket; a connection wakes one', async () => {
    const s = await spawnAcceptHerd(4);
    const inode = listenInode(s.port);
    for (const tid of s.acceptors) {
      const t = task(s.pid, tid);
      expect([t.state, t.wchan, t.syscall[0]]).toEqual(['S', 'inet_csk_accept', '43']);
      expect(readlinkSync(`/proc/${s.pid}/fd/${Number(t.syscall[1])}`)).toBe(`socket:[${inode}]`);
    }
    expect(await wokenByOneConnection(s.port, s.acceptors.map((t) => [s.pid, t]))).toBe(1);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnListenOverflow: the accept queue is full and ListenOverflows grows', async () => {
    const s = await spawnListenOverflow({ backlog: 1 });
    expect(tcpRowsAt(s.port).find((r) => r.st === '0A')?.queues).toBe('00000000:00000002'); // backlog + 1
    // the queued connections: ESTABLISHED on the server side, no inode (nobody accepted them)
    expect(tcpRowsAt(s.port).filter((r) => r.st !== '0A' && r.inode === '0').length).toBeGreaterThanOrEqual(1);
    const before = [tcpExt('ListenOverflows'), tcpExt('ListenDrops')];
    await sleep(1000);
    expect(tcpExt('ListenOverflows') - (before[0] ?? 0)).toBeGreaterThanOrEqual(10);
    expect(tcpExt('ListenDrops') - (before[1] ?? 0)).toBeGreaterThanOrEqual(10);
    expect(task(s.server).wchan).toBe('hrtimer_nanosleep');
    await stopAndExpectGone(s, [s.server, s.client]);
  });

  it('spawnThreadPerConnection: one thread per connection in read(), one fd table, switches per thread', async () => {
    const s = await spawnThreadPerConnection(6, { clientEveryMs: 20 });
    const fds = new Set<string>();
    for (const tid of s.connections) {
      const t = await eventually(
        () => task(s.pid, tid),
        (x) => x.state === 'S',
      );
      expect([t.state, t.syscall[0]]).toEqual(['S', '0']);
      expect(t.wchan).toMatch(/^(wait_woken|sk_wait_data)$/);
      fds.add(t.syscall[1] ?? '');
      expect(readlinkSync(`/proc/${s.pid}/fd/${Number(t.syscall[1])}`)).toMatch(/^socket:\[\d+\]$/);
    }
    expect(fds.size).toBe(6);
    const tables = readdirSync(`/proc/${s.pid}/task`).map((tid) => fdList(s.pid, Number(tid)));
    expect(new Set(tables).size).toBe(1); // CLONE_FILES: every thread lists the same table
    expect(tcpRowsAt(s.port).filter((r) => r.st === '01')).toHaveLength(6);
    // /proc/PID/status counts the main thread's switches only; the threads' own status count theirs
    const leader = voluntary(s.pid);
    const threads = () => s.connections.reduce((sum, tid) => sum + voluntary(s.pid, tid), 0);
    const start = threads();
    await sleep(500);
    expect(threads() - start).toBeGreaterThanOrEqual(6 * 5);
    expect(voluntary(s.pid) - leader).toBeLessThanOrEqual(1);
    await stopAndExpectGone(s, [s.pid, s.client]);
  });

  it('spawnPollers: poll(nfds=1000) and select over the fds below 1024; nfds in the syscall args', async () => {
    const s = await spawnPollers({ nfds: 1000 });
    const poll = task(s.pid, s.pollTid);
    expect([poll.comm, poll.state, poll.syscall[0], Number(poll.syscall[2])]).toEqual(['poller', 'S', '7', 1000]);
    expect(poll.wchan).toMatch(/^poll_schedule_timeout/);
    const select = task(s.pid, s.selectTid);
    expect(select.comm).toBe('selector');
    expect(['23', '270']).toContain(select.syscall[0]);
    expect(Number(select.syscall[1])).toBe(s.selectNfds);
    expect(s.selectNfds).toBeLessThanOrEqual(1024);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnPollers looping with a 1 ms timeout: hundreds of calls a second, none counted in io', async () => {
    const s = await spawnPollers({ nfds: 1000, callTimeoutMs: 1 });
    const io = field(`/proc/${s.pid}/io`, 'syscr');
    const before = voluntary(s.pid, s.pollTid);
    await sleep(500);
    expect(voluntary(s.pid, s.pollTid) - before).toBeGreaterThanOrEqual(50);
    expect(field(`/proc/${s.pid}/io`, 'syscr')).toBe(io);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnFsyncWriter: write+fdatasync on a disk-backed filesystem', async () => {
    const s = await spawnFsyncWriter();
    expect(statfsSync(s.dir).type).not.toBe(TMPFS_MAGIC);
    expect(readlinkSync(`/proc/${s.pid}/fd/3`)).toBe(s.file);
    const seen = await eventually(
      () => task(s.pid),
      (t) => t.syscall[0] === '75' || t.state === 'D',
    );
    expect(seen.syscall[0] === '75' || seen.state === 'D').toBe(true);
    const writes = field(`/proc/${s.pid}/io`, 'syscw');
    await eventually(
      () => field(`/proc/${s.pid}/io`, 'syscw'),
      (n) => n > writes,
    );
    expect(field(`/proc/${s.pid}/io`, 'syscw')).toBeGreaterThan(writes);
    await stopAndExpectGone(s, [s.pid]);
    expect(existsSync(s.dir)).toBe(false);
  });

  it('spawnDirectDsyncDd: dd writes with O_DIRECT|O_DSYNC, counted in write_bytes', async () => {
    const s = await spawnDirectDsyncDd();
    expect(readlinkSync(`/proc/${s.pid}/exe`)).toMatch(/\/dd$/);
    const flags = parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/${s.pid}/fdinfo/1`, 'utf8'))?.[1] ?? '0', 8);
    expect(flags & 0o40000).toBe(0o40000); // O_DIRECT
    expect(flags & 0o10000).toBe(0o10000); // O_DSYNC
    const bytes = field(`/proc/${s.pid}/io`, 'write_bytes');
    const later = await eventually(
      () => field(`/proc/${s.pid}/io`, 'write_bytes'),
      (n) => n > bytes,
    );
    expect(later).toBeGreaterThan(bytes);
    await stopAndExpectGone(s, [s.pid]);
  });

  it('spawnCpuHog: R, running, using CPU', async () => {
    const s = await spawnCpuHog();
    const t = task(s.pid);
    expect([t.state, t.syscall[0]]).toEqual(['R', 'running']);
    expect(s.cgroup).toBeNull();
    await stopAndExpectGone(s, [s.pid]);
  });

  it.skipIf(!V1)('spawnCpuHog with a 10 % quota: throttled in its own cpu cgroup, removed on stop', async () => {
    const s = await spawnCpuHog({ cpuQuota: true });
    const dir = s.cgroup?.dir ?? '';
    expect(readFileSync(`${dir}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('10000');
    expect(readFileSync(`/proc/${s.pid}/cgroup`, 'utf8')).toContain(`:${s.cgroup?.path}\n`);
    const throttled = field(`${dir}/cpu.stat`, 'nr_throttled');
    expect(throttled).toBeGreaterThanOrEqual(1);
    const later = await eventually(
      () => field(`${dir}/cpu.stat`, 'nr_throttled'),
      (n) => n > throttled,
    );
    expect(later).toBeGreaterThan(throttled);
    await stopAndExpectGone(s, [s.pid]);
    expect(existsSync(dir)).toBe(false);
  });

  it.skipIf(!V1)('spawnMemoryThrasher: major faults against a 32 MiB memory cgroup, removed on stop', async () => {
    const s = await spawnMemoryThrasher();
    const dir = s.cgroup?.dir ?? '';
    expect(readFileSync(`${dir}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(32 * 1024 * 1024));
    expect(Number(readFileSync(`${dir}/memory.failcnt`, 'utf8'))).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${s.pid}/cgroup`, 'utf8')).toContain(`:${s.cgroup?.path}\n`);
    const majflt = () => {
      const stat = readFileSync(`/proc/${s.pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[9]);
    };
    const before = majflt();
    const after = await eventually(majflt, (n) => n >= before + 100);
    expect(after).toBeGreaterThanOrEqual(before + 100);
    expect(field(`${dir}/memory.stat`, 'pgmajfault')).toBeGreaterThan(0);
    await stopAndExpectGone(s, [s.pid]);
    expect(existsSync(dir)).toBe(false);
  });

  /** Every waiter in a futex wait; returns the distinct futex addresses they wait on. */
  function futexAddresses(s: ThreadPool): Set<string> {
    return new Set(
      s.waitingTids.map((tid) => {
        const t = task(s.pid, tid);
        expect([t.state, t.syscall[0]]).toEqual(['S', '202']);
        expect(t.wchan).toMatch(FUTEX_WAIT);
        return t.syscall[1] ?? '';
      }),
    );
  }

  it.skipIf(!HAS_JAVA)('spawnJavaLockConvoy and spawnJavaParkedPool: from /proc, each waiter on its own futex', async () => {
    const convoy = await spawnJavaLockConvoy(8);
    const pool = await spawnJavaParkedPool(8);
    for (const [s, name] of [
      [convoy, 'convoy-'],
      [pool, 'pool-worker-'],
    ] as const) {
      expect(readlinkSync(`/proc/${s.pid}/exe`)).toMatch(/\/java$/);
      expect(s.waitingTids.map((tid) => task(s.pid, tid).comm)).toEqual(s.waitingTids.map((_, i) => `${name}${i}`));
      expect(futexAddresses(s).size).toBe(8); // HotSpot parks each thread on its own ParkEvent/Parker
    }
    expect(task(convoy.pid, convoy.holder).comm).toBe('holder');
    await stopAndExpectGone(convoy, [convoy.pid]);
    await stopAndExpectGone(pool, [pool.pid]);
  });

  it('spawnPythonLockConvoy and spawnPythonIdlePool: from /proc, all waiters on one futex', async () => {
    const convoy = await spawnPythonLockConvoy(8);
    const pool = await spawnPythonIdlePool(8);
    for (const s of [convoy, pool]) {
      expect(readlinkSync(`/proc/${s.pid}/exe`)).toMatch(/\/python3[.\d]*$/);
      expect(futexAddresses(s).size).toBe(1); // the lock's (or the queue's) one semaphore
    }
    expect(task(convoy.pid, convoy.holder).wchan).toBe('hrtimer_nanosleep');
    await stopAndExpectGone(convoy, [convoy.pid]);
    await stopAndExpectGone(pool, [pool.pid]);
  });

  it('spawnPythonChildPool: 32 threads in wait4, each on its own sleeping child; one fd table', async () => {
    const s = await spawnPythonChildPool(32);
    expect(s.children).toHaveLength(32);
    const waitedFor = new Set<number>();
    for (const tid of s.waitingTids) {
      const t = task(s.pid, tid);
      expect([t.state, t.wchan, t.syscall[0]]).toEqual(['S', 'do_wait', '61']);
      waitedFor.add(parseInt(t.syscall[1] ?? '', 16));
    }
    expect([...waitedFor].sort()).toEqual([...s.children].sort());
    for (const child of s.children) expect([task(child).comm, task(child).ppid, task(child).wchan]).toEqual(['sleep', s.pid, 'hrtimer_nanosleep']);
    const tables = readdirSync(`/proc/${s.pid}/task`).map((tid) => fdList(s.pid, Number(tid)));
    expect(tables).toHaveLength(33);
    expect(new Set(tables).size).toBe(1);
    await stopAndExpectGone(s, [s.pid, ...s.children]);
  });
});
