import { ParseError } from '../procfs/errors.js';

export interface CgroupEntry {
  readonly hierarchyId: number;
  /** Empty for the cgroup v2 line (`0::/path`). */
  readonly controllers: readonly string[];
  readonly path: string;
}

/** `/proc/<pid>/cgroup`: `id:controllers:path` per hierarchy; `0::path` is cgroup v2. */
export function parseCgroup(text: string): CgroupEntry[] {
  const entries: CgroupEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first <= 0 || second < 0) throw new ParseError(`not a cgroup line: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    const id = line.slice(0, first);
    if (!/^\d+$/.test(id)) throw new ParseError(`cgroup hierarchy id is not a number: ${JSON.stringify(id)}`, i + 1);
    const controllers = line.slice(first + 1, second);
    entries.push({ hierarchyId: Number(id), controllers: controllers === '' ? [] : controllers.split(','), path: line.slice(second + 1) });
  }
  return entries;
}

/** The cgroup v2 path of a process, or null on a v1-only system. */
export function cgroupV2Path(entries: readonly CgroupEntry[]): string | null {
  return entries.find((e) => e.hierarchyId === 0 && e.controllers.length === 0)?.path ?? null;
}

/** The path of a process in the v1 hierarchy carrying `controller`, or null when no v1 hierarchy does. */
export function cgroupV1Path(entries: readonly CgroupEntry[], controller: string): string | null {
  return entries.find((e) => e.hierarchyId !== 0 && e.controllers.includes(controller))?.path ?? null;
}

/**
 * cgroup v2 `cgroup.controllers`: the controllers the cgroup's parent enabled for it, space
 * separated (`cpuset cpu io memory pids`), an empty line when none. A controller's interface
 * files (`memory.max`, `cpu.max`, `io.max`) exist in the cgroup exactly when it is listed.
 */
export function parseCgroupControllers(text: string): string[] {
  const line = text.replace(/\n$/, '');
  if (line.includes('\n')) throw new ParseError('cgroup.controllers has more than one line', 2);
  const names = line.split(' ').filter((n) => n !== '');
  const bad = names.find((n) => !/^[a-z_][a-z0-9_]*$/.test(n));
  if (bad !== undefined) throw new ParseError(`not a controller name: ${JSON.stringify(bad.slice(0, 30))}`, 1);
  return names;
}
