/**
 * What following the waits must answer for each scenario, shared by the live tests
 * (test/live/follow.test.ts) and the replayed captures (test/fixtures/replay.test.ts),
 * so that a replay is held to the same answer as the live run.
 */
import { expect } from 'vitest';
import type { Diagnosis, ThreadDiagnosis } from '../../src/diagnose/types.js';
import type { FdFollow, ThreadFollow } from '../../src/diagnose/follow/types.js';
import { followLines } from '../../src/diagnose/follow/lines.js';

/** Pids known only live (the fixture answer is checked without them). */
export interface Related {
  readonly peer?: number;
  readonly client?: number;
  readonly port?: number;
  readonly writer?: number;
  readonly holder?: number;
  readonly children?: readonly number[];
}

export type FollowScenario = 'tcp-server-idle' | 'unix-socket-pair' | 'pipeline' | 'futex-cond-pool' | 'futex-lock-spinning' | 'waitpid-children';

function mainThread(d: Diagnosis): ThreadDiagnosis {
  const t = d.threads.find((x) => x.tid === d.process.pid);
  if (!t) throw new Error('main thread missing');
  return t;
}

function followOf<K extends ThreadFollow['kind']>(t: ThreadDiagnosis, kind: K): Extract<ThreadFollow, { kind: K }> {
  const f = t.follow;
  expect(f?.kind, `follow of ${t.tid}: ${JSON.stringify(f)?.slice(0, 200)}`).toBe(kind);
  expect(followLines(f).length).toBeGreaterThan(0);
  return f as Extract<ThreadFollow, { kind: K }>;
}

function targetOf<T extends FdFollow['type']>(f: FdFollow, type: T): FdFollow & { readonly type: T } {
  expect(f.type, f.text).toBe(type);
  return f as FdFollow & { readonly type: T };
}

export function expectFollow(scenario: FollowScenario, d: Diagnosis, related: Related = {}): void {
  switch (scenario) {
    case 'tcp-server-idle': {
      const f = followOf(mainThread(d), 'epoll');
      expect(f.summary).toMatch(/^idle server: waiting on 1 listening socket 127\.0\.0\.1:\d+ and 1 client connection/);
      const listen = f.epoll.targets.find((t) => t.type === 'tcp' && t.listening);
      expect(listen).toBeDefined();
      if (related.port) expect(targetOf(listen!, 'tcp').local).toBe(`127.0.0.1:${related.port}`);
      const conn = targetOf(f.epoll.targets.find((t) => t.type === 'tcp' && !t.listening)!, 'tcp');
      expect(conn.state).toBe('ESTABLISHED');
      expect(conn.remote).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(conn.peerSearch).toBe('found');
      expect(conn.peers.some((p) => p.comm === 'node')).toBe(true);
      if (related.client) expect(conn.peers.map((p) => p.pid)).toContain(related.client);
      expect(d.network?.byState.LISTEN).toBeGreaterThanOrEqual(1);
      expect(d.network?.byState.ESTABLISHED).toBeGreaterThanOrEqual(1);
      expect(d.network?.totals.retransSegs).not.toBeNull();
      expect(d.verdict.kind).toBe('idle');
      expect(d.verdict.summary).toMatch(/idle server/);
      break;
    }
    case 'unix-socket-pair': {
      const main = mainThread(d);
      expect(main.wait.kind).toBe('socket');
      const f = followOf(main, 'fd');
      const t = targetOf(f.target, 'unix');
      expect(t.state).toBe('connected');
      expect(t.path).toMatch(/proctriage-\d+-\d+\.sock$/);
      expect(t.peerSearch).toBe('found');
      expect(t.peers.some((p) => p.comm === 'unixpair')).toBe(true);
      if (related.peer) expect(t.peers.map((p) => p.pid)).toContain(related.peer);
      expect(t.peerBasis).toMatch(/adjacent inode|a relative's connected unnamed stream socket/);
      break;
    }
    case 'pipeline': {
      const main = mainThread(d);
      expect(main.wait.kind).toBe('pipe');
      const t = targetOf(followOf(main, 'fd').target, 'pipe');
      expect(t.peerSearch).toBe('found');
      expect(t.peers.map((p) => p.comm)).toEqual(['sleep']);
      expect(t.peers[0]!.access).toBe('write');
      if (related.writer) expect(t.peers[0]!.pid).toBe(related.writer);
      expect(t.text).toMatch(/other end: sleep \(pid \d+\)/);
      break;
    }
    case 'futex-cond-pool': {
      const g = d.futexGroups![0]!;
      expect(g.count).toBeGreaterThanOrEqual(4);
      expect(g.style).toBe('parked-pool');
      expect(g.contended).toBe(true);
      expect(g.summary).toMatch(/idle pool: \d+ threads parked on one condition variable/);
      const waiter = d.threads.find((t) => t.tid === g.tids[0])!;
      expect(followOf(waiter, 'futex').futex.groupId).toBe(g.id);
      expect(d.verdict.kind).toBe('idle');
      break;
    }
    case 'futex-lock-spinning': {
      const g = d.futexGroups![0]!;
      expect(g.count).toBe(4);
      expect(g.style).toBe('lock-queue');
      expect(g.basis).toMatch(/mutex slow path.*likely holder: waiters \d+ \(running/);
      if (related.holder) expect(g.basis).toContain(`waiters ${related.holder} (`);
      expect(g.summary).toMatch(/4 threads queued behind one lock at 0x[0-9a-f]+ while waiters \d+ runs/);
      expect(d.verdict.summary).toMatch(/queued behind one lock/);
      break;
    }
    case 'waitpid-children': {
      const f = followOf(mainThread(d), 'children');
      expect(f.children.waitsFor).toBe('any child');
      expect(f.children.groups).toEqual([{ comm: 'sleep', kind: 'sleep', count: 3, label: '3 children `sleep` sleep in nanosleep' }]);
      expect(f.summary).toBe('waits for any child: 3 children `sleep` sleep in nanosleep');
      if (related.children) expect(f.children.children.map((c) => c.pid)).toEqual([...related.children]);
      break;
    }
  }
}
