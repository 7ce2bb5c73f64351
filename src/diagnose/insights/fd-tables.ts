import { classifySnapshot } from '../../classify/snapshot.js';
import { CITES } from '../../kernel/mechanisms.js';
import type { InsightInput } from './input.js';
import type { ChildPoolGroup, FdTableInsight } from './types.js';

/**
 * Listings taken a moment apart differ by the fds opened or closed in between; a thread with a
 * table of its own (unshare(CLONE_FILES), clone without it) differs by more than that.
 */
function sameTable(a: ReadonlySet<number>, b: readonly number[]): boolean {
  const other = new Set(b);
  let differ = 0;
  for (const fd of a) if (!other.has(fd)) differ++;
  for (const fd of other) if (!a.has(fd)) differ++;
  return differ <= Math.max(2, Math.ceil(Math.max(a.size, other.size) * 0.1));
}

/** The children's comm and main-thread wait: classified by the follow step's tree, else only their state. */
function childWaits(input: InsightInput): Map<number, { comm: string; kind: string }> {
  const out = new Map<number, { comm: string; kind: string }>();
  const follow = input.model.current.follow;
  for (const c of follow?.children?.children ?? []) {
    const main = c.threads.find((t) => t.tid === c.pid) ?? c.threads[0];
    const comm = c.stat.ok ? c.stat.value.comm : '?';
    out.set(c.pid, { comm, kind: main ? classifySnapshot(main, input.model.host.arch, null).kind : 'unknown' });
  }
  for (const c of follow?.childStates ?? []) {
    // Without the follow step's tree (no thread waits for them) only their state was read: a sleeper's wait is not known.
    if (!out.has(c.pid)) out.set(c.pid, { comm: c.comm, kind: c.state === 'Z' ? 'zombie' : c.state === 'R' ? 'running' : c.state === 'T' ? 'stopped' : 'not-read' });
  }
  return out;
}

function childGroups(input: InsightInput, counts: readonly { pid: number; count: number | null }[]): ChildPoolGroup[] {
  const waits = childWaits(input);
  const groups = new Map<string, { comm: string; count: number; fds: number | null; kinds: Map<string, number> }>();
  for (const c of counts) {
    const w = waits.get(c.pid) ?? { comm: '?', kind: 'unknown' };
    const g = groups.get(w.comm) ?? { comm: w.comm, count: 0, fds: null, kinds: new Map<string, number>() };
    g.count++;
    if (c.count !== null) g.fds = (g.fds ?? 0) + c.count;
    g.kinds.set(w.kind, (g.kinds.get(w.kind) ?? 0) + 1);
    groups.set(w.comm, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map((g) => ({ comm: g.comm, count: g.count, fds: g.fds, waits: [...g.kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count) }));
}

/**
 * Fds are counted once per fd table. Threads made by pthread_create share their process's table
 * (CLONE_FILES: copy_files only takes a reference), so 33 threads with 6 fds hold 6, not 198. /proc
 * has no table id: the basis is that the threads' `task/TID/fd` listings match the process's. A
 * child has a table of its own (fork copies it), so a pool of children holds the sum of theirs.
 */
export function fdTablesOf(input: InsightInput): FdTableInsight | null {
  const reads = input.model.current.follow?.insight?.fdTables;
  const proc = input.model.current.process;
  if (!proc.fds.ok) return null;
  const own = new Set(proc.fds.value.map((f) => f.fd));
  const listings = (reads?.threadListings ?? []).flatMap((l) => (l.fds.ok ? [{ tid: l.tid, fds: l.fds.value }] : []));
  const differing = listings.filter((l) => !sameTable(own, l.fds)).map((l) => l.tid);
  const counts = (reads?.childFds ?? []).map((c) => ({ pid: c.pid, count: c.count.ok ? c.count.value : null }));
  const known = counts.filter((c) => c.count !== null);
  const pid = input.process.pid;
  return {
    fds: input.process.fdCount,
    threads: input.threads.length,
    checked: listings.length,
    matched: listings.length - differing.length,
    differing,
    children:
      counts.length === 0
        ? null
        : { count: counts.length, fds: known.length === 0 ? null : known.reduce((n, c) => n + (c.count ?? 0), 0), unreadable: counts.length - known.length, groups: childGroups(input, counts) },
    // /proc has no "shared" flag: listings that match are the evidence; without them, or with one that differs, it is likely.
    confidence: input.threads.length < 2 || (listings.length > 0 && differing.length === 0) ? 'certain' : 'likely',
    sources: [`/proc/${pid}/fd (count)`, `/proc/${pid}/task/<tid>/fd of ${listings.length} threads (names only)`, ...(counts.length > 0 ? ['/proc/<child>/fd of each child (names only)', `/proc/${pid}/task/*/children`] : [])],
    kernel: [CITES.copyFiles],
  };
}
