import { ParseError } from '../procfs/errors.js';

export interface EpollTarget {
  readonly tfd: number;
  /** Registered event mask (EPOLLIN 0x1, EPOLLOUT 0x4, EPOLLET 0x80000000, …). */
  readonly events: number;
  readonly data: string;
  /** Inode of the watched file (hex in the kernel's text). */
  readonly ino: number | null;
}

export interface InotifyWatch {
  readonly wd: number;
  readonly ino: number;
  readonly mask: number;
}

export interface TimerfdInfo {
  readonly clockid: number;
  readonly ticks: number;
  /** Time to the next expiry in seconds (it_value), 0 = disarmed. */
  readonly nextExpirySeconds: number;
  readonly intervalSeconds: number;
}

/** `/proc/<pid>/fdinfo/<fd>`: the common lines and the type-specific ones we understand. */
export interface FdInfo {
  readonly pos: number;
  readonly flags: number;
  readonly mntId: number | null;
  readonly ino: number | null;
  readonly epoll: readonly EpollTarget[] | null;
  readonly eventfdCount: number | null;
  readonly timerfd: TimerfdInfo | null;
  readonly inotify: readonly InotifyWatch[] | null;
  /** signalfd mask: bit N-1 = signal N. */
  readonly signalfdMask: bigint | null;
}

const EPOLL_LINE = /^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)\s+data:\s*([0-9a-f]+)(?:\s+pos:(\d+))?(?:\s+ino:([0-9a-f]+))?/;
const INOTIFY_LINE = /^inotify wd:([0-9a-f]+) ino:([0-9a-f]+) sdev:[0-9a-f]+ mask:([0-9a-f]+)/;
const PAIR = /^\((\d+), (\d+)\)$/;

function seconds(raw: string | undefined, line: number): number {
  const m = raw === undefined ? null : PAIR.exec(raw.trim());
  if (!m) throw new ParseError(`expected "(sec, nsec)", got ${JSON.stringify(raw ?? '')}`, line);
  return Number(m[1]) + Number(m[2]) / 1e9;
}

export function parseFdInfo(text: string): FdInfo {
  let pos: number | null = null;
  let flags: number | null = null;
  let mntId: number | null = null;
  let ino: number | null = null;
  let epoll: EpollTarget[] | null = null;
  let inotify: InotifyWatch[] | null = null;
  let eventfdCount: number | null = null;
  let signalfdMask: bigint | null = null;
  const timer: Record<string, string> = {};
  let timerLine = 0;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const n = i + 1;
    let m: RegExpExecArray | null;
    if ((m = EPOLL_LINE.exec(line))) {
      (epoll ??= []).push({ tfd: Number(m[1]), events: parseInt(m[2]!, 16), data: m[3]!, ino: m[5] !== undefined ? parseInt(m[5], 16) : null });
      continue;
    }
    if ((m = INOTIFY_LINE.exec(line))) {
      (inotify ??= []).push({ wd: parseInt(m[1]!, 16), ino: parseInt(m[2]!, 16), mask: parseInt(m[3]!, 16) });
      continue;
    }
    const colon = line.indexOf(':');
    // io_uring's fdinfo has lines with no colon (`    1` under Personalities, `  op=1, task_works=0`
    // under PollList): type-specific detail we do not read. pos/flags are still required below.
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const decimal = (what: string) => {
      if (!/^\d+$/.test(value)) throw new ParseError(`${what} is not a number: ${JSON.stringify(value.slice(0, 30))}`, n);
      return Number(value);
    };
    switch (key) {
      case 'pos':
        // `%lli`: a driver may leave f_pos negative.
        if (!/^-?\d+$/.test(value)) throw new ParseError(`pos is not a number: ${JSON.stringify(value.slice(0, 30))}`, n);
        pos = Number(value);
        break;
      case 'flags':
        if (!/^[0-7]+$/.test(value)) throw new ParseError(`flags is not octal: ${JSON.stringify(value.slice(0, 30))}`, n);
        flags = parseInt(value, 8);
        break;
      case 'mnt_id':
        mntId = decimal('mnt_id');
        break;
      case 'ino':
        ino = decimal('ino');
        break;
      case 'eventfd-count':
        if (!/^[0-9a-f]+$/.test(value)) throw new ParseError('eventfd-count is not hex', n);
        eventfdCount = parseInt(value, 16);
        break;
      case 'sigmask':
        if (!/^[0-9a-f]{1,16}$/.test(value)) throw new ParseError('sigmask is not hex', n);
        signalfdMask = BigInt(`0x${value}`);
        break;
      case 'clockid':
      case 'ticks':
      case 'settime flags':
      case 'it_value':
      case 'it_interval':
        timer[key] = value;
        timerLine ||= n;
        break;
      default:
        // Other type-specific lines (eventfd-id, tty, drm, …) are not needed for a diagnosis.
        break;
    }
  }
  if (pos === null || flags === null) throw new ParseError('fdinfo has no pos/flags lines', 1);
  let timerfd: TimerfdInfo | null = null;
  if (timer.clockid !== undefined) {
    const timerNumber = (key: 'clockid' | 'ticks', raw: string) => {
      if (!/^\d+$/.test(raw)) throw new ParseError(`timerfd ${key} is not a number: ${JSON.stringify(raw.slice(0, 30))}`, timerLine);
      return Number(raw);
    };
    timerfd = {
      clockid: timerNumber('clockid', timer.clockid),
      ticks: timerNumber('ticks', timer.ticks ?? '0'),
      nextExpirySeconds: seconds(timer.it_value, timerLine),
      intervalSeconds: seconds(timer.it_interval, timerLine),
    };
  }
  return { pos, flags, mntId, ino, epoll, eventfdCount, timerfd, inotify, signalfdMask };
}
