/**
 * Real programs for the verdict and the seed-material explanations: servers
 * (pre-fork epoll workers, accept herds, an overflowing accept queue,
 * thread-per-connection), O(n) pollers, durability writers, a CPU hog and a
 * memory thrasher (in cgroup v1), Java and Python lock convoys against idle
 * pools, and a pool of children.
 *
 * Built on test/support/spawners.ts: the same guard (nothing outlives the test),
 * on-demand compilation (C helpers in test/support/c, Java in test/support/java)
 * and /proc polling. Each function returns a handle { pid, waitingTids, related,
 * stop(), …typed fields } only once /proc shows the promised state; stop()
 * SIGKILLs and reaps every process, then removes the temporary files and the
 * cgroups the scenario made. What /proc shows is documented at each scenario,
 * as seen on Linux 6.18 x86_64 (glibc 2.36, OpenJDK 17, CPython 3.11).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuQuotaCgroup, memoryLimitCgroup, type CgroupV1 } from './cgroup-v1.js';
import {
  NR,
  WCHAN,
  firstMismatch,
  javaClasses,
  mismatch,
  positiveInt,
  program,
  readTask,
  scenario,
  sleeping,
  syscallArg,
  syscallNr,
  childrenOf,
  listed,
  type Scenario,
  type SpawnOptions,
  type Spawned,
  type TaskView,
  type Want,
} from './spawners.js';

export interface LabOptions extends SpawnOptions {
  /** cgroups (v1) the scenario's root process joins before it execs its program; its children inherit them. */
  cgroups?: readonly CgroupV1[];
}

/** Wait channels of the waits these scenarios add (6.18 first; older names after). */
export const LAB_WCHAN = {
  /** accept() on a blocking listening socket: inet_csk_accept (inet_csk_wait_for_connect before it was inlined). */
  accept: /^(inet_csk_accept|inet_csk_wait_for_connect)$/,
  /** read() on a TCP socket: wait_woken (stack: sk_wait_data ← tcp_recvmsg_locked); sk_wait_data on older kernels. */
  tcpRead: /^(wait_woken|sk_wait_data)$/,
  /** select(): do_select sleeps in poll_schedule_timeout, as poll() does. */
  select: /^(poll_schedule_timeout|do_select|core_sys_select)(\.[a-z0-9.]+)?$/,
} as const;

/** x86_64 syscall numbers of the waits here. */
export const LAB_NR = { select: 23, accept: 43, wait4: 61, fdatasync: 75, pselect6: 270, accept4: 288 } as const;

/** EPOLLEXCLUSIVE (1 << 28), as the `events:` mask of an fdinfo `tfd:` line shows it. */
export const EPOLLEXCLUSIVE = 0x10000000;

// ---------------------------------------------------------------------------
// Small /proc readers (plain fs), used by the readiness checks and the tests

/** One watch of an epoll instance, from a `tfd:` line of /proc/<pid>/fdinfo/<epfd>. */
export interface EpollWatch {
  tfd: number;
  /** The event mask (hex in fdinfo), EPOLLERR|EPOLLHUP included by the kernel. */
  events: number;
  /** The watched file's inode (hex in fdinfo, e.g. the socket's inode). */
  ino: number;
}

export function epollWatches(pid: number, epfd: number): EpollWatch[] {
  const text = readFileSync(`/proc/${pid}/fdinfo/${epfd}`, 'utf8');
  return [...text.matchAll(/^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)\s+data:\s*\S+\s+pos:\d+\s+ino:([0-9a-f]+)/gm)].map((m) => ({
    tfd: Number(m[1]),
    events: parseInt(m[2] ?? '0', 16),
    ino: parseInt(m[3] ?? '0', 16),
  }));
}

/** A row of /proc/net/tcp, decoded as far as a listening socket needs. */
export interface TcpRow {
  local: string;
  state: number;
  txQueue: number;
  /** For a LISTEN socket: the current accept-queue length (sk_ack_backlog). */
  rxQueue: number;
  inode: number;
  /** The raw fields, for what is not decoded. */
  fields: string[];
}

const TCP_LISTEN = 0x0a;

/** The LISTEN row of 127.0.0.1:<port> in /proc/net/tcp, or null. */
export function listenRow(port: number): TcpRow | null {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== local || parseInt(fields[3] ?? '', 16) !== TCP_LISTEN) continue;
    const [tx = '0', rx = '0'] = (fields[4] ?? '').split(':');
    return { local, state: TCP_LISTEN, txQueue: parseInt(tx, 16), rxQueue: parseInt(rx, 16), inode: Number(fields[9]), fields };
  }
  return null;
}

/** The TcpExt counters of /proc/net/netstat (this network namespace: every process in it counts). */
export function tcpExt(): Record<string, number> {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = (lines[at] ?? '').split(' ').slice(1);
  const values = (lines[at + 1] ?? '').split(' ').slice(1);
  return Object.fromEntries(names.map((name, i) => [name, Number(values[i])]));
}

/** Named fields of /proc/<pid>/io, or of another `key: value` file. */
export function keyValues(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^(\w+):?\s+(\d+)/.exec(line);
    if (match?.[1]) out[match[1]] = Number(match[2]);
  }
  return out;
}

/** Field n (1-based, as in proc(5)) of /proc/<pid>/stat, e.g. 12 = majflt, 14 = utime. */
export function statField(pid: number, n: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

// ---------------------------------------------------------------------------
// Shared pieces

/** Runs command inside cgroups: the shell writes its own pid into each cgroup.procs, then execs. */
const JOIN_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 70; shift; done; shift; exec "$@"';

function launchIn(sc: Scenario, opts: LabOptions, command: string, args: readonly string[], stdout = true) {
  const cgroups = opts.cgroups ?? [];
  if (cgroups.length === 0) return sc.launch(command, args, { stdout });
  return sc.launch('sh', ['-c', JOIN_CGROUPS, 'cgjoin', ...cgroups.map((c) => c.procsFile), '--', command, ...args], { stdout });
}

async function launchC(sc: Scenario, opts: LabOptions, name: string, args: readonly (string | number)[]) {
  return launchIn(sc, opts, await program(name), args.map(String));
}

function list(text: string | undefined): number[] {
  return text ? text.split(',').map(Number) : [];
}

/** Named capture groups of a ready line, as numbers. */
async function readyLine(sc: Scenario, l: Parameters<Scenario['line']>[0], re: RegExp): Promise<Record<string, string>> {
  return (await sc.line(l, re)).groups ?? {};
}

const idleSleep = (comm: string): Want => sleeping(comm);

/** Magic numbers of statfs(2) f_type for the filesystems we name. */
const FS_NAMES: Record<number, string> = {
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x858458f6: 'ramfs',
  0x794c7630: 'overlayfs',
};
const MEMORY_FS = new Set([0x01021994, 0x858458f6]);

function fsName(path: string): string {
  const type = statfsSync(path).type;
  return FS_NAMES[type] ?? `0x${type.toString(16)}`;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A fresh directory on a disk-backed filesystem (not tmpfs/ramfs, which have no
 * block device and, before 6.6, no O_DIRECT): inside `within` when given, else
 * the first of os.tmpdir(), /var/tmp and the repository that is on one.
 * Removed when the scenario stops.
 */
export function diskTempDir(sc: Scenario, within?: string): { dir: string; filesystem: string } {
  for (const base of within ? [within] : [tmpdir(), '/var/tmp', REPO_ROOT]) {
    try {
      if (MEMORY_FS.has(statfsSync(base).type)) continue;
      const dir = mkdtempSync(join(base, 'proctriage-lab-'));
      sc.onStop(() => rmSync(dir, { recursive: true, force: true }));
      return { dir, filesystem: fsName(dir) };
    } catch {
      // not there or not writable: the next one
    }
  }
  throw new Error(`${sc.label}: no disk-backed directory found (tried ${within ?? `${tmpdir()}, /var/tmp, ${REPO_ROOT}`})`);
}

/** Scenarios that write a file first or start a JVM get 15 s to be ready unless told otherwise. */
function slow<T extends SpawnOptions>(opts: T): T {
  return { ...opts, timeoutMs: opts.timeoutMs ?? 15_000 };
}

/** Scenario-owned cgroups: created before the launch, removed after its processes are reaped. */
function ownCgroup(sc: Scenario, make: () => CgroupV1): CgroupV1 {
  const cgroup = make();
  sc.onStop(() => void cgroup.remove().catch(() => undefined));
  return cgroup;
}

const epollWorker = (exclusive: boolean): Want => ({
  state: 'S',
  wchan: WCHAN.epoll,
  also: (v) => {
    if (syscallNr(v) !== NR.epollWait) return false;
    const watches = epollWatches(v.tid, Number(syscallArg(v, 0)));
    return watches.length === 1 && ((watches[0]?.events ?? 0) & EPOLLEXCLUSIVE) === (exclusive ? EPOLLEXCLUSIVE : 0);
  },
});

// ---------------------------------------------------------------------------
// Servers

export interface PreforkServer extends Spawned {
  port: number;
  /** Worker pids (also related.worker0…); waitingTids too. */
  workers: number[];
  exclusive: boolean;
}

/**
 * A pre-fork server (test/support/c/prefork.c): the master listens on
 * 127.0.0.1:<port> and forks `workers` processes; each has its own epoll fd
 * watching the one listening socket, with EPOLLIN (default) or
 * EPOLLIN|EPOLLEXCLUSIVE (`exclusive: true`), and waits in epoll_wait.
 * /proc on 6.18: each worker S, wchan do_epoll_wait, syscall `232 <epfd> … 0x1 0xffffffff`;
 * /proc/<worker>/fdinfo/<epfd> has one line `tfd: 3 events: 19 …` (plain:
 * EPOLLIN|EPOLLERR|EPOLLHUP) or `events: 10000019` (exclusive) with `ino:` the
 * listening socket's inode (hex); the master S do_wait, syscall `61 0xffffffff …`.
 * pid = master; related: master, port, worker0….
 */
export function spawnPreforkServer(workers = 4, opts: { exclusive?: boolean } & LabOptions = {}): Promise<PreforkServer> {
  const exclusive = opts.exclusive ?? false;
  return scenario('spawnPreforkServer', opts, async (sc) => {
    positiveInt(sc.label, 'workers', workers);
    const master = await launchC(sc, opts, 'prefork', [workers, exclusive ? 'exclusive' : 'plain']);
    const ready = await readyLine(sc, master, /^ready port=(?<port>\d+) workers=(?<workers>[\d,]+)$/);
    const pids = list(ready.workers);
    await sc.state(`${workers} workers in epoll_wait on the listening socket`, () =>
      firstMismatch(
        ...pids.map((w) => mismatch(w, [w], epollWorker(exclusive))),
        mismatch(master.pid, [master.pid], { state: 'S', wchan: WCHAN.wait4 }),
      ),
    );
    const port = Number(ready.port);
    const related = { master: master.pid, port, ...Object.fromEntries(pids.map((p, i) => [`worker${i}`, p])) };
    return sc.handle({ pid: master.pid, waitingTids: pids, related, port, workers: pids, exclusive });
  });
}

export interface Nginx extends Spawned {
  port: number;
  /** Worker pids (also waitingTids and related.worker0…). */
  workers: number[];
  /** The prefix directory (config, logs, pid file); removed on stop. */
  prefix: string;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot listen on port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const NGINX = '/usr/sbin/nginx';

/** Whether Debian's nginx is installed (apt-get install nginx); spawnNginx needs it. */
export function hasNginx(): boolean {
  return existsSync(NGINX);
}

/**
 * Debian's nginx (1.22) in the foreground (`daemon off`, master + `workers`
 * workers, `accept_mutex off`) serving 204 on 127.0.0.1:<a free port>, with a
 * temp prefix dir for config, logs and pid. nginx cannot listen on port 0, so
 * the port is one the kernel handed out and released a moment before (the
 * start is retried on another port if it was taken meanwhile).
 * /proc on 6.18: each worker S do_epoll_wait, syscall `232 <epfd> … 0x200 0xffffffff`;
 * its epoll fdinfo watches the listening socket with `events: 10000019`
 * (EPOLLEXCLUSIVE|EPOLLIN|EPOLLERR|EPOLLHUP: nginx sets EPOLLEXCLUSIVE when
 * accept_mutex is off), the master channel socket (`2019`, EPOLLRDHUP) and an
 * eventfd (`80000019`, EPOLLET); the master S sigsuspend.isra.0 (rt_sigsuspend, syscall 130).
 * pid = master; related: master, port, worker0….
 */
export async function spawnNginx(workers = 4, opts: LabOptions = {}): Promise<Nginx> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await nginxOnce(workers, opts, await freePort());
    } catch (err) {
      // the port was taken between freePort() and nginx's bind: try another
      if (attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

function nginxOnce(workers: number, opts: LabOptions, port: number): Promise<Nginx> {
  return scenario('spawnNginx', opts, async (sc) => {
    positiveInt(sc.label, 'workers', workers);
    if (!hasNginx()) throw new Error(`${sc.label}: ${NGINX} is not installed (apt-get install nginx)`);
    const prefix = mkdtempSync(join(tmpdir(), 'proctriage-nginx-'));
    sc.onStop(() => rmSync(prefix, { recursive: true, force: true }));
    const conf = join(prefix, 'nginx.conf');
    const log = join(prefix, 'error.log');
    writeFileSync(conf, nginxConf(prefix, port, workers));
    const master = await launchIn(sc, opts, NGINX, ['-p', prefix, '-c', conf, '-e', log], false);
    try {
      const pids = await sc.until(`nginx master with ${workers} workers in epoll_wait on port ${port}`, () => {
        const row = listenRow(port);
        const kids = childrenOf(master.pid).filter((k) => k.comm === 'nginx');
        if (!row || kids.length !== workers) return { ok: false, seen: `listening: ${row !== null}; workers: ${listed(kids)}` };
        const seen = firstMismatch(
          mismatch(master.pid, [master.pid], { state: 'S', wchan: /^sigsuspend/ }),
          ...kids.map((k) => mismatch(k.tid, [k.tid], { state: 'S', wchan: WCHAN.epoll, also: (v) => watchesSocket(v, row.inode) })),
        );
        return seen === null ? { ok: true, ready: kids.map((k) => k.tid) } : { ok: false, seen };
      });
      const related = { master: master.pid, port, ...Object.fromEntries(pids.map((p, i) => [`worker${i}`, p])) };
      return sc.handle({ pid: master.pid, waitingTids: pids, related, port, workers: pids, prefix });
    } catch (err) {
      throw new Error(`${(err as Error).message}\nnginx error.log: ${readFileSafe(log).trim() || '(empty)'}`);
    }
  });
}

function nginxConf(prefix: string, port: number, workers: number): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(prefix, t)};`).join(' ');
  return `daemon off;
master_process on;
worker_processes ${workers};
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')};
events { worker_connections 64; accept_mutex off; }
http {
  access_log off;
  ${temp}
  server { listen 127.0.0.1:${port}; return 204; }
}
`;
}

/** The task waits in epoll_wait on an epoll fd that watches the socket with this inode. */
function watchesSocket(v: TaskView, inode: number): boolean {
  if (syscallNr(v) !== NR.epollWait && syscallNr(v) !== NR.epollPwait) return false;
  return epollWatches(v.tid, Number(syscallArg(v, 0))).some((w) => w.ino === inode);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface AcceptHerd extends Spawned {
  port: number;
  /** The threads blocked in accept() (also waitingTids). */
  acceptors: number[];
}

/**
 * One process (test/support/c/acceptherd.c) whose `threads` threads all block
 * in accept() on one listening socket at 127.0.0.1:<port>; the main thread sleeps.
 * /proc on 6.18: each acceptor S, wchan inet_csk_accept, syscall `43 0x3 0x0 0x0 …`
 * (accept, fd 3), stack inet_csk_accept ← inet_accept ← do_accept ← __sys_accept4;
 * main S hrtimer_nanosleep.
 */
export function spawnAcceptHerd(threads = 4, opts: LabOptions = {}): Promise<AcceptHerd> {
  return scenario('spawnAcceptHerd', opts, async (sc) => {
    positiveInt(sc.label, 'threads', threads);
    const proc = await launchC(sc, opts, 'acceptherd', [threads]);
    const ready = await readyLine(sc, proc, /^ready port=(?<port>\d+) main=(?<main>\d+) tids=(?<tids>[\d,]+)$/);
    const acceptors = list(ready.tids);
    await sc.state(`${threads} threads in accept()`, () =>
      firstMismatch(
        mismatch(proc.pid, acceptors, {
          state: 'S',
          wchan: LAB_WCHAN.accept,
          also: (v) => syscallNr(v) === LAB_NR.accept || syscallNr(v) === LAB_NR.accept4,
        }),
        mismatch(proc.pid, [proc.pid], idleSleep('acceptherd')),
      ),
    );
    const port = Number(ready.port);
    return sc.handle({ pid: proc.pid, waitingTids: acceptors, related: { port }, port, acceptors });
  });
}

export interface ListenOverflow extends Spawned {
  port: number;
  backlog: number;
  server: number;
  client: number;
}

/**
 * A server that listen()s with a tiny backlog and never accepts
 * (test/support/c/noaccept.c), and a client process (tcpclient flood) starting
 * `connectsPerSec` non-blocking connects a second, each closed after `keepMs`.
 * Returned once the accept queue is full (its /proc/net/tcp LISTEN row shows
 * rx_queue = backlog + 1) and TcpExt ListenOverflows has grown since the client
 * started. Every dropped SYN, and each retransmission of it, counts in both
 * ListenOverflows and ListenDrops (net/ipv4/tcp_input.c tcp_conn_request).
 * /proc on 6.18: server S hrtimer_nanosleep; client S hrtimer_nanosleep
 * (clock_nanosleep TIMER_ABSTIME between connects); the LISTEN row reads
 * `0100007F:<port> 00000000:0000 0A 00000000:00000002 …` with backlog 1.
 * pid = server; related: server, client, port.
 */
export function spawnListenOverflow(
  opts: { backlog?: number; connectsPerSec?: number; keepMs?: number } & LabOptions = {},
): Promise<ListenOverflow> {
  const backlog = opts.backlog ?? 1;
  return scenario('spawnListenOverflow', opts, async (sc) => {
    const server = await launchC(sc, opts, 'noaccept', [backlog]);
    const port = Number((await readyLine(sc, server, /^ready port=(?<port>\d+)$/)).port);
    const before = tcpExt().ListenOverflows ?? 0;
    const client = await launchC(sc, opts, 'tcpclient', ['flood', port, opts.connectsPerSec ?? 20, opts.keepMs ?? 3000]);
    await sc.line(client, /^ready$/);
    await sc.state(`the accept queue of port ${port} full and overflowing`, () => {
      const row = listenRow(port);
      if (!row) return `no LISTEN row for 127.0.0.1:${port}`;
      if (row.rxQueue < backlog + 1) return `accept queue ${row.rxQueue}, backlog ${backlog}`;
      const overflows = (tcpExt().ListenOverflows ?? 0) - before;
      if (overflows < 1) return 'ListenOverflows has not grown yet';
      return firstMismatch(
        mismatch(server.pid, [server.pid], idleSleep('noaccept')),
        mismatch(client.pid, [client.pid], { state: 'SR' }),
      );
    });
    const related = { server: server.pid, client: client.pid, port };
    return sc.handle({ pid: server.pid, waitingTids: [server.pid], related, port, backlog, server: server.pid, client: client.pid });
  });
}

export interface ThreadPerConnection extends Spawned {
  port: number;
  /** The connection threads, each in read() on its own socket (also waitingTids). */
  connections: number[];
  /** The main thread, in accept(). */
  acceptor: number;
  client: number;
}

/**
 * A thread-per-connection server (test/support/c/tpc.c) with `connections`
 * threads each blocked in read() on its own accepted connection, its main
 * thread blocked in accept(); and a client process (tcpclient hold) holding
 * those connections open: idle, or with `clientEveryMs` sending one byte on
 * each every that many ms (each byte wakes its server thread: voluntary
 * context switches per thread, read() returning 1).
 * /proc on 6.18: each connection thread S, wchan wait_woken, syscall `0 <fd> … 0x1000`,
 * stack wait_woken ← sk_wait_data ← tcp_recvmsg_locked ← tcp_recvmsg ← sock_recvmsg;
 * main S inet_csk_accept; client S hrtimer_nanosleep. All threads share one fd
 * table: /proc/<pid>/task/<tid>/fd lists the same fds for every thread.
 * pid = server; related: server, client, port.
 */
export function spawnThreadPerConnection(
  connections = 8,
  opts: { clientEveryMs?: number } & LabOptions = {},
): Promise<ThreadPerConnection> {
  return scenario('spawnThreadPerConnection', opts, async (sc) => {
    positiveInt(sc.label, 'connections', connections);
    const server = await launchC(sc, opts, 'tpc', [connections]);
    const port = Number((await readyLine(sc, server, /^listening port=(?<port>\d+)$/)).port);
    const client = await launchC(sc, opts, 'tcpclient', ['hold', port, connections, opts.clientEveryMs ?? 0]);
    const ready = await readyLine(sc, server, /^ready main=(?<main>\d+) tids=(?<tids>[\d,]+)$/);
    const tids = list(ready.tids);
    await sc.line(client, /^ready fds=\d+$/);
    await sc.state(`${connections} threads in read() on their connections`, () =>
      firstMismatch(
        mismatch(server.pid, tids, { state: 'S', wchan: LAB_WCHAN.tcpRead, also: (v) => syscallNr(v) === NR.read }),
        mismatch(server.pid, [server.pid], { state: 'S', wchan: LAB_WCHAN.accept }),
        mismatch(client.pid, [client.pid], idleSleep('tcpclient')),
      ),
    );
    return sc.handle({
      pid: server.pid,
      waitingTids: tids,
      related: { server: server.pid, client: client.pid, port },
      port,
      connections: tids,
      acceptor: server.pid,
      client: client.pid,
    });
  });
}

// ---------------------------------------------------------------------------
// poll and select over many fds

export interface Pollers extends Spawned {
  /** The thread in poll() over nfds eventfds. */
  pollTid: number;
  /** The thread in select() over the fds below 1024. */
  selectTid: number;
  nfds: number;
  /** select's first argument (highest fd + 1, at most 1024). */
  selectNfds: number;
}

/**
 * One thread in poll() over `nfds` eventfds and one in select() over those
 * below FD_SETSIZE (test/support/c/pollers.c; threads named "poller" and
 * "selector"). callTimeoutMs -1 (default): both block; >= 0: both call again each
 * time the call times out (0: a busy loop of syscalls, 1: about 1000 calls/s each).
 * /proc on 6.18 (blocking): poller S, wchan poll_schedule_timeout.constprop.0,
 * syscall `7 <ufds> <nfds, hex> 0xffffffff …` (nfds is the 2nd argument);
 * selector S, same wchan, syscall `270 <nfds, hex> <readfds> 0x0 0x0 0x0 0x0 …`: glibc 2.36's
 * select() is the pselect6 syscall (23, select, on other libcs), nfds the 1st
 * argument; main S hrtimer_nanosleep.
 * Looping: ready once each thread has been seen in its syscall with those nfds,
 * or has made 20 voluntary switches or run 20 ms (under CPU contention, or with
 * timeout 0, a looping thread can be R, syscall `running`, at every look).
 */
export function spawnPollers(opts: { nfds?: number; callTimeoutMs?: number } & LabOptions = {}): Promise<Pollers> {
  const nfds = opts.nfds ?? 1000;
  const callTimeoutMs = opts.callTimeoutMs ?? -1;
  return scenario('spawnPollers', opts, async (sc) => {
    positiveInt(sc.label, 'nfds', nfds);
    const proc = await launchC(sc, opts, 'pollers', [nfds, callTimeoutMs]);
    const ready = await readyLine(
      sc,
      proc,
      /^ready main=(?<main>\d+) poll=(?<poll>\d+) select=(?<select>\d+) nfds=\d+ selectnfds=(?<selectnfds>\d+)$/,
    );
    const pollTid = Number(ready.poll);
    const selectTid = Number(ready.select);
    const selectNfds = Number(ready.selectnfds);
    const blocking = callTimeoutMs < 0;
    const inCall = (nrs: readonly number[], arg: number, value: number): Want => ({
      state: blocking ? 'S' : 'SR',
      ...(blocking ? { wchan: LAB_WCHAN.select } : {}),
      also: (v) => nrs.includes(syscallNr(v)) && syscallArg(v, arg) === BigInt(value),
    });
    const seen = new Set<number>();
    // Looping under CPU contention (or with timeout 0) a thread may be R, syscall `running`,
    // at every look; it does nothing but call, so 20 voluntary switches (timed-out calls)
    // or 20 ms on the CPU also prove it loops in its call.
    const looping = (tid: number) => {
      if (blocking) return false;
      const task = `/proc/${proc.pid}/task/${tid}`;
      const onCpuNs = Number(readFileSync(`${task}/schedstat`, 'utf8').split(' ')[0]);
      return (keyValues(`${task}/status`).voluntary_ctxt_switches ?? 0) >= 20 || onCpuNs >= 20e6;
    };
    await sc.state(`a thread in poll(nfds=${nfds}) and one in select(nfds=${selectNfds})`, () => {
      if (mismatch(proc.pid, [pollTid], inCall([NR.poll], 1, nfds)) === null || looping(pollTid)) seen.add(pollTid);
      if (mismatch(proc.pid, [selectTid], inCall([LAB_NR.select, LAB_NR.pselect6], 0, selectNfds)) === null || looping(selectTid)) {
        seen.add(selectTid);
      }
      if (seen.size === 2) return null;
      const view = [pollTid, selectTid].map((t) => readTask(proc.pid, t)).filter((v): v is TaskView => v !== null);
      return `not yet seen in their calls: ${listed(view)}`;
    });
    return sc.handle({
      pid: proc.pid,
      waitingTids: [pollTid, selectTid],
      related: { poll: pollTid, select: selectTid },
      pollTid,
      selectTid,
      nfds,
      selectNfds,
    });
  });
}

// ---------------------------------------------------------------------------
// Durability

export interface DiskOptions extends LabOptions {
  /** Write in a fresh directory inside this one (e.g. a journaled ext4 mount) instead of a temp dir. */
  within?: string;
}

export interface DiskWriter extends Spawned {
  /** The temporary directory (disk-backed) and the file written; removed on stop. */
  dir: string;
  file: string;
  /** The filesystem of dir (ext4 on the test machines). */
  filesystem: string;
}

/** Ready once /proc/<pid>/io shows at least n write syscalls. */
function writesSeen(pid: number, n: number): string | null {
  const syscw = keyValues(`/proc/${pid}/io`).syscw ?? 0;
  return syscw >= n ? null : `syscw ${syscw} < ${n}`;
}

/**
 * A write-ahead-log writer (test/support/c/fsyncer.c): appends 4 KiB with
 * write() then fdatasync(), in a loop, to a file in a disk-backed temp dir
 * (truncated back to 0 at wrapMiB, default 64). Ready after 3 writes.
 * /proc on 6.18 (ext4): mostly D in fdatasync, syscall `75 <fd> …`; see
 * /work/lab-notes.md for the distribution of (state, wchan) over time.
 */
export function spawnFsyncWriter(opts: { wrapMiB?: number } & DiskOptions = {}): Promise<DiskWriter> {
  return scenario('spawnFsyncWriter', opts, async (sc) => {
    const { dir, filesystem } = diskTempDir(sc, opts.within);
    const file = join(dir, 'wal');
    const writer = await launchC(sc, opts, 'fsyncer', [file, opts.wrapMiB ?? 64]);
    await sc.line(writer, /^ready$/);
    await sc.state('fsyncer writing', () => writesSeen(writer.pid, 3));
    return sc.handle({ pid: writer.pid, waitingTids: [writer.pid], related: {}, dir, file, filesystem });
  });
}

/**
 * `dd if=/dev/zero of=<dir>/dd.out bs=4k count=<count> oflag=direct,dsync`
 * in a disk-backed temp dir (count default 250000: 1 GiB at most; it ends by
 * itself when done). Every write is an O_DIRECT write followed by the O_DSYNC
 * flush. Ready after 3 writes.
 */
export function spawnDirectDsyncDd(opts: { count?: number; blockSize?: string } & DiskOptions = {}): Promise<DiskWriter> {
  return scenario('spawnDirectDsyncDd', opts, async (sc) => {
    const { dir, filesystem } = diskTempDir(sc, opts.within);
    const file = join(dir, 'dd.out');
    const args = ['if=/dev/zero', `of=${file}`, `bs=${opts.blockSize ?? '4k'}`, `count=${opts.count ?? 250_000}`, 'oflag=direct,dsync'];
    const dd = await launchIn(sc, opts, 'dd', args, false);
    await sc.state('dd writing', () => (readlinkSafe(`/proc/${dd.pid}/exe`).endsWith('/dd') ? writesSeen(dd.pid, 3) : 'not dd yet'));
    return sc.handle({ pid: dd.pid, waitingTids: [dd.pid], related: {}, dir, file, filesystem });
  });
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------
// CPU and memory

export interface CgroupScenario extends Spawned {
  /** The cgroup the scenario made and its process runs in (removed on stop), or null. */
  cgroup: CgroupV1 | null;
}

/**
 * `threads` threads (default 1) in a busy loop (test/support/c/hog.c cpu N): R, wchan 0, syscall `running`.
 * With `cpuQuota` the scenario first makes a cgroup v1 cpu cgroup with
 * cpu.cfs_quota_us/cpu.cfs_period_us (default 10000/100000: 10 % of a CPU),
 * runs the hog in it and is ready once its cpu.stat counts a throttled period;
 * the cgroup is removed on stop. Without it, ready once utime has grown.
 */
export function spawnCpuHog(opts: { cpuQuota?: boolean | { quotaUs?: number; periodUs?: number }; threads?: number } & LabOptions = {}): Promise<CgroupScenario> {
  return scenario('spawnCpuHog', opts, async (sc) => {
    const quota = opts.cpuQuota === true ? {} : opts.cpuQuota || null;
    const cgroup = quota ? ownCgroup(sc, () => cpuQuotaCgroup(quota)) : null;
    const hog = await launchC(sc, { ...opts, cgroups: [...(opts.cgroups ?? []), ...(cgroup ? [cgroup] : [])] }, 'hog', ['cpu', opts.threads ?? 1]);
    await sc.line(hog, /^ready$/);
    const utime0 = statField(hog.pid, 14);
    await sc.state(cgroup ? 'the hog throttled by its quota' : 'the hog on a CPU', () => {
      if (cgroup) {
        const throttled = keyValues(join(cgroup.dir, 'cpu.stat')).nr_throttled ?? 0;
        return throttled >= 1 ? null : `nr_throttled ${throttled}`;
      }
      return statField(hog.pid, 14) > utime0 ? null : 'utime has not grown';
    });
    return sc.handle({ pid: hog.pid, waitingTids: [hog.pid], related: {}, cgroup });
  });
}

/**
 * A process thrashing against its cgroup's memory limit without being killed
 * (there is no swap): test/support/c/hog.c file, in a cgroup v1 memory cgroup
 * the scenario makes (memory.limit_in_bytes = limitBytes, default 32 MiB),
 * maps a fileMiB file (default 64) from a disk-backed temp dir and reads every
 * page again and again, so each touch is a major fault re-reading the page
 * evicted by the cgroup's reclaim. Ready after the first pass, once
 * memory.failcnt > 0 (readiness timeout 15 s by default: it writes the file
 * first). The cgroup and the file are removed on stop.
 */
export function spawnMemoryThrasher(opts: { limitBytes?: number; fileMiB?: number } & LabOptions = {}): Promise<CgroupScenario & { file: string }> {
  return scenario('spawnMemoryThrasher', slow(opts), async (sc) => {
    const { dir } = diskTempDir(sc);
    const file = join(dir, 'thrash.bin');
    const cgroup = ownCgroup(sc, () => memoryLimitCgroup(opts.limitBytes === undefined ? {} : { limitBytes: opts.limitBytes }));
    const hog = await launchC(sc, { ...opts, cgroups: [...(opts.cgroups ?? []), cgroup] }, 'hog', ['file', file, opts.fileMiB ?? 64]);
    await sc.line(hog, /^ready pass=1$/);
    await sc.state('the thrasher over its memory limit', () => {
      const failcnt = Number(cgroup.read('memory.failcnt'));
      return failcnt > 0 ? null : `memory.failcnt ${failcnt}`;
    });
    return sc.handle({ pid: hog.pid, waitingTids: [hog.pid], related: {}, cgroup, file });
  });
}

// ---------------------------------------------------------------------------
// Runtimes: Java and Python, convoys against idle pools

export interface ThreadPool extends Spawned {
  /** The lock holder's tid (convoys), or the main thread's (pools). */
  holder: number;
  runtime: 'java' | 'python';
}

const JAVA_DIR = fileURLToPath(new URL('./java/', import.meta.url));
const futexWaiter: Want = { state: 'S', wchan: WCHAN.futex, also: (v) => syscallNr(v) === NR.futex };

async function javaPool(sc: Scenario, opts: LabOptions, main: 'LockConvoy' | 'ParkedPool', threads: number): Promise<ThreadPool> {
  positiveInt(sc.label, 'threads', threads);
  const classes = await javaClasses('lab-java', [join(JAVA_DIR, 'LockConvoy.java'), join(JAVA_DIR, 'ParkedPool.java')]);
  const jvm = await launchIn(sc, opts, 'java', ['-Xmx64m', '-cp', classes, main, String(threads)]);
  const ready = await readyLine(sc, jvm, /^ready (?:holder|main)=(?<holder>\d+) tids=(?<tids>[\d,]+)$/);
  const tids = list(ready.tids);
  const holder = Number(ready.holder);
  await sc.state(`${threads} Java threads parked in futex waits`, () =>
    firstMismatch(mismatch(jvm.pid, tids, futexWaiter), mismatch(jvm.pid, [holder], futexWaiter)),
  );
  return sc.handle({ pid: jvm.pid, waitingTids: tids, related: { holder }, holder, runtime: 'java' as const });
}

/**
 * A JVM (test/support/java/LockConvoy.java, compiled with javac at test time)
 * whose `threads` threads "convoy-0"… are BLOCKED entering one synchronized
 * monitor held by the thread "holder", which sleeps. HotSpot parks each blocked
 * thread on its own ParkEvent: /proc on 6.18 shows every convoy thread S,
 * wchan futex_do_wait, syscall 202 on a DISTINCT address, op 0x189
 * (FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, untimed) except the one
 * "responsible" thread, op 0x89 with a timeout (it re-checks the monitor);
 * the holder (Thread.sleep) op 0x89, timed. comm = the Java thread name (15 chars).
 * pid = the JVM; related.holder = the holder's tid.
 */
export function spawnJavaLockConvoy(threads = 8, opts: LabOptions = {}): Promise<ThreadPool> {
  return scenario('spawnJavaLockConvoy', slow(opts), (sc) => javaPool(sc, opts, 'LockConvoy', threads));
}

/**
 * A JVM (test/support/java/ParkedPool.java) with an idle fixed ExecutorService
 * of `threads` workers "pool-worker-0"…, each parked in LinkedBlockingQueue.take().
 * /proc on 6.18: each worker S futex_do_wait, syscall 202 on a DISTINCT address
 * (its own Parker), op 0x189: from /proc, the same as spawnJavaLockConvoy's
 * convoy. holder = the main thread's tid (it sleeps).
 */
export function spawnJavaParkedPool(threads = 8, opts: LabOptions = {}): Promise<ThreadPool> {
  return scenario('spawnJavaParkedPool', slow(opts), (sc) => javaPool(sc, opts, 'ParkedPool', threads));
}

const POOL_PY = fileURLToPath(new URL('./py/pool.py', import.meta.url));

/** Debian's python3 when there, so that a pyenv shim (a shell script) is not what runs. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

async function pythonPool(sc: Scenario, opts: LabOptions, args: readonly string[], want: Want) {
  const py = await launchIn(sc, opts, python(), [POOL_PY, ...args]);
  const ready = await readyLine(sc, py, /^ready main=(?<main>\d+) holder=(?<holder>\d+) tids=(?<tids>[\d,]+)$/);
  const tids = list(ready.tids);
  const main = Number(ready.main);
  const holder = Number(ready.holder) || main;
  await sc.state(`${tids.length} Python threads waiting`, () =>
    firstMismatch(mismatch(py.pid, tids, want), mismatch(py.pid, [holder], { state: 'S', wchan: WCHAN.nanosleep })),
  );
  return { pid: py.pid, tids, holder };
}

/**
 * CPython (test/support/py/pool.py convoy): `threads` threads blocked in
 * threading.Lock.acquire() on ONE lock held by a thread that sleeps.
 * /proc on 6.18 (CPython 3.11): every waiter S futex_do_wait, syscall 202 on
 * the SAME address (the lock's semaphore), op 0x189; holder and main S
 * hrtimer_nanosleep (time.sleep: clock_nanosleep). comm is python3 for all.
 */
export function spawnPythonLockConvoy(threads = 8, opts: LabOptions = {}): Promise<ThreadPool> {
  return scenario('spawnPythonLockConvoy', opts, async (sc) => {
    positiveInt(sc.label, 'threads', threads);
    const p = await pythonPool(sc, opts, ['convoy', String(threads)], futexWaiter);
    return sc.handle({ pid: p.pid, waitingTids: p.tids, related: { holder: p.holder }, holder: p.holder, runtime: 'python' as const });
  });
}

/**
 * CPython (pool.py idle): a ThreadPoolExecutor of `threads` idle workers in
 * queue.get(). /proc on 6.18: every worker S futex_do_wait on the SAME address
 * (the queue's lock), op 0x189, exactly like spawnPythonLockConvoy's waiters;
 * main S hrtimer_nanosleep. holder = the main thread.
 */
export function spawnPythonIdlePool(threads = 8, opts: LabOptions = {}): Promise<ThreadPool> {
  return scenario('spawnPythonIdlePool', opts, async (sc) => {
    positiveInt(sc.label, 'threads', threads);
    const p = await pythonPool(sc, opts, ['idle', String(threads)], futexWaiter);
    return sc.handle({ pid: p.pid, waitingTids: p.tids, related: { holder: p.holder }, holder: p.holder, runtime: 'python' as const });
  });
}

export interface ChildPool extends Spawned {
  /** The children running when the scenario was ready (each worker restarts its child when it exits). */
  children: number[];
}

/**
 * Seed 000: a CPython process with `workers` threads, each running
 * subprocess.run(child) in a loop (default child `sleep 60`).
 * /proc on 6.18: each worker S, wchan do_wait, syscall `61 <child pid, hex> <status ptr> 0x0 0x0`
 * (wait4 on its own child); each child `sleep` S hrtimer_nanosleep with the
 * Python process as ppid; main S hrtimer_nanosleep. All threads share one fd table.
 * related: child0… in pid order.
 */
export function spawnPythonChildPool(workers = 32, opts: { child?: readonly string[] } & LabOptions = {}): Promise<ChildPool> {
  return scenario('spawnPythonChildPool', opts, async (sc) => {
    positiveInt(sc.label, 'workers', workers);
    const child = opts.child ?? ['sleep', '60'];
    const p = await pythonPool(sc, opts, ['children', String(workers), ...child], {
      state: 'S',
      wchan: WCHAN.wait4,
      also: (v) => syscallNr(v) === LAB_NR.wait4,
    });
    const childComm = child[0]?.split('/').pop() ?? '';
    const children = await sc.until(`${workers} ${childComm} children`, () => {
      const kids = childrenOf(p.pid).filter((k) => k.comm === childComm && k.state === 'S');
      return kids.length === workers ? { ok: true, ready: kids.map((k) => k.tid) } : { ok: false, seen: `${kids.length} children: ${listed(kids)}` };
    });
    const related = Object.fromEntries(children.map((pid, i) => [`child${i}`, pid]));
    return sc.handle({ pid: p.pid, waitingTids: p.tids, related, children });
  });
}

/** The fd numbers of a process's table, as /proc/<pid>/task/<tid>/fd lists them (for CLONE_FILES checks). */
export function fdsOf(pid: number, tid: number = pid): string[] {
  return readdirSync(`/proc/${pid}/task/${tid}/fd`).sort((a, b) => Number(a) - Number(b));
}
