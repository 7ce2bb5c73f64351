/**
 * The insights' judgements on hand-made inputs, for the cases a live program does not give on
 * demand (a mix of exclusive and plain waiters, epoll instances with no waiting thread). The
 * live programs are in test/live/insights.test.ts, their captures in test/fixtures.
 */
import { describe, expect, it } from 'vitest';
import { herdOf } from '../../src/diagnose/insights/herd.js';
import type { InsightInput } from '../../src/diagnose/insights/input.js';
import type { SocketWaiters } from '../../src/diagnose/insights/listen-waiters.js';
import type { EpollWatcher } from '../../src/diagnose/insights/types.js';
import { EPOLLEXCLUSIVE } from '../../src/kernel/mechanisms.js';

/** One sample, no rates: what herdOf reads of the input is the pid and the (absent) interval. */
const input = { model: { previous: null, current: {}, rates: null, host: { arch: 'x86_64' } }, process: { pid: 100 } } as unknown as InsightInput;

const watcher = (pid: number, exclusive: boolean, waiting: readonly number[]): EpollWatcher => ({
  pid,
  comm: 'srv',
  epfd: 4,
  events: 0x19 | (exclusive ? EPOLLEXCLUSIVE : 0),
  exclusive,
  waitingTids: waiting,
});

function socket(watchers: EpollWatcher[], acceptors: number[] = [], lists?: string[]): SocketWaiters {
  return {
    inode: 5,
    local: '127.0.0.1:80',
    fd: 3,
    watchers,
    acceptors: acceptors.map((tid) => ({ pid: 100, comm: 'srv', tid })),
    watchLists: lists ?? watchers.map((_, i) => `5,${100 + i}`),
    holders: 1 + new Set(watchers.map((w) => w.pid)).size,
    search: { processes: 4, cut: false },
  };
}

describe('a herd is counted on the socket wait queue', () => {
  it('plain watches with a waiting thread each: every one is woken', () => {
    const h = herdOf(socket([watcher(1, false, [1]), watcher(2, false, [2]), watcher(3, false, [3])]), input)!;
    expect(h).toMatchObject({ waiters: 3, wokenPerConnection: 3, judgement: 'thundering-herd', separateInstances: 'certain', confidence: 'certain' });
    expect(h.passiveOpensPerSec).toBeNull();
  });

  it('an instance with no thread waiting is not woken: it only queues the event', () => {
    const h = herdOf(socket([watcher(1, false, [1]), watcher(2, false, [])]), input);
    expect(h).toBeNull();
  });

  it('exclusive watches and accept() waiters: one is woken, plain ones all the same', () => {
    expect(herdOf(socket([watcher(1, true, [1]), watcher(2, true, [2])], [7]), input)).toMatchObject({ waiters: 3, wokenPerConnection: 1, judgement: 'one-woken' });
    // __wake_up_common wakes every non-exclusive entry, then stops at the first exclusive one.
    expect(herdOf(socket([watcher(1, false, [1]), watcher(2, true, [2])], [7]), input)).toMatchObject({ waiters: 3, wokenPerConnection: 2, judgement: 'thundering-herd' });
  });

  it('several threads in one epoll instance are one waiter (ep_poll queues them exclusively)', () => {
    expect(herdOf(socket([watcher(1, false, [1, 11, 12])]), input)).toBeNull();
  });

  it('identical watch lists in several processes may be one instance shared through fork: likely', () => {
    const h = herdOf(socket([watcher(1, false, [1]), watcher(2, false, [2])], [], ['5', '5']), input)!;
    expect(h).toMatchObject({ separateInstances: 'likely', confidence: 'likely', judgement: 'thundering-herd' });
  });
});
