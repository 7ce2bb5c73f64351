/**
 * cgroup v1 scenarios for live tests: a uniquely named cgroup below this process's own in a
 * v1 hierarchy (cpu or memory), with settings written, and a load (test/support/c/cgload.c)
 * that moves itself into it. `stop()` kills the load, moves whatever is left to the parent
 * and removes the cgroup. The load dies with this process (PR_SET_PDEATHSIG); cgroups a
 * dead test process left behind are removed by the next `startCgroupLoad`.
 *
 * Reads /proc and the cgroup files with plain fs on purpose (no project module), like
 * spawners.ts: a bug in proctriage must not hide in the setup of the test that checks it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type V1Controller = 'cpu' | 'cpuacct' | 'memory';

const PREFIX = 'proctriage-cg-';

/** The mount point of the v1 hierarchy carrying `controller`, with the mount's root; null when none is mounted. */
function v1Mount(controller: V1Controller): { mountPoint: string; root: string } | null {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    const [fstype, , options = ''] = (right ?? '').split(' ');
    if (fstype !== 'cgroup' || !options.split(',').includes(controller)) continue;
    const fields = (left ?? '').split(' ');
    return { mountPoint: fields[4] ?? '', root: fields[3] ?? '/' };
  }
  return null;
}

/** This process's path in the v1 hierarchy of `controller` (`/proc/self/cgroup`). */
function ownPath(controller: V1Controller): string | null {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m && m[1]!.split(',').includes(controller)) return m[2]!;
  }
  return null;
}

/** Why live cgroup v1 tests cannot run here, or null when they can (a v1 hierarchy of each controller, as root). */
export function cgroupV1Unusable(...controllers: V1Controller[]): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  const missing = controllers.filter((c) => v1Mount(c) === null || ownPath(c) === null);
  return missing.length > 0 ? `no cgroup v1 hierarchy of ${missing.join(', ')} is mounted` : null;
}

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Moves what is left in `dir` to its parent and removes it; false while the kernel still counts a dying task. */
function tryRemove(dir: string): boolean {
  if (!existsSync(dir)) return true;
  for (const pid of pidsIn(dir)) {
    try {
      writeFileSync(join(dir, '..', 'cgroup.procs'), String(pid));
    } catch {
      // it exited meanwhile
    }
  }
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'EBUSY') return false;
    throw err;
  }
}

/** Removes cgroups of ours whose test process is gone (a SIGKILLed vitest worker). */
function sweepLeftovers(parent: string): void {
  for (const name of readdirSync(parent)) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-[0-9a-f]+$`).exec(name)?.[1];
    if (owner && Number(owner) !== process.pid && !existsSync(`/proc/${owner}`)) {
      try {
        tryRemove(join(parent, name));
      } catch {
        // not ours to judge after all: leave it
      }
    }
  }
}

let built: string | null = null;

/** test/support/c/cgload.c, compiled once into the temp directory (keyed by its source). */
function cgloadBinary(): string {
  if (built) return built;
  const source = fileURLToPath(new URL('./c/cgload.c', import.meta.url));
  const dir = join(tmpdir(), 'proctriage-spawners', createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16));
  const binary = join(dir, 'cgload');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.tmp`;
    execFileSync('gcc', ['-O1', '-Wall', '-o', partial, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(partial, binary); // atomic: parallel test workers may build it too
  }
  return (built = binary);
}

export interface CgroupLoad {
  /** The load's pid (it is the only process in the cgroup). */
  readonly pid: number;
  readonly controller: V1Controller;
  /** The cgroup's directory, e.g. /sys/fs/cgroup/cpu/proctriage-cg-123-ab12cd. */
  readonly dir: string;
  /** Its path as /proc/PID/cgroup shows it, e.g. /proctriage-cg-123-ab12cd. */
  readonly path: string;
  /** A control file's text, trimmed. */
  read(file: string): string;
  /** Kills the load and removes the cgroup; idempotent. */
  stop(): Promise<void>;
}

const live = new Set<CgroupLoad>();
/** Every cgroup directory made and not yet removed, for the exit hook. */
const liveDirs = new Set<string>();
let exitHook = false;

/** The directory below which this process's cgroups of `controller` are made (its own cgroup there). */
function parentDir(controller: V1Controller): { parent: string; own: string } {
  const mount = v1Mount(controller)!;
  const own = ownPath(controller)!;
  return { parent: join(mount.mountPoint, mount.root === '/' ? own : own.slice(mount.root.length)), own };
}

/**
 * Creates a cgroup in the v1 `controller` hierarchy with `settings` (file → value, in order)
 * and starts cgload in it with `args` (`['spin']`, `['thrash', FILE, ANON_MB, PAGES_PER_SEC]`).
 * `also`: hierarchies that get a cgroup of the same name too, which the load joins once it
 * runs (cpuacct beside a separately mounted cpu, as docker and systemd do). Resolves once the
 * load runs inside the cgroup(s).
 */
export async function startCgroupLoad(
  controller: V1Controller,
  settings: Readonly<Record<string, string | number>>,
  args: readonly string[],
  also: readonly V1Controller[] = [],
): Promise<CgroupLoad> {
  const why = cgroupV1Unusable(controller, ...also);
  if (why) throw new Error(`cgroup-load: ${why}`);
  const { parent, own } = parentDir(controller);
  sweepLeftovers(parent);
  const name = `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(parent, name);
  // A co-mounted hierarchy (cpu,cpuacct) is the same directory: made once.
  const extraParents = [...new Set(also.map((c) => parentDir(c).parent))].filter((p) => p !== parent);
  for (const p of extraParents) sweepLeftovers(p);
  const extraDirs = extraParents.map((p) => join(p, name));
  mkdirSync(dir);
  let child: ChildProcess | null = null;
  let removing: Promise<void> | undefined;
  const load: CgroupLoad = {
    get pid() {
      return child?.pid ?? 0;
    },
    controller,
    dir,
    path: `${own === '/' ? '' : own}/${name}`,
    read: (file) => readFileSync(join(dir, file), 'utf8').trim(),
    stop: () =>
      (removing ??= (async () => {
        if (child && child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child!.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        }
        for (const d of [...extraDirs, dir]) {
          for (let attempt = 0; !tryRemove(d); attempt++) {
            if (attempt >= 300) throw new Error(`cgroup-load: ${d} still busy after 3 s: pids ${pidsIn(d).join(', ')}`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
        live.delete(load);
        for (const d of [dir, ...extraDirs]) liveDirs.delete(d);
      })()),
  };
  live.add(load);
  for (const d of [dir, ...extraDirs]) liveDirs.add(d);
  if (!exitHook) {
    exitHook = true;
    // The loads die with this process (PR_SET_PDEATHSIG); their cgroups are removed here, or by the next sweep.
    process.on('exit', () => {
      for (const d of [...liveDirs]) {
        try {
          tryRemove(d);
        } catch {
          // exiting anyway
        }
      }
    });
  }
  try {
    for (const d of extraDirs) mkdirSync(d);
    for (const [file, value] of Object.entries(settings)) writeFileSync(join(dir, file), String(value));
    const started = spawn(cgloadBinary(), [String(process.pid), join(dir, 'cgroup.procs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let stderr = '';
    started.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    await new Promise<void>((resolve, reject) => {
      started.stdout.setEncoding('utf8').on('data', (t: string) => {
        if (t.includes('ready')) resolve();
      });
      started.once('exit', (code, signal) => reject(new Error(`cgload ${args.join(' ')} exited (code ${code}, signal ${signal}) before it was ready: ${stderr.trim()}`)));
    });
    for (const d of extraDirs) writeFileSync(join(d, 'cgroup.procs'), String(started.pid));
    return load;
  } catch (err) {
    await load.stop();
    throw err;
  }
}

/** Polls `check` every 50 ms until it returns true (or throws after `timeoutMs`, saying what it waited for). */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `key value` counter of a cgroup file of the load (NaN when the key is absent). */
export function cgroupCounter(load: CgroupLoad, file: string, key: string): number {
  return Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(load.read(file))?.[1] ?? NaN);
}

/**
 * Waits until a `thrash` load has read its whole file once and is refaulting it: more major
 * faults than the file has pages, and refaults. (Refaults alone may show at once: pages of the
 * file evicted from another cgroup before the load started count when it reads them back.)
 */
export function untilThrashing(load: CgroupLoad, fileBytes: number): Promise<void> {
  const pages = fileBytes / 4096;
  return until('the second pass over the file (refaults)', () => cgroupCounter(load, 'memory.stat', 'total_pgmajfault') > pages + 500 && cgroupCounter(load, 'memory.stat', 'total_workingset_refault_file') > 200, 20_000);
}
