/**
 * cgroup v1 helpers for live tests: a uniquely named cgroup with a CPU quota or
 * a memory limit, that a scenario's processes join, removed again on stop.
 *
 * Where things are (found, never hard-coded): each v1 hierarchy is a line of
 * /proc/self/mountinfo whose filesystem type is `cgroup`; its super options list
 * the controllers it carries (`rw,cpu` here; `rw,cpu,cpuacct` where cpu and
 * cpuacct are co-mounted as /sys/fs/cgroup/cpu,cpuacct). A process's place in
 * each hierarchy is a line `N:<controllers>:/<path>` of /proc/<pid>/cgroup
 * (`0::/<path>` is the v2 tree; `N:name=systemd:/…` a named hierarchy with no
 * controller). Its directory is <mount point> + (<path> minus the mount's root).
 *
 * A new cgroup is made below the test process's own cgroup of that controller
 * (so the session's own limits still hold), named
 * proctriage-<test pid>-<n>-<random>. `remove()` moves whatever tasks are still
 * in it to the parent, then removes the directory (rmdir retried while the
 * kernel still counts dying tasks). Cgroups left by a test process that is gone
 * (SIGKILLed) are removed when the next one is created, and a process 'exit'
 * hook removes this process's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface V1Hierarchy {
  /** Controllers it carries, e.g. ['cpu', 'cpuacct'] (a named hierarchy: ['name=systemd']). */
  controllers: string[];
  /** Where it is mounted, e.g. /sys/fs/cgroup/cpu. */
  mountPoint: string;
  /** The path of the hierarchy mounted there (field 4 of mountinfo), usually '/'. */
  root: string;
}

/** Every cgroup v1 hierarchy mounted, from mountinfo text (default: this process's). */
export function v1Hierarchies(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): V1Hierarchy[] {
  const found: V1Hierarchy[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype !== 'cgroup') continue;
    const controllers = superOptions
      .split(',')
      .filter((o) => o !== 'rw' && o !== 'ro' && !o.startsWith('release_agent=') && o !== 'clone_children' && o !== 'noprefix');
    found.push({ controllers, mountPoint: unescapeMount(fields[4] ?? ''), root: unescapeMount(fields[3] ?? '/') });
  }
  return found;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The v1 hierarchy carrying controller, or null when none is mounted. */
export function v1Hierarchy(controller: string): V1Hierarchy | null {
  return v1Hierarchies().find((h) => h.controllers.includes(controller)) ?? null;
}

/** Controller → cgroup path of pid, from the `N:ctrl,ctrl:/path` lines of /proc/<pid>/cgroup ('' is the v2 line). */
export function cgroupPathsOf(pid: number | 'self'): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, controllers = '', path = '/'] = match;
    if (controllers === '') paths.set('', path);
    for (const c of controllers.split(',')) if (c) paths.set(c, path);
  }
  return paths;
}

/** The directory of pid's cgroup for controller, or null when that controller has no v1 hierarchy. */
export function v1DirOf(pid: number | 'self', controller: string): string | null {
  const hierarchy = v1Hierarchy(controller);
  const path = cgroupPathsOf(pid).get(controller);
  if (!hierarchy || path === undefined) return null;
  const relative = hierarchy.root === '/' ? path : path.startsWith(hierarchy.root) ? path.slice(hierarchy.root.length) : path;
  return join(hierarchy.mountPoint, relative);
}

export interface CgroupV1 {
  controller: string;
  /** The directory, e.g. /sys/fs/cgroup/cpu/proctriage-123-1-ab12cd. */
  dir: string;
  /** The path /proc/<pid>/cgroup shows for its members, e.g. /proctriage-123-1-ab12cd. */
  path: string;
  /** Its cgroup.procs file: writing a pid there moves the whole process (all its threads). */
  procsFile: string;
  /** Moves a process (every thread of it) into the cgroup. */
  add(pid: number): void;
  /** A control file's text, trimmed (e.g. read('cpu.stat')). */
  read(file: string): string;
  /** The pids in it now. */
  pids(): number[];
  /** Moves what is left to the parent and removes the cgroup; idempotent. */
  remove(): Promise<void>;
}

const PREFIX = 'proctriage-';
const live = new Set<CgroupV1>();
let counter = 0;
let exitHook = false;

function writeControl(file: string, value: string): void {
  writeFileSync(file, value);
}

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function isAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** Moves every task of dir to its parent, then rmdir; returns false while it is still busy. */
function tryRemove(dir: string): boolean {
  if (!existsSync(dir)) return true;
  const parentProcs = join(dir, '..', 'cgroup.procs');
  for (const pid of pidsIn(dir)) {
    try {
      writeControl(parentProcs, String(pid));
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

/** Removes cgroups named after a test process that no longer exists (a SIGKILLed vitest worker). */
function sweepLeftovers(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-\\d+-[0-9a-f]+$`).exec(name)?.[1];
    if (owner && Number(owner) !== process.pid && !isAlive(Number(owner))) {
      try {
        tryRemove(join(parent, name));
      } catch {
        // another sweeper got there first, or it is not ours to judge: leave it
      }
    }
  }
}

/**
 * Creates a cgroup for controller below this process's own, writes settings
 * (file → value, in order), and returns it. Throws with the reason when the
 * controller has no v1 hierarchy or the files cannot be written (not root).
 */
export function createCgroupV1(controller: string, settings: Record<string, string | number> = {}): CgroupV1 {
  const parent = v1DirOf('self', controller);
  if (!parent) throw new Error(`cgroup-v1: no cgroup v1 hierarchy carries the ${controller} controller here`);
  sweepLeftovers(parent);
  const name = `${PREFIX}${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
  const dir = join(parent, name);
  const ownPath = cgroupPathsOf('self').get(controller) ?? '/';
  try {
    mkdirSync(dir);
  } catch (err) {
    throw new Error(`cgroup-v1: cannot create ${dir} (${(err as Error).message}); live cgroup tests need root`);
  }
  let removing: Promise<void> | undefined;
  const cgroup: CgroupV1 = {
    controller,
    dir,
    path: `${ownPath === '/' ? '' : ownPath}/${name}`,
    procsFile: join(dir, 'cgroup.procs'),
    add: (pid) => writeControl(join(dir, 'cgroup.procs'), String(pid)),
    read: (file) => readFileSync(join(dir, file), 'utf8').trim(),
    pids: () => pidsIn(dir),
    remove: () => {
      removing ??= (async () => {
        for (let attempt = 0; !tryRemove(dir); attempt++) {
          if (attempt >= 300) throw new Error(`cgroup-v1: ${dir} still busy after 3 s: pids ${pidsIn(dir).join(', ')}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        live.delete(cgroup);
      })();
      return removing;
    },
  };
  live.add(cgroup);
  installExitHook();
  try {
    for (const [file, value] of Object.entries(settings)) writeControl(join(dir, file), String(value));
  } catch (err) {
    tryRemove(dir);
    live.delete(cgroup);
    throw new Error(`cgroup-v1: cannot set up ${dir}: ${(err as Error).message}`);
  }
  return cgroup;
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const cgroup of live) {
      try {
        tryRemove(cgroup.dir); // synchronous: the scenario's processes were SIGKILLed by the spawners' hook
      } catch {
        // exiting anyway; the next createCgroupV1 sweeps it
      }
    }
  });
}

/** A cpu cgroup with a CFS quota: quotaUs of CPU time per periodUs (default 10 ms per 100 ms, 10 % of one CPU). */
export function cpuQuotaCgroup(opts: { quotaUs?: number; periodUs?: number } = {}): CgroupV1 {
  return createCgroupV1('cpu', {
    'cpu.cfs_period_us': opts.periodUs ?? 100_000,
    'cpu.cfs_quota_us': opts.quotaUs ?? 10_000,
  });
}

/** A memory cgroup with a hard limit (default 32 MiB); no swap on the test machines, so anonymous memory over it is OOM-killed. */
export function memoryLimitCgroup(opts: { limitBytes?: number } = {}): CgroupV1 {
  return createCgroupV1('memory', { 'memory.limit_in_bytes': opts.limitBytes ?? 32 * 1024 * 1024 });
}

/** Removes every cgroup this process created and still has (for afterAll). */
export async function removeAllCgroups(): Promise<void> {
  await Promise.all([...live].map((c) => c.remove()));
}
