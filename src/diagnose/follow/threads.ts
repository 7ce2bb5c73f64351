import type { ThreadDiagnosis } from '../types.js';
import { WAIT_KIND_INFO } from '../../kernel/wait-kind-info.js';
import type { Arch } from '../../kernel/arch.js';
import type { Sample } from '../../sample/types.js';
import type { ThreadSnapshot } from '../../readers/types.js';
import { followChildren } from './children.js';
import { followEpoll } from './epoll.js';
import { followFd, type FdContext } from './peers.js';
import type { FutexGroup, ThreadFollow } from './types.js';
import { waitCall } from '../../readers/wait-call.js';

/** What one thread's wait is on: its epoll watch list, its children, its futex group, or the fd it reads. */
export function followThread(
  snap: ThreadSnapshot,
  diagnosis: ThreadDiagnosis,
  sample: Sample,
  ctx: FdContext,
  futex: readonly FutexGroup[],
  arch: Arch,
): ThreadFollow | null {
  const follows = WAIT_KIND_INFO[diagnosis.wait.kind].follows;
  const call = waitCall(snap.syscall, arch);
  if (follows === 'epoll' && call?.epoll && call.fd !== null) {
    const epoll = followEpoll(call.fd, ctx);
    return epoll ? { kind: 'epoll', summary: epoll.summary, epoll } : null;
  }
  if (follows === 'children' && sample.follow?.children) {
    const children = followChildren(call, sample.follow.children, arch);
    return { kind: 'children', summary: children.summary, children };
  }
  if (follows === 'futex') {
    const group = futex.find((g) => g.tids.includes(diagnosis.tid));
    if (!group) return null;
    return { kind: 'futex', summary: `${group.id}: ${group.summary}`, futex: { groupId: group.id, address: group.address, waiters: group.count, style: group.style } };
  }
  if (follows === 'fd' && call?.fd != null) {
    const target = followFd(call.fd, ctx);
    return { kind: 'fd', summary: `fd ${call.fd}: ${target.text}`, target };
  }
  return null;
}
