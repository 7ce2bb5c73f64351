import type { FdSnapshot } from '../../readers/types.js';
import { followFd, type FdContext } from './peers.js';
import type { EpollFollow, FdFollow } from './types.js';

const MAX_TARGETS = 64;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "idle server: waiting on 1 listening socket 0.0.0.0:6379 and 3 client connections". */
export function summarizeTargets(targets: readonly FdFollow[], watched: number): string {
  if (watched === 0) return 'watching no fds (only a timeout can wake it)';
  const listening = targets.filter((t) => (t.type === 'tcp' || t.type === 'udp' || t.type === 'unix') && t.listening);
  const connections = targets.filter((t) => (t.type === 'tcp' || t.type === 'unix') && !t.listening);
  const rest = new Map<string, number>();
  for (const t of targets) {
    if (listening.includes(t) || connections.includes(t)) continue;
    const key = t.type === 'socket' || t.type === 'anon' || t.type === 'other' || t.type === 'closed' ? 'other fd' : t.type;
    rest.set(key, (rest.get(key) ?? 0) + 1);
  }
  const parts: string[] = [];
  const others: string[] = [];
  if (listening.length > 0) {
    const where = listening.slice(0, 3).map((t) => (t.type === 'unix' ? t.path ?? '(unnamed)' : t.type === 'tcp' || t.type === 'udp' ? t.local : '')).join(', ');
    parts.push(`${plural(listening.length, 'listening socket')} ${where}${listening.length > 3 ? ', …' : ''}`);
  }
  if (connections.length > 0) parts.push(plural(connections.length, listening.length > 0 ? 'client connection' : 'connection'));
  // With sockets watched, eventfds, pipes and timers are usually the runtime's own wakeups: named after them.
  for (const [kind, n] of rest) (parts.length > 0 ? others : parts).push(plural(n, kind));
  if (watched > targets.length) others.push(`${watched - targets.length} more not resolved`);
  const queued = targets.some((t) => (t.type === 'tcp' || t.type === 'udp') && t.recvQueue > 0);
  const role = listening.length > 0 ? (queued ? 'server with unread data' : 'idle server') : connections.length > 0 ? (queued ? 'client with unread data' : 'idle client') : 'event loop';
  return `${role}: waiting on ${joinWords(parts)}${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`;
}

export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** The epoll instance a thread waits in, and each fd it watches, resolved. */
export function followEpoll(epfd: number, ctx: FdContext): EpollFollow | null {
  const fd: FdSnapshot | undefined = ctx.fds.get(epfd);
  if (!fd || fd.target.anonKind !== 'eventpoll') return null;
  if (!fd.info?.ok) {
    const why = fd.info && !fd.info.ok ? fd.info.error.message : 'no fdinfo';
    return { epfd, watched: 0, targets: [], summary: `epoll fd ${epfd}: its watch list could not be read (${why})` };
  }
  const lines = fd.info.value.epoll ?? [];
  const targets = lines.slice(0, MAX_TARGETS).map((line) => followFd(line.tfd, ctx));
  return { epfd, watched: lines.length, targets, summary: summarizeTargets(targets, lines.length) };
}
