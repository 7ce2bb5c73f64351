import type { ProcFs } from '../procfs/procfs.js';
import { fail, type ReadResult } from '../procfs/errors.js';
import type { Arch } from '../kernel/arch.js';
import { parseSmapsRollup, type SmapsRollup } from '../parsers/smaps-rollup.js';
import type { ChildrenSnapshot } from './children.js';
import { readFdTables, type FdTableReads } from './fd-tables.js';
import { readFileFlags, type FileFlagReads } from './file-flags.js';
import { readListenFamily, type ListenFamily } from './listen-family.js';
import type { NetTables } from './net.js';
import type { ProcessSnapshot } from './types.js';
import { parseResult } from './parsed.js';

/**
 * What the seed-knowledge insights (src/diagnose/insights) read beyond the sample: the memory
 * split, the family sharing its listening sockets, the cap on any listen backlog, how many fd
 * tables it and its children hold, and how its files were opened. Read with every full sample
 * through the same ProcFs, so a capture holds it and replay reaches the same insights.
 */
export interface InsightReads {
  /** `smaps_rollup` (never `smaps`, `maps` or `mem`): needs ptrace read access, like `io`. */
  readonly smapsRollup: ReadResult<SmapsRollup>;
  /** net.core.somaxconn of the reading network namespace: no listen() backlog is larger. Null without a listening socket. */
  readonly somaxconn: ReadResult<number> | null;
  /** Null without a listening TCP socket. */
  readonly listenFamily: ListenFamily | null;
  readonly fdTables: FdTableReads;
  readonly files: FileFlagReads;
}

/** The inodes of the target's own listening TCP sockets (its fds matched to LISTEN rows). */
function listeningInodes(proc: ProcessSnapshot, net: NetTables | null): Set<number> {
  const own = new Set((proc.fds.ok ? proc.fds.value : []).flatMap((f) => (f.target.type === 'socket' && f.target.inode !== null ? [f.target.inode] : [])));
  const rows = net ? [...(net.inet.tcp.ok ? net.inet.tcp.value : []), ...(net.inet.tcp6.ok ? net.inet.tcp6.value : [])] : [];
  return new Set(rows.filter((r) => r.state === 'LISTEN' && own.has(r.inode)).map((r) => r.inode));
}

function parseCount(text: string): number {
  const v = text.trim();
  if (!/^\d+$/.test(v)) throw new Error(`not a number: ${JSON.stringify(v.slice(0, 20))}`);
  return Number(v);
}

/**
 * smaps_rollup came in 4.14: ENOENT under a pid whose stat was just read means "not in this
 * kernel", not "the process exited" (which a pid path's ENOENT otherwise means). A file
 * missing from a capture made before it was read stays "missing from the capture".
 */
function readSmapsRollup(fs: ProcFs, proc: ProcessSnapshot): ReadResult<SmapsRollup> {
  const path = `${proc.pid}/smaps_rollup`;
  const r = parseResult(fs.readText(path), path, parseSmapsRollup);
  if (!r.ok && r.error.kind === 'vanished' && r.error.errno === 'ENOENT' && proc.stat.ok) return fail({ ...r.error, kind: 'unsupported', message: 'not provided by this kernel (smaps_rollup is 4.14+)' });
  return r;
}

export function readInsightInputs(fs: ProcFs, proc: ProcessSnapshot, arch: Arch, net: NetTables | null, children: ChildrenSnapshot | null): InsightReads {
  const listening = listeningInodes(proc, net);
  return {
    smapsRollup: readSmapsRollup(fs, proc),
    somaxconn: listening.size > 0 ? parseResult(fs.readText('sys/net/core/somaxconn'), 'sys/net/core/somaxconn', parseCount) : null,
    listenFamily: listening.size > 0 ? readListenFamily(fs, proc, listening) : null,
    fdTables: readFdTables(fs, proc, children),
    files: readFileFlags(fs, proc, arch),
  };
}
