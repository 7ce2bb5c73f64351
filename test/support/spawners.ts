/**
 * Real processes in known wait states, for live tests and fixture capture.
 *
 * Every scenario starts real processes, then polls /proc (every 10 ms) until
 * /proc/<pid>/task/<tid>/{stat,wchan,syscall} show the promised state, and only
 * then returns a handle. If the state is not reached in time, it stops what it
 * started and throws an error that says what /proc showed last.
 *
 * How nothing leaks: each scenario root runs under test/support/c/guard.c, a
 * child subreaper that puts the root in its own process group, reaps every
 * orphan at once (PID 1 on the test machines reaps only every ~2 s), SIGKILLs
 * the group when the test process dies (PR_SET_PDEATHSIG, so even a SIGKILLed
 * vitest worker leaks nothing), and exits when no child is left. `stop()`
 * SIGKILLs the group and resolves when the guard has exited, i.e. when every
 * process of the scenario is dead and reaped. `stopAll()` stops every live
 * handle, and a process 'exit' hook SIGKILLs whatever is still running.
 * So the parent of every scenario root is a `guard` process, which waits in
 * rt_sigtimedwait (wchan do_sigtimedwait.isra.0), not in wait4.
 *
 * The C helpers are compiled on demand with `gcc -O1 -pthread` into
 * <os.tmpdir()>/proctriage-spawners, keyed by a hash of source and flags.
 *
 * What /proc shows is documented at each scenario, as seen on Linux 6.18 x86_64
 * with glibc 2.36, dash and node 20; the accepted wchan symbols also cover
 * older kernels.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Spawned {
  /** The process to diagnose. */
  pid: number;
  /** Tids expected to be in the wait (e.g. the 4 futex waiters), when meaningful. */
  waitingTids: number[];
  /** Other pids involved (children, peer processes); a few scenarios add a port. */
  related: Record<string, number>;
  /** Kill everything it started (SIGKILL), reap it; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** How long to wait for /proc to show the state (default 5000 ms). */
  timeoutMs?: number;
}

export interface WaitpidParent extends Spawned {
  /** The children the parent waits for, in pid order (also related.child0…). */
  children: number[];
}

export interface FutexQueue extends Spawned {
  /** The futex word every waiter waits on, as the first argument in /proc/<tid>/syscall shows it. */
  futexAddr: bigint;
}

export interface ShortLived extends Spawned {
  /** Resolves once the process has exited and been reaped. */
  exited: Promise<void>;
}

export type HolderState = 'sleeping' | 'spinning';
export type ParkKind = 'futex' | 'nanosleep' | 'poll' | 'pipe' | 'epoll';

const DEFAULT_TIMEOUT_MS = 5000;
const POLL_MS = 10;
const STOP_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------
// Reading /proc (plain fs, on purpose: no project module)

/** Wchan symbols per wait; alternatives cover older kernels. */
export const WCHAN = {
  nanosleep: /^(hrtimer_nanosleep|do_nanosleep)$/,
  wait4: /^do_wait$/,
  epoll: /^(do_epoll_wait|ep_poll)$/,
  futex: /^(futex_do_wait|futex_wait_queue|futex_wait_queue_me|futex_wait)$/,
  pipe: /^(anon_pipe_read|pipe_read|pipe_wait|pipe_wait_readable)$/,
  unixRead: /^(unix_stream_read_generic|unix_stream_data_wait)$/,
  poll: /^(poll_schedule_timeout|do_poll|do_sys_poll)(\.[a-z0-9.]+)?$/,
  stopped: /^do_signal_stop$/,
} as const;

/** x86_64 syscall numbers, for the syscall checks below. */
export const NR = { read: 0, poll: 7, wait4: 61, futex: 202, epollWait: 232, epollPwait: 281 } as const;

export interface TaskView {
  tid: number;
  comm: string;
  state: string;
  ppid: number;
  wchan: string;
  /** Raw /proc/<pid>/task/<tid>/syscall, trimmed. */
  syscall: string;
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** A /proc file's text; `<EPERM>` and the like when it exists but may not be read (e.g. /proc/1/syscall). */
function readProcText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'EPERM' || code === 'EACCES') return `<${code}>`;
    throw err;
  }
}

/** comm, state and ppid from stat; null when the task no longer exists. */
export function readStat(pid: number, tid: number): Pick<TaskView, 'tid' | 'comm' | 'state' | 'ppid'> | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state = '?', ppid = '0'] = stat.slice(close + 2).split(' ');
    return { tid, comm: stat.slice(stat.indexOf('(') + 1, close), state, ppid: Number(ppid) };
  } catch (err) {
    if (isGone(err)) return null;
    throw err;
  }
}

/** null when the task no longer exists. */
export function readTask(pid: number, tid: number): TaskView | null {
  const dir = `/proc/${pid}/task/${tid}`;
  try {
    const stat = readStat(pid, tid);
    return stat && { ...stat, wchan: readProcText(`${dir}/wchan`), syscall: readProcText(`${dir}/syscall`) };
  } catch (err) {
    if (isGone(err)) return null;
    throw err;
  }
}

export function syscallNr(view: TaskView): number {
  return Number(view.syscall.split(' ')[0]);
}

export function syscallArg(view: TaskView, index: number): bigint | null {
  const token = view.syscall.split(' ')[index + 1];
  return token?.startsWith('0x') ? BigInt(token) : null;
}

function describe(view: TaskView): string {
  const call = view.syscall.split(' ').slice(0, 4).join(' ');
  return `tid ${view.tid} (${view.comm}) ${view.state} wchan=${view.wchan} syscall=${call}`;
}

/** The tasks described, for "last seen" messages. */
export function listed(views: readonly TaskView[]): string {
  return views.map(describe).join('; ') || 'none';
}

function processes(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

export function childrenOf(pid: number): TaskView[] {
  const kids: TaskView[] = [];
  for (const candidate of processes()) {
    if (readStat(candidate, candidate)?.ppid !== pid) continue;
    const view = readTask(candidate, candidate);
    if (view) kids.push(view);
  }
  return kids.sort((a, b) => a.tid - b.tid);
}

export function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch (err) {
    if (isGone(err)) return [];
    throw err;
  }
}

export interface Want {
  /** The state letter wanted; several letters ('RS') accept any of them. */
  state: string;
  wchan?: RegExp;
  comm?: string;
  /** Extra check on the task; returns false when it does not hold. */
  also?: (view: TaskView) => boolean;
}

/** null when every tid of pid matches want; else what was seen instead. */
export function mismatch(pid: number, tids: readonly number[], want: Want): string | null {
  const wrong: string[] = [];
  for (const tid of tids) {
    const view = readTask(pid, tid);
    if (!view) wrong.push(`tid ${tid} gone`);
    else if (
      !want.state.includes(view.state) ||
      (want.wchan && !want.wchan.test(view.wchan)) ||
      (want.comm !== undefined && view.comm !== want.comm) ||
      (want.also && !want.also(view))
    ) {
      wrong.push(describe(view));
    }
  }
  if (wrong.length === 0) return null;
  const shown = wrong.slice(0, 6).join('; ') + (wrong.length > 6 ? `; … ${wrong.length - 6} more` : '');
  return `wanted ${want.comm ?? 'task'} ${want.state}${want.wchan ? ` wchan ${want.wchan.source}` : ''}; saw ${shown}`;
}

/** The first mismatch among several checks, or null. */
export function firstMismatch(...results: (string | null)[]): string | null {
  return results.find((r) => r !== null) ?? null;
}

export const sleeping = (comm: string): Want => ({ state: 'S', wchan: WCHAN.nanosleep, comm });

// ---------------------------------------------------------------------------
// Compiling the C helpers

/** A C helper: the name of test/support/c/<name>.c (also the binary's name, so its comm). */
type CProgram = string;

const GCC_FLAGS = ['-O1', '-pthread', '-Wall'];
const CACHE_DIR = join(tmpdir(), 'proctriage-spawners');
const C_DIR = fileURLToPath(new URL('./c/', import.meta.url));
const builds = new Map<string, Promise<string>>();

function sourceOf(name: CProgram): string {
  return join(C_DIR, `${name}.c`);
}

function toolFailure(tool: string, pkg: string, source: string, err: unknown): Error {
  const e = err as (NodeJS.ErrnoException & { stderr?: string }) | null;
  if (e?.code === 'ENOENT') {
    return new Error(`spawners: ${tool} is not installed, and ${source} needs it (apt-get install ${pkg})`);
  }
  return new Error(`spawners: ${tool} failed on ${source}:\n${e?.stderr ?? String(err)}`);
}

function run(tool: string, args: readonly string[], pkg: string, source: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(tool, args, (err, _stdout, stderr) => {
      if (err) reject(toolFailure(tool, pkg, source, Object.assign(err, { stderr })));
      else resolve();
    });
  });
}

/**
 * Builds once per content: <cache>/<hash of inputs>/<name> (a file or a directory),
 * made by build(partialPath) and renamed into place, so that parallel test
 * workers building the same thing never see half of it. Memoized per process.
 */
export function cachedBuild(name: string, inputs: readonly (string | Buffer)[], build: (out: string) => Promise<void>): Promise<string> {
  const hasher = createHash('sha256');
  for (const input of inputs) hasher.update(input).update('\0');
  const dir = join(CACHE_DIR, hasher.digest('hex').slice(0, 16));
  const target = join(dir, name);
  let pending = builds.get(target);
  if (!pending) {
    pending = (async () => {
      if (existsSync(target)) return target;
      mkdirSync(dir, { recursive: true });
      const partial = join(dir, `${name}.${process.pid}.tmp`);
      rmSync(partial, { recursive: true, force: true });
      await build(partial);
      try {
        renameSync(partial, target); // atomic
      } catch (err) {
        // another worker renamed its copy of a directory first: use that one
        rmSync(partial, { recursive: true, force: true });
        if (!existsSync(target)) throw err;
      }
      return target;
    })();
    builds.set(target, pending);
    pending.catch(() => builds.delete(target));
  }
  return pending;
}

/** The C helper test/support/c/<name>.c, compiled (gcc -O1 -pthread); the local headers it includes count in the hash. */
export function program(name: CProgram): Promise<string> {
  const source = sourceOf(name);
  const text = readFileSync(source, 'utf8');
  const headers = [...text.matchAll(/^#include "([\w.-]+)"/gm)].map((m) => readFileSync(join(C_DIR, m[1] ?? '')));
  // <cache>/<hash>/<name>, so that the process's comm is the plain program name
  return cachedBuild(name, [GCC_FLAGS.join(' '), text, ...headers], (out) =>
    run('gcc', [...GCC_FLAGS, '-o', out, source], 'gcc', source),
  );
}

/** Java sources compiled with javac into one class directory, cached like the C helpers. */
export function javaClasses(name: string, sources: readonly string[]): Promise<string> {
  return cachedBuild(name, ['javac', ...sources, ...sources.map((s) => readFileSync(s))], async (out) => {
    mkdirSync(out, { recursive: true });
    await run('javac', ['-d', out, ...sources], 'openjdk-17-jdk-headless', sources.join(' '));
  });
}

// ---------------------------------------------------------------------------
// Launching under the guard

interface Launch {
  /** The scenario root; also its process group id. */
  pid: number;
  guard: ChildProcess;
  exited: boolean;
  /** Resolves when the guard has exited: every process of the scenario is reaped. */
  gone: Promise<void>;
  /** Complete lines the root wrote on stdout so far. */
  lines: string[];
  stderr(): string;
}

interface Registry {
  launches: Set<Launch>;
  handles: Set<Spawned>;
}

/** Shared by every copy of this module in the process (vitest may load it once per test file). */
function registry(): Registry {
  const holder = globalThis as { __proctriageSpawners?: Registry };
  if (!holder.__proctriageSpawners) {
    const created: Registry = { launches: new Set(), handles: new Set() };
    holder.__proctriageSpawners = created;
    process.on('exit', () => {
      for (const launch of created.launches) {
        try {
          killGroup(launch);
        } catch {
          // exiting anyway; the guard kills the group when it sees us die
        }
      }
    });
  }
  return holder.__proctriageSpawners;
}

function killGroup(launch: Launch): void {
  if (launch.exited) return; // the group is gone, and its id may belong to someone else by now
  try {
    process.kill(-launch.pid, 'SIGKILL');
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // vitest's loaders and coverage are not for the processes under test
  delete env.NODE_V8_COVERAGE;
  return env;
}

function collect(stream: NodeJS.ReadableStream | null | undefined, onText: (text: string) => void): void {
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => onText(chunk));
}

async function launch(
  command: string,
  args: readonly string[],
  opts: { stdout?: boolean; stdinPipe?: boolean } = {},
): Promise<Launch> {
  const guardBinary = await program('guard');
  const guardArgs = [...(opts.stdinPipe ? ['-p'] : []), String(process.pid), command, ...args];
  const guard = spawn(guardBinary, guardArgs, {
    stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: childEnv(),
  });
  let stderr = '';
  let partialLine = '';
  let control = '';
  const lines: string[] = [];
  collect(guard.stderr, (text) => {
    stderr = (stderr + text).slice(-8192);
  });
  collect(guard.stdout, (text) => {
    const parts = (partialLine + text).split('\n');
    partialLine = parts.pop() ?? '';
    lines.push(...parts);
  });
  const gone = new Promise<void>((resolve) => {
    guard.once('exit', () => resolve());
    guard.once('error', () => resolve());
  });
  // The guard writes the root's pid on fd 3 and closes it; the root closes its copy before exec.
  const pid = await new Promise<number>((resolve, reject) => {
    const fail = (why: string) =>
      reject(new Error(`spawners: could not start ${command} under the guard: ${why}${stderr ? `\n${stderr}` : ''}`));
    guard.once('error', (err) => fail(err.message));
    const controlStream = guard.stdio[3] as NodeJS.ReadableStream | null;
    collect(controlStream, (text) => {
      control += text;
      const match = /^(\d+)\n/.exec(control);
      if (match?.[1]) resolve(Number(match[1]));
    });
    controlStream?.once('end', () => fail(`the guard reported no pid (exit code ${guard.exitCode}, signal ${guard.signalCode})`));
  });
  const launched: Launch = { pid, guard, exited: false, gone, lines, stderr: () => stderr };
  void gone.then(() => {
    launched.exited = true;
    registry().launches.delete(launched);
  });
  registry().launches.add(launched);
  return launched;
}

/** Stops the launches; resolves when all are reaped, throws if a guard had to be killed. */
async function stopLaunches(launches: readonly Launch[]): Promise<void> {
  const stuck: number[] = [];
  await Promise.all(
    launches.map(async (l) => {
      l.guard.ref(); // a script awaiting stop() must not end before the exit event
      killGroup(l);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        l.gone.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        stuck.push(l.pid);
        l.guard.kill('SIGKILL');
        await l.gone;
      }
    }),
  );
  if (stuck.length > 0) {
    throw new Error(`spawners: scenario root(s) ${stuck.join(', ')} did not end within ${STOP_TIMEOUT_MS} ms of SIGKILL to their group`);
  }
}

// ---------------------------------------------------------------------------
// A scenario: launches, a readiness poll, and the handle

export type Probe<T> = { ok: true; ready: T } | { ok: false; seen: string };

export class Scenario {
  readonly launches: Launch[] = [];
  private readonly cleanups: (() => void)[] = [];
  /** Set at the first poll, so that compiling the C helpers does not count. */
  private deadline: number | undefined;

  constructor(
    readonly label: string,
    private readonly opts: SpawnOptions | undefined,
  ) {}

  async launch(command: string, args: readonly string[], opts?: { stdout?: boolean; stdinPipe?: boolean }): Promise<Launch> {
    const launched = await launch(command, args, opts);
    this.launches.push(launched);
    return launched;
  }

  onStop(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Polls probe every 10 ms until it is ready; throws with what was seen last. */
  async until<T>(what: string, probe: () => Probe<T>): Promise<T> {
    let seen = 'nothing yet';
    this.deadline ??= Date.now() + (this.opts?.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    for (;;) {
      const died = this.launches.find((l) => l.exited);
      if (died) {
        const how = `code ${died.guard.exitCode}, signal ${died.guard.signalCode}`;
        throw new Error(`${this.label}: pid ${died.pid} exited (guard ${how}) before ${what}; last seen: ${seen}${this.stderrs()}`);
      }
      const result = probe();
      if (result.ok) return result.ready;
      seen = result.seen;
      if (Date.now() >= this.deadline) {
        throw new Error(`${this.label}: timed out waiting for ${what}; last seen: ${seen}${this.stderrs()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Waits for a stdout line of the launch matching re. */
  line(l: Launch, re: RegExp): Promise<RegExpExecArray> {
    return this.until(`a line matching ${re.source} from pid ${l.pid}`, () => {
      for (const text of l.lines) {
        const match = re.exec(text);
        if (match) return { ok: true, ready: match };
      }
      return { ok: false, seen: l.lines.length ? JSON.stringify(l.lines.slice(-3)) : 'no output' };
    });
  }

  /** Waits until mismatch() holds for nothing. */
  async state(what: string, check: () => string | null): Promise<void> {
    await this.until(what, () => {
      const seen = check();
      return seen === null ? { ok: true, ready: true } : { ok: false, seen };
    });
  }

  private stderrs(): string {
    const texts = this.launches.filter((l) => l.stderr().trim()).map((l) => `\nstderr of pid ${l.pid}: ${l.stderr().trim()}`);
    return texts.join('');
  }

  async stop(): Promise<void> {
    try {
      await stopLaunches(this.launches);
    } finally {
      for (const cleanup of this.cleanups) cleanup();
    }
  }

  handle<T extends Omit<Spawned, 'stop'>>(fields: T): T & Spawned {
    let stopping: Promise<void> | undefined;
    const handle: T & Spawned = {
      ...fields,
      stop: () => {
        stopping ??= this.stop().finally(() => registry().handles.delete(handle));
        return stopping;
      },
    };
    for (const l of this.launches) {
      l.guard.unref(); // a script that forgets stop() can end; the exit hook then kills the group
      for (const stream of l.guard.stdio) if (stream instanceof Socket) stream.unref();
    }
    registry().handles.add(handle);
    return handle;
  }
}

/** Runs a scenario body; on failure stops whatever it had started and rethrows. */
export async function scenario<T>(label: string, opts: SpawnOptions | undefined, body: (sc: Scenario) => Promise<T>): Promise<T> {
  const sc = new Scenario(label, opts);
  try {
    return await body(sc);
  } catch (err) {
    await sc.stop().catch(() => undefined);
    throw err;
  }
}

export function positiveInt(label: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${label}: ${name} must be a positive integer, got ${value}`);
}

// ---------------------------------------------------------------------------
// Scenarios

/**
 * A shell blocked in wait4 on its child(ren), which sleep in nanosleep.
 * One child: `sh -c 'sleep 1000; true'`; N: `sh -c 'sleep 1000 & … sleep 1000; true'`
 * (N-1 in the background, the last in the foreground). dash's `wait` builtin is
 * NOT used: it blocks in rt_sigsuspend (wchan sigsuspend.isra.0), not wait4.
 * /proc on 6.18: sh S, wchan do_wait, syscall `61 0xffffffff …` (wait4 pid=-1),
 * stack do_wait ← kernel_wait4; each child `sleep` S hrtimer_nanosleep, syscall 230.
 * related: child0…child<N-1> in pid order.
 */
export function spawnWaitpidParent(opts: { children?: number } & SpawnOptions = {}): Promise<WaitpidParent> {
  const count = opts.children ?? 1;
  return scenario('spawnWaitpidParent', opts, async (sc) => {
    positiveInt(sc.label, 'children', count);
    const script = `${'sleep 1000 & '.repeat(count - 1)}sleep 1000; true`;
    const sh = await sc.launch('sh', ['-c', script]);
    const children = await sc.until(`sh ${sh.pid} in wait4 with ${count} sleeping children`, () => {
      const kids = childrenOf(sh.pid);
      const seen = firstMismatch(
        mismatch(sh.pid, [sh.pid], { state: 'S', wchan: WCHAN.wait4, also: (v) => syscallNr(v) === NR.wait4 }),
        kids.length === count ? null : `${kids.length} children: ${listed(kids)}`,
        ...kids.map((k) => mismatch(k.tid, [k.tid], sleeping('sleep'))),
      );
      return seen === null ? { ok: true, ready: kids.map((k) => k.tid) } : { ok: false, seen };
    });
    const related = Object.fromEntries(children.map((pid, i) => [`child${i}`, pid]));
    return sc.handle({ pid: sh.pid, waitingTids: [sh.pid], related, children });
  });
}

const epollWant: Want = {
  state: 'S',
  wchan: WCHAN.epoll,
  comm: 'node',
  also: (v) => syscallNr(v) === NR.epollPwait || syscallNr(v) === NR.epollWait,
};

/**
 * An idle node event loop: `node -e 'setInterval(()=>{},1e9)'`.
 * /proc on 6.18 (node 20): main thread S, wchan do_epoll_wait, syscall
 * `281 <epfd> … 0x3b9aca00` (epoll_pwait, timeout 1e9 ms); one more libuv thread
 * in do_epoll_wait (timeout -1) and the 4 threadpool + platform workers in
 * futex_do_wait (FUTEX_WAIT_BITSET_PRIVATE 0x189). waitingTids: the main thread.
 */
export function spawnEpollIdle(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnEpollIdle', opts, async (sc) => {
    const node = await sc.launch(process.execPath, ['-e', 'setInterval(()=>{},1e9)']);
    await sc.state('the node main thread in epoll_wait', () => mismatch(node.pid, [node.pid], epollWant));
    return sc.handle({ pid: node.pid, waitingTids: [node.pid], related: {} });
  });
}


type WaitersKind = 'mutex' | 'cond' | 'nanosleep' | 'poll' | 'pipe' | 'epoll';

interface WaitersReady {
  main: number;
  tids: number[];
  addr: bigint;
  fd: number;
}

const parkWant: Record<WaitersKind, (ready: WaitersReady) => Want> = {
  mutex: (r) => ({ state: 'S', wchan: WCHAN.futex, also: (v) => syscallNr(v) === NR.futex && syscallArg(v, 0) === r.addr }),
  cond: (r) => ({
    state: 'S',
    wchan: WCHAN.futex,
    also: (v) => {
      const uaddr = syscallArg(v, 0);
      return syscallNr(v) === NR.futex && uaddr !== null && uaddr >= r.addr && uaddr < r.addr + 48n; // sizeof(pthread_cond_t)
    },
  }),
  nanosleep: () => ({ state: 'S', wchan: WCHAN.nanosleep }),
  poll: () => ({ state: 'S', wchan: WCHAN.poll, also: (v) => syscallNr(v) === NR.poll }),
  pipe: (r) => ({ state: 'S', wchan: WCHAN.pipe, also: (v) => syscallNr(v) === NR.read && syscallArg(v, 0) === BigInt(r.fd) }),
  epoll: (r) => ({ state: 'S', wchan: WCHAN.epoll, also: (v) => syscallNr(v) === NR.epollWait && syscallArg(v, 0) === BigInt(r.fd) }),
};

/** Runs test/support/c/waiters.c and waits until its workers, and its main thread, are where they should be. */
async function waiters(
  sc: Scenario,
  kind: WaitersKind,
  n: number,
  holder: HolderState = 'sleeping',
): Promise<WaitersReady & { pid: number }> {
  positiveInt(sc.label, 'thread count', n);
  const proc = await sc.launch(await program('waiters'), [kind, String(n), holder], { stdout: true });
  const match = await sc.line(proc, /^ready main=(\d+) addr=(0x[0-9a-f]+) fd=(-?\d+) tids=([\d,]+)$/);
  const ready: WaitersReady = {
    main: Number(match[1]),
    addr: BigInt(match[2] ?? '0x0'),
    fd: Number(match[3]),
    tids: (match[4] ?? '').split(',').map(Number),
  };
  const mainWant: Want = holder === 'spinning' ? { state: 'R' } : sleeping('waiters');
  const want = parkWant[kind](ready);
  await sc.state(`${n} ${kind} waiters parked, main thread ${holder}`, () =>
    firstMismatch(mismatch(proc.pid, ready.tids, want), mismatch(proc.pid, [ready.main], mainWant)),
  );
  if (kind === 'cond') {
    // All waiters must share one futex word inside the condvar.
    const first = ready.tids[0] === undefined ? null : readTask(proc.pid, ready.tids[0]);
    ready.addr = (first && syscallArg(first, 0)) ?? ready.addr;
  }
  return { ...ready, pid: proc.pid };
}

/**
 * n threads blocked in pthread_mutex_lock on ONE mutex that the main thread
 * holds; the holder sleeps in nanosleep (`holder: 'sleeping'`, default) or spins
 * on the CPU (`'spinning'`: state R, wchan 0, syscall `running`).
 * /proc on 6.18 (glibc 2.36): each waiter S, wchan futex_do_wait, syscall
 * `202 <&mutex> 0x80 0x2 …` (futex FUTEX_WAIT_PRIVATE, val 2 = locked with waiters);
 * sleeping holder S hrtimer_nanosleep, syscall 230.
 * pid = holder (main thread); related.holder = its tid; futexAddr = &mutex.
 */
export function spawnFutexLockQueue(n: number, opts: { holder?: HolderState } & SpawnOptions = {}): Promise<FutexQueue> {
  return scenario('spawnFutexLockQueue', opts, async (sc) => {
    const ready = await waiters(sc, 'mutex', n, opts.holder ?? 'sleeping');
    return sc.handle({ pid: ready.pid, waitingTids: ready.tids, related: { holder: ready.main }, futexAddr: ready.addr });
  });
}

/**
 * n threads parked in pthread_cond_wait on ONE condition variable nobody signals;
 * the main thread sleeps in nanosleep.
 * /proc on 6.18 (glibc 2.36): each waiter S, wchan futex_do_wait, syscall
 * `202 <&cond+0x28> 0x189 0x0 …` (FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME on
 * the condvar's __g_signals word, not the mutex); main S hrtimer_nanosleep.
 * futexAddr = the word the waiters wait on (inside the condvar).
 */
export function spawnFutexCondPool(n: number, opts: SpawnOptions = {}): Promise<FutexQueue> {
  return scenario('spawnFutexCondPool', opts, async (sc) => {
    const ready = await waiters(sc, 'cond', n);
    return sc.handle({ pid: ready.pid, waitingTids: ready.tids, related: {}, futexAddr: ready.addr });
  });
}

/**
 * A process with n threads parked in one kind of wait, for load tests; its main
 * thread sleeps in nanosleep (not in waitingTids). Per thread on 6.18:
 * - futex: pthread_cond_wait, as spawnFutexCondPool (futex_do_wait, syscall 202 … 0x189)
 * - nanosleep: S hrtimer_nanosleep, syscall 230 (clock_nanosleep)
 * - poll: poll() on an empty pipe, S poll_schedule_timeout.constprop.0, syscall `7 … 0x1 0xffffffff`
 * - pipe: read() on an empty pipe, S anon_pipe_read, syscall `0 <fd> …`
 * - epoll: epoll_wait on an epoll fd watching that pipe, S do_epoll_wait, syscall `232 <epfd> … 0xffffffff`
 * Threads have 64 KiB stacks; pid_max on the test machine is 32768, which bounds n.
 */
export function spawnManyThreads(n: number, kind: ParkKind, opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnManyThreads', opts, async (sc) => {
    const ready = await waiters(sc, kind === 'futex' ? 'cond' : kind, n);
    return sc.handle({ pid: ready.pid, waitingTids: ready.tids, related: {} });
  });
}

/**
 * `cat` blocked reading an empty anonymous pipe. Its write end is held only by
 * the harness's guard process (related.writer), which never writes and waits in
 * rt_sigtimedwait (wchan do_sigtimedwait.isra.0).
 * /proc on 6.18: cat S, wchan anon_pipe_read (pipe_read before 6.15, pipe_wait
 * before 5.6), syscall `0 0x0 … 0x20000` (read fd 0, 128 KiB).
 */
export function spawnPipeReader(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnPipeReader', opts, async (sc) => {
    const cat = await sc.launch('cat', [], { stdinPipe: true });
    await sc.state('cat blocked reading its stdin pipe', () => mismatch(cat.pid, [cat.pid], pipeReadWant(0)));
    return sc.handle({ pid: cat.pid, waitingTids: [cat.pid], related: { writer: cat.guard.pid ?? 0 } });
  });
}

const pipeReadWant = (fd: number): Want => ({
  state: 'S',
  wchan: WCHAN.pipe,
  comm: 'cat',
  also: (v) => syscallNr(v) === NR.read && syscallArg(v, 0) === BigInt(fd),
});

/**
 * `sh -c 'sleep 1000 | cat'`: cat (pid) reads the pipe whose write end its
 * sibling `sleep` (related.writer) holds; the shell (related.shell) waits for both.
 * /proc on 6.18: cat S anon_pipe_read, syscall `0 0x0 …`; sleep S hrtimer_nanosleep;
 * sh S do_wait, syscall `61 0xffffffff …`. The shell keeps no end of the pipe.
 */
export function spawnPipeline(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnPipeline', opts, async (sc) => {
    const sh = await sc.launch('sh', ['-c', 'sleep 1000 | cat']);
    const pids = await sc.until('sleep | cat with cat blocked on the pipe', () => {
      const kids = childrenOf(sh.pid);
      const cat = kids.find((k) => k.comm === 'cat');
      const writer = kids.find((k) => k.comm === 'sleep');
      if (!cat || !writer) return { ok: false, seen: `children of sh ${sh.pid}: ${listed(kids)}` };
      const seen = firstMismatch(
        mismatch(cat.tid, [cat.tid], pipeReadWant(0)),
        mismatch(writer.tid, [writer.tid], sleeping('sleep')),
        mismatch(sh.pid, [sh.pid], { state: 'S', wchan: WCHAN.wait4 }),
      );
      return seen === null ? { ok: true, ready: { cat: cat.tid, writer: writer.tid } } : { ok: false, seen };
    });
    return sc.handle({ pid: pids.cat, waitingTids: [pids.cat], related: { writer: pids.writer, shell: sh.pid } });
  });
}

/**
 * `sleep 1000`: S, wchan hrtimer_nanosleep, syscall `230 0x0 0x0 …`
 * (clock_nanosleep CLOCK_REALTIME, relative), stack hrtimer_nanosleep ← common_nsleep.
 */
export function spawnSleeper(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnSleeper', opts, async (sc) => {
    const sleep = await sc.launch('sleep', ['1000']);
    await sc.state('sleep in nanosleep', () => mismatch(sleep.pid, [sleep.pid], sleeping('sleep')));
    return sc.handle({ pid: sleep.pid, waitingTids: [sleep.pid], related: {} });
  });
}

/**
 * `sleep 1000` stopped with SIGSTOP (sent by the harness, once the sleep is in nanosleep).
 * /proc on 6.18: T, wchan do_signal_stop, syscall still `230 0x0 0x0 …` (the
 * interrupted clock_nanosleep), stack do_signal_stop ← get_signal ← arch_do_signal_or_restart.
 */
export function spawnStopped(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnStopped', opts, async (sc) => {
    const sleep = await sc.launch('sleep', ['1000']);
    await sc.state('sleep in nanosleep', () => mismatch(sleep.pid, [sleep.pid], sleeping('sleep')));
    process.kill(sleep.pid, 'SIGSTOP');
    await sc.state('sleep stopped', () => mismatch(sleep.pid, [sleep.pid], { state: 'T', wchan: WCHAN.stopped }));
    return sc.handle({ pid: sleep.pid, waitingTids: [sleep.pid], related: {} });
  });
}

/**
 * `sh -c 'sleep 0 & exec sleep 1000'`: the shell forks `sleep 0`, then becomes
 * `sleep 1000` (pid), which never reaps it; related.zombie is the Z child.
 * /proc on 6.18: pid S hrtimer_nanosleep; zombie Z, wchan 0, syscall `-1 0x0 0x0`…
 * waitingTids is empty: the parent sleeps, it does not wait for the child.
 */
export function spawnZombie(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnZombie', opts, async (sc) => {
    const parent = await sc.launch('sh', ['-c', 'sleep 0 & exec sleep 1000']);
    const zombie = await sc.until('an unreaped zombie child under sleep', () => {
      const kids = childrenOf(parent.pid);
      const kid = kids.find((k) => k.state === 'Z');
      if (!kid) return { ok: false, seen: `no zombie child yet; children: ${listed(kids)}` };
      const seen = mismatch(parent.pid, [parent.pid], sleeping('sleep'));
      return seen === null ? { ok: true, ready: kid.tid } : { ok: false, seen };
    });
    return sc.handle({ pid: parent.pid, waitingTids: [], related: { zombie } });
  });
}

const TCP_SERVER = `
const srv = require('net').createServer((s) => process.stdout.write('accepted ' + s.remotePort + '\\n'));
srv.listen(0, '127.0.0.1', () => process.stdout.write('port ' + srv.address().port + '\\n'));`;
const TCP_CLIENT = `
const s = require('net').connect(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('connected ' + s.localPort + '\\n'));
s.on('error', (e) => { console.error(e.message); process.exit(1); });`;

/**
 * A node TCP server on 127.0.0.1:<ephemeral> with one connected, idle node
 * client, in separate processes; neither sends anything.
 * /proc on 6.18: both main threads S, wchan do_epoll_wait, syscall `281 …`
 * (epoll_pwait), other threads as in spawnEpollIdle. pid = server;
 * related: server, client, port (the listening port), clientPort (the client's
 * local port, to match the established pair in /proc/net/tcp).
 */
export function spawnTcpPair(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnTcpPair', opts, async (sc) => {
    const server = await sc.launch(process.execPath, ['-e', TCP_SERVER], { stdout: true });
    const port = Number((await sc.line(server, /^port (\d+)$/))[1]);
    const client = await sc.launch(process.execPath, ['-e', TCP_CLIENT, String(port)], { stdout: true });
    const clientPort = Number((await sc.line(client, /^connected (\d+)$/))[1]);
    await sc.line(server, new RegExp(`^accepted ${clientPort}$`));
    await sc.state('server and client idle in epoll', () =>
      firstMismatch(mismatch(server.pid, [server.pid], epollWant), mismatch(client.pid, [client.pid], epollWant)),
    );
    return sc.handle({
      pid: server.pid,
      waitingTids: [server.pid],
      related: { server: server.pid, client: client.pid, port, clientPort },
    });
  });
}

let socketCount = 0;

/**
 * Two processes connected by a unix stream socket (test/support/c/unixpair.c):
 * pid accepted the connection on a socket bound to a path under os.tmpdir()
 * (unlinked once connected; /proc/net/unix still shows the name on the accepted
 * socket) and blocks in read() on it; its forked peer (related.peer) holds the
 * other end and sleeps, never writing.
 * /proc on 6.18: pid S, wchan unix_stream_read_generic, syscall `0 <fd> … 0x1`,
 * stack unix_stream_read_generic ← unix_stream_recvmsg ← sock_read_iter ← vfs_read;
 * peer S hrtimer_nanosleep.
 */
export function spawnUnixSocketPair(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnUnixSocketPair', opts, async (sc) => {
    const path = join(tmpdir(), `proctriage-${process.pid}-${++socketCount}.sock`);
    sc.onStop(() => rmSync(path, { force: true }));
    const reader = await sc.launch(await program('unixpair'), [path], { stdout: true });
    const match = await sc.line(reader, /^ready peer=(\d+) fd=(\d+)$/);
    const peer = Number(match[1]);
    const fd = BigInt(match[2] ?? '-1');
    await sc.state('reader blocked in read on the socket, peer sleeping', () =>
      firstMismatch(
        mismatch(reader.pid, [reader.pid], {
          state: 'S',
          wchan: WCHAN.unixRead,
          also: (v) => syscallNr(v) === NR.read && syscallArg(v, 0) === fd,
        }),
        mismatch(peer, [peer], sleeping('unixpair')),
      ),
    );
    return sc.handle({ pid: reader.pid, waitingTids: [reader.pid], related: { peer } });
  });
}

/**
 * A process creating and ending about ratePerSec threads per second
 * (test/support/c/churn.c): each detached thread sleeps lifetimeMs, then exits
 * (default: half the interval between threads, clamped to 1…20 ms, so /proc
 * usually shows one alive). Ready once /proc/<pid>/task has shown two different
 * worker tids. /proc on 6.18: main thread S hrtimer_nanosleep between creations
 * (syscall 230 with TIMER_ABSTIME, `0x1 0x1`), workers S hrtimer_nanosleep;
 * tids come and go. waitingTids is empty.
 */
export function spawnThreadChurn(ratePerSec: number, opts: { lifetimeMs?: number } & SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnThreadChurn', opts, async (sc) => {
    if (!(ratePerSec > 0)) throw new Error(`${sc.label}: ratePerSec must be positive, got ${ratePerSec}`);
    const lifetimeMs = opts.lifetimeMs ?? Math.min(20, Math.max(1, 500 / ratePerSec));
    const churn = await sc.launch(await program('churn'), [String(ratePerSec), String(Math.round(lifetimeMs * 1000))], {
      stdout: true,
    });
    await sc.line(churn, /^ready$/);
    const workers = new Set<number>();
    await sc.state('two different short-lived threads in /proc', () => {
      for (const tid of threadsOf(churn.pid)) if (tid !== churn.pid) workers.add(tid);
      return workers.size >= 2 ? null : `worker tids seen so far: ${[...workers].join(', ') || 'none'}`;
    });
    return sc.handle({ pid: churn.pid, waitingTids: [], related: {} });
  });
}

/**
 * `sleep <ms/1000>`: exits by itself after about ms (for "exits mid-triage"
 * tests). Returned once /proc shows it in nanosleep (S hrtimer_nanosleep);
 * if it is gone before that, throws (use ms >= 50). `exited` resolves once
 * it has exited and been reaped (the guard reaps at once: no zombie lingers).
 */
export function spawnShortLived(ms: number, opts: SpawnOptions = {}): Promise<ShortLived> {
  return scenario('spawnShortLived', opts, async (sc) => {
    if (!(ms > 0)) throw new Error(`${sc.label}: ms must be positive, got ${ms}`);
    const sleep = await sc.launch('sleep', [(ms / 1000).toFixed(3)]);
    await sc.state('sleep in nanosleep', () => mismatch(sleep.pid, [sleep.pid], sleeping('sleep')));
    return sc.handle({ pid: sleep.pid, waitingTids: [sleep.pid], related: {}, exited: sleep.gone });
  });
}

export interface Stuck extends Spawned {
  /** The mutex word the lock queue waits on. */
  futexAddr: bigint;
  /** The thread in D state (a vfork parent); related.child is its paused child. */
  dStateTid: number;
}

/**
 * One process, named `name` (every thread and the child too), stuck in two ways: n threads
 * queued on one mutex the main thread holds while it sleeps (a lock queue), and one thread in
 * D state, the parent of a vfork() whose child pauses and never execs.
 * /proc on 6.18: each waiter S, wchan futex_do_wait, syscall `202 <&mutex> 0x80 0x2 …`; the
 * vfork thread D, wchan kernel_clone (wait_for_vfork_done where it is not inlined), syscall 58
 * (vfork), stack kernel_clone ← __do_sys_vfork; main S hrtimer_nanosleep; the child S in pause.
 * waitingTids: the n waiters.
 */
export function spawnStuck(name: string, n: number, opts: SpawnOptions = {}): Promise<Stuck> {
  return scenario('spawnStuck', opts, async (sc) => {
    positiveInt(sc.label, 'thread count', n);
    if (!/^[A-Za-z0-9_-]{1,15}$/.test(name)) throw new Error(`${sc.label}: name must be 1 to 15 letters, digits, - or _, got ${JSON.stringify(name)}`);
    const proc = await sc.launch(await program('stuck'), [name, String(n)], { stdout: true });
    const match = await sc.line(proc, /^ready main=(\d+) addr=(0x[0-9a-f]+) vfork=(\d+) tids=([\d,]+)$/);
    const vfork = Number(match[3]);
    const tids = (match[4] ?? '').split(',').map(Number);
    await sc.state(`${n} threads queued on the mutex and one in D state (vfork)`, () =>
      firstMismatch(
        mismatch(proc.pid, tids, { state: 'S', wchan: WCHAN.futex, comm: name }),
        mismatch(proc.pid, [vfork], { state: 'D', comm: name }),
        mismatch(proc.pid, [proc.pid], sleeping(name)),
      ),
    );
    const child = childrenOf(proc.pid).find((c) => c.comm === name);
    const related: Record<string, number> = child ? { child: child.tid } : {};
    return sc.handle({ pid: proc.pid, waitingTids: tids, related, futexAddr: BigInt(match[2] ?? '0x0'), dStateTid: vfork });
  });
}

/** Stops every live handle from any scenario (for afterAll). */
export async function stopAll(): Promise<void> {
  const reg = registry();
  const results = await Promise.allSettled([...reg.handles].map((h) => h.stop()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new AggregateError(failed.map((f): unknown => f.reason), 'spawners: stopAll failed');
}
