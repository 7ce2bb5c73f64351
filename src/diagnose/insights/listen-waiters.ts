import type { Arch } from '../../kernel/arch.js';
import { EPOLLEXCLUSIVE } from '../../kernel/mechanisms.js';
import { waitCallOf } from '../../kernel/syscall-signatures.js';
import type { ReadResult } from '../../procfs/errors.js';
import type { SyscallState } from '../../parsers/syscall.js';
import type { FdSnapshot } from '../../readers/types.js';
import type { InsightInput } from './input.js';
import type { AcceptWaiter, EpollWatcher } from './types.js';

/** A process as the listening-socket insights see it: its relevant fds and what each thread is in. */
interface ProcessView {
  readonly pid: number;
  readonly comm: string | null;
  readonly fds: readonly FdSnapshot[];
  readonly threads: readonly { readonly tid: number; readonly syscall: ReadResult<SyscallState> }[];
}

/** Everything that waits on one listening socket, in the process and its family. */
export interface SocketWaiters {
  readonly inode: number;
  readonly local: string;
  readonly fd: number;
  readonly watchers: readonly EpollWatcher[];
  readonly acceptors: readonly AcceptWaiter[];
  /** Each watcher's watch list (the sorted inodes it watches), to tell separate instances apart. */
  readonly watchLists: readonly string[];
  /** Processes holding the socket: the target and the family processes found. */
  readonly holders: number;
  readonly search: { readonly processes: number; readonly cut: boolean };
}

const ACCEPT_CALLS = new Set(['accept', 'accept4']);

function viewsOf(input: InsightInput): ProcessView[] {
  const proc = input.model.current.process;
  const own: ProcessView = {
    pid: proc.pid,
    comm: input.process.comm,
    fds: proc.fds.ok ? proc.fds.value : [],
    threads: (proc.threads.ok ? proc.threads.value : []).map((t) => ({ tid: t.tid, syscall: t.syscall })),
  };
  const family = input.model.current.follow?.insight?.listenFamily?.processes ?? [];
  return [own, ...family];
}

/** A watch's inode: fdinfo's `ino:` (4.13+), else the inode of the fd `tfd` in the same process (the epoll_ctl caller's fd). */
function watchedInode(tfd: number, ino: number | null, byFd: ReadonlyMap<number, FdSnapshot>): number | null {
  return ino ?? byFd.get(tfd)?.target.inode ?? null;
}

interface Wait {
  readonly tid: number;
  readonly epfd: number | null;
  readonly acceptFd: number | null;
}

function waitsOf(view: ProcessView, arch: Arch): Wait[] {
  return view.threads.flatMap((t): Wait[] => {
    if (!t.syscall.ok || t.syscall.value.kind !== 'in-syscall') return [];
    const call = waitCallOf(arch, t.syscall.value.nr, t.syscall.value.args);
    if (!call || call.fd === null) return [];
    if (call.epoll) return [{ tid: t.tid, epfd: call.fd, acceptFd: null }];
    return ACCEPT_CALLS.has(call.name) ? [{ tid: t.tid, epfd: null, acceptFd: call.fd }] : [];
  });
}

/** For each of the process's listening TCP sockets: the epoll instances watching it and the threads in accept() on it. */
export function listenWaiters(input: InsightInput): SocketWaiters[] {
  const arch = input.model.host.arch;
  const family = input.model.current.follow?.insight?.listenFamily ?? null;
  const views = viewsOf(input);
  const perView = views.map((view) => ({ view, byFd: new Map(view.fds.map((f) => [f.fd, f])), waits: waitsOf(view, arch) }));
  return input.network.listening.map((l) => {
    const watchers: EpollWatcher[] = [];
    const watchLists: string[] = [];
    const acceptors: AcceptWaiter[] = [];
    let holders = 0;
    for (const { view, byFd, waits } of perView) {
      if (view.fds.some((f) => f.target.type === 'socket' && f.target.inode === l.inode)) holders++;
      for (const f of view.fds) {
        const lines = f.target.anonKind === 'eventpoll' && f.info?.ok ? (f.info.value.epoll ?? []) : [];
        const inodes = lines.map((w) => watchedInode(w.tfd, w.ino, byFd));
        const at = inodes.indexOf(l.inode);
        if (at < 0) continue;
        const events = lines[at]!.events;
        watchers.push({
          pid: view.pid,
          comm: view.comm,
          epfd: f.fd,
          events,
          exclusive: (events & EPOLLEXCLUSIVE) !== 0,
          waitingTids: waits.filter((w) => w.epfd === f.fd).map((w) => w.tid),
        });
        watchLists.push(inodes.map((i) => i ?? '?').sort().join(','));
      }
      for (const w of waits) {
        if (w.acceptFd !== null && byFd.get(w.acceptFd)?.target.inode === l.inode) acceptors.push({ pid: view.pid, comm: view.comm, tid: w.tid });
      }
    }
    return {
      inode: l.inode,
      local: l.local,
      fd: l.fd,
      watchers,
      acceptors,
      watchLists,
      holders,
      search: { processes: family?.searched ?? 0, cut: family?.cut ?? false },
    };
  });
}
