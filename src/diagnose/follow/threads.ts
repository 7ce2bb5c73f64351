import type { ThreadDiagnosis } from '../types.js';
import type { Arch } from '../../kernel/wait-kinds.js';
import type { Sample, ThreadSnapshot } from '../../sample/types.js';
import { followChildren } from './children.js';
import { followEpoll } from './epoll.js';
import { followFd, type FdContext } from './peers.js';
import type { FutexGroup, ThreadFollow } from './types.js';
import { waitCall } from './wait-call.js';

const FD_KINDS = new Set(['pipe', 'socket', 'tty', 'event-fd', 'signal']);

/** What one thread's wait is on: its epoll watch list, its children, its futex group, or the fd it reads. */
export function followThread(
  snap: ThreadSnapshot,
  diagnosis: ThreadDiagnosis,
  sample: Sample,
  ctx: FdContext,
  futex: readonly FutexGroup[],
  arch: Arch,
): ThreadFollow | null {
  const kind = diagnosis.wait.kind;
  const call = waitCall(snap.syscall, arch);
  if (kind === 'epoll' && call?.epoll && call.fd !== null) {
    const epoll = followEpoll(call.fd, ctx);
    return epoll ? { kind: 'epoll', summary: epoll.summary, epoll } : null;
  }
  if (kind === 'waitpid' && sample.follow?.children) {
    const children = followChildren(call, sample.follow.children, arch);
    return { kind: 'children', summary: children.summary, children };
  }
  if (kind === 'futex') {
    const group = futex.find((g) => g.tids.includes(diagnosis.tid));
    if (!group) return null;
    return { kind: 'futex', summary: `${group.id}: ${group.summary}`, futex: { groupId: group.id, address: group.address, waiters: group.count, style: group.style } };
  }
  if (FD_KINDS.has(kind) && call?.fd != null) {
    const target = followFd(call.fd, ctx);
    return { kind: 'fd', summary: `fd ${call.fd}: ${target.text}`, target };
  }
  return null;
}
