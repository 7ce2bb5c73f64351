import { describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_SECOND, OTHER, processGroup, WaitWindow } from '../../src/serve/window.js';
import { sample, thread } from './support.js';

const window = (over: Partial<ConstructorParameters<typeof WaitWindow>[0]> = {}) => new WaitWindow({ windowMs: 10_000, maxGroups: 30, maxSeries: 2000, ...over });

describe('the wait window: average active threads per (kind, function, process group)', () => {
  it('sums each group over the samples and divides by their number', () => {
    const w = window();
    const busy = [thread(1, 1, 'app', 'running', null), thread(1, 2, 'app', 'futex', 'futex_do_wait'), thread(1, 3, 'app', 'futex', 'futex_do_wait')];
    w.add(sample(0, busy));
    w.add(sample(250, busy.slice(1)));
    w.add(sample(500, busy.slice(2)));
    w.add(sample(750, []));
    expect(w.samples).toBe(4);
    expect(w.waits()).toEqual([
      { kind: 'futex', function: 'futex_do_wait', group: 'app', threads: (2 + 2 + 1 + 0) / 4 },
      { kind: 'running', function: '', group: 'app', threads: 1 / 4 },
    ]);
  });

  it('forgets samples older than the window, a second at a time', () => {
    const w = window({ windowMs: 2000 });
    w.add(sample(0, [thread(1, 1, 'old', 'sleep', 'hrtimer_nanosleep')]));
    w.add(sample(1000, [thread(2, 2, 'new', 'sleep', 'hrtimer_nanosleep')]));
    w.add(sample(2000, [thread(2, 2, 'new', 'sleep', 'hrtimer_nanosleep')]));
    expect(w.waits().map((s) => [s.group, s.threads])).toEqual([['new', 1]]);
    expect(w.seconds).toBe(2);
  });

  it('names the busiest groups and sums the rest as (other); idle threads do not count towards busy', () => {
    const w = window({ maxGroups: 2 });
    const threads = [
      ...Array.from({ length: 5 }, (_, i) => thread(10, 10 + i, 'big', 'futex', 'futex_do_wait')),
      ...Array.from({ length: 3 }, (_, i) => thread(20, 20 + i, 'mid', 'epoll', 'do_epoll_wait')),
      thread(30, 30, 'small', 'epoll', 'do_epoll_wait'),
      thread(31, 31, 'tiny', 'epoll', 'do_epoll_wait'),
      ...Array.from({ length: 9 }, (_, i) => thread(40 + i, 40 + i, `kworker/${i}:0`, 'idle', 'worker_thread', { isKernelThread: true })),
    ];
    w.add(sample(0, threads));
    const series = w.waits();
    expect(series.map((s) => [s.kind, s.group, s.threads])).toEqual([
      ['idle', OTHER, 9],
      ['futex', 'big', 5],
      ['epoll', 'mid', 3],
      ['epoll', OTHER, 2],
    ]);
  });

  it('groups kernel threads by the name before "/"', () => {
    expect(processGroup({ processComm: 'kworker/3:1H', isKernelThread: true })).toBe('kworker');
    expect(processGroup({ processComm: 'a/b', isKernelThread: false })).toBe('a/b');
  });

  it('stays within maxSeries by summing the smallest series of each kind', () => {
    const w = window({ maxSeries: 4 });
    w.add(sample(0, Array.from({ length: 10 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => thread(i + 1, 100 * i + j, `p${i}`, i % 2 ? 'futex' : 'sleep', 'f'))).flat()));
    const series = w.waits();
    expect(series.length).toBeLessThanOrEqual(4);
    expect(series.reduce((n, s) => n + s.threads, 0)).toBe(55);
    expect(series.filter((s) => s.group === OTHER).map((s) => s.function)).toEqual([OTHER, OTHER]);
  });

  it('keeps its label sets and its memory bounded with 100,000 short-lived processes of distinct names', () => {
    const w = window({ maxGroups: 20 });
    for (let second = 0; second < 10; second++) {
      const threads = Array.from({ length: 10_000 }, (_, i) => {
        const pid = second * 10_000 + i + 1;
        return thread(pid, pid, `job-${pid}`, 'sleep', 'hrtimer_nanosleep');
      });
      w.add(sample(second * 1000, threads));
    }
    const series = w.waits();
    expect(series.length).toBeLessThanOrEqual(21);
    expect(series.reduce((n, s) => n + s.threads, 0)).toBeCloseTo(10_000);
    const buckets = (w as unknown as { buckets: { waits: Map<unknown, number> }[] }).buckets;
    for (const b of buckets) expect(b.waits.size).toBeLessThanOrEqual(MAX_KEYS_PER_SECOND + 1);
  });

  it('averages the longest lock queue of each group over the samples', () => {
    const w = window();
    const queued = (n: number, word: string) => Array.from({ length: n }, (_, i) => thread(7, 700 + i, 'db', 'futex', 'futex_do_wait', { lockWord: word }));
    w.add(sample(0, [...queued(6, '0xa'), ...queued(2, '0xb')]));
    w.add(sample(100, queued(2, '0xa')));
    expect(w.lockQueues()).toEqual([{ group: 'db', threads: 4 }]);
  });
});
