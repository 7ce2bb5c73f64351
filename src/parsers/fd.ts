/** What an `fd/N` symlink points at, from its text alone (we never follow it). */
export type FdType = 'socket' | 'pipe' | 'anon_inode' | 'file' | 'device' | 'tty' | 'other';

export interface FdTarget {
  readonly type: FdType;
  /** For `socket:[N]` and `pipe:[N]`: the inode, used to find the peer or the /proc/net row. */
  readonly inode: number | null;
  /** For `anon_inode:[eventpoll]` → `eventpoll`; `anon_inode:inotify` → `inotify`. */
  readonly anonKind: string | null;
  readonly target: string;
}

export function parseFdTarget(target: string): FdTarget {
  const inodeMatch = /^(socket|pipe):\[(\d+)\]$/.exec(target);
  if (inodeMatch) return { type: inodeMatch[1] as 'socket' | 'pipe', inode: Number(inodeMatch[2]), anonKind: null, target };
  const anon = /^anon_inode:\[?([^\]]*)\]?$/.exec(target);
  if (anon) return { type: 'anon_inode', inode: null, anonKind: anon[1] ?? '', target };
  if (/^\/dev\/(pts\/|tty)/.test(target)) return { type: 'tty', inode: null, anonKind: null, target };
  if (target.startsWith('/dev/')) return { type: 'device', inode: null, anonKind: null, target };
  if (target.startsWith('/')) return { type: 'file', inode: null, anonKind: null, target };
  return { type: 'other', inode: null, anonKind: null, target };
}
