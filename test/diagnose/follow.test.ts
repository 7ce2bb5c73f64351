import { describe, expect, it } from 'vitest';
import { summarizeTargets } from '../../src/diagnose/follow/epoll.js';
import { followLines } from '../../src/diagnose/follow/lines.js';
import type { FdFollow } from '../../src/diagnose/follow/types.js';

const tcp = (fd: number, listening: boolean, local = '0.0.0.0:6379'): FdFollow => ({
  type: 'tcp', fd, inode: 100 + fd, local, remote: listening ? null : '10.0.0.2:5000', state: listening ? 'LISTEN' : 'ESTABLISHED',
  listening, sendQueue: 0, recvQueue: 0, peers: [], peerSearch: 'not-searched', text: `tcp ${fd}`,
});

describe('epoll summary in words', () => {
  it('an idle server: its listening socket and its client connections', () => {
    expect(summarizeTargets([tcp(5, true), tcp(6, false), tcp(7, false), tcp(8, false)], 4)).toBe(
      'idle server: waiting on 1 listening socket 0.0.0.0:6379 and 3 client connections',
    );
  });

  it("a runtime's own wakeup fds are named after the sockets", () => {
    const efd: FdFollow = { type: 'eventfd', fd: 9, counter: 0, text: 'eventfd (counter 0)' };
    expect(summarizeTargets([tcp(5, true), efd], 2)).toBe('idle server: waiting on 1 listening socket 0.0.0.0:6379 (also 1 eventfd)');
    expect(summarizeTargets([efd], 1)).toBe('event loop: waiting on 1 eventfd');
    expect(summarizeTargets([], 0)).toMatch(/watching no fds/);
  });

  it('followLines lists the summary, then each target', () => {
    const lines = followLines({ kind: 'epoll', summary: 'idle server: …', epoll: { epfd: 3, watched: 2, targets: [tcp(5, true), tcp(6, false)], summary: 'idle server: …' } });
    expect(lines).toEqual(['idle server: …', '  fd 5: tcp 5', '  fd 6: tcp 6']);
    expect(followLines(null)).toEqual([]);
  });
});
