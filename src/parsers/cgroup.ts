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
