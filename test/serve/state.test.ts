import { describe, expect, it } from 'vitest';
import { ok, fail } from '../../src/procfs/errors.js';
import type { InetSocketRow } from '../../src/parsers/net.js';
import { listenSeries, psiSeries, uninterruptible } from '../../src/serve/state.js';
import { inCgroup, targetVerdict } from '../../src/serve/targets.js';
import { OTHER } from '../../src/serve/window.js';
import { sample, thread } from './support.js';

const listener = (address: string, port: number, rxQueue: number): InetSocketRow => ({ local: { address, port }, remote: { address: '0.0.0.0', port: 0 }, state: 'LISTEN', txQueue: 0, rxQueue, uid: 0, inode: port });

describe('what serve makes of a sample', () => {
  it('D-state threads by wait site, with the longest time one has not run', () => {
    const s = sample(10_000, [
      thread(1, 1, 'dd', 'disk-io', 'folio_wait_bit_common', { state: 'D', stillSinceMs: 4000, wait: { kind: 'disk-io', function: 'folio_wait_bit_common', syscall: null, site: 'disk-io-read-page', confidence: 'certain' } }),
      thread(2, 2, 'dd', 'disk-io', 'folio_wait_bit_common', { state: 'D', stillSinceMs: 9000, wait: { kind: 'disk-io', function: 'folio_wait_bit_common', syscall: null, site: 'disk-io-read-page', confidence: 'certain' } }),
      thread(3, 3, 'app', 'futex', 'futex_do_wait'),
    ]);
    expect(uninterruptible(s)).toEqual([{ kind: 'disk-io', site: 'disk-io-read-page', function: 'folio_wait_bit_common', threads: 2, longestSeconds: 6 }]);
  });

  it('PSI lines in base units: avg10 as a ratio, total in seconds; absent lines absent', () => {
    const line = (avg10: number, total: number) => ({ avg10, avg60: 0, avg300: 0, total });
    const set = { cpu: ok({ some: line(25, 3_000_000), full: null }), memory: ok({ some: line(0, 0), full: line(1, 500) }), io: fail({ kind: 'unsupported' as const, path: 'pressure/io', message: 'x' }), irq: ok({ some: null, full: line(2, 1) }) };
    expect(psiSeries(set)).toEqual([
      { resource: 'cpu', line: 'some', avg10: 0.25, totalSeconds: 3 },
      { resource: 'memory', line: 'some', avg10: 0, totalSeconds: 0 },
      { resource: 'memory', line: 'full', avg10: 0.01, totalSeconds: 0.0005 },
      { resource: 'irq', line: 'full', avg10: 0.02, totalSeconds: 0.000001 },
    ]);
  });

  it('listening sockets by port: how many and the longest queue; addresses only when asked; the rest as (other)', () => {
    const rows = [listener('0.0.0.0', 80, 3), listener('127.0.0.1', 80, 9), listener('0.0.0.0', 22, 0), listener('0.0.0.0', 5432, 1)].map((r) => ['tcp', r] as const);
    expect(listenSeries(rows, false, 2)).toEqual([
      { family: 'tcp', port: '80', address: null, sockets: 2, queue: 9 },
      { family: 'tcp', port: '5432', address: null, sockets: 1, queue: 1 },
      { family: 'tcp', port: OTHER, address: null, sockets: 1, queue: 0 },
    ]);
    expect(listenSeries(rows, true, 10).map((s) => [s.address, s.port, s.queue])).toEqual([
      ['127.0.0.1', '80', 9],
      ['0.0.0.0', '80', 3],
      ['0.0.0.0', '5432', 1],
      ['0.0.0.0', '22', 0],
    ]);
  });
});

describe('verdict targets', () => {
  it('a cgroup selects its processes and those of the cgroups below it, v2 or v1', () => {
    const v2 = [{ hierarchyId: 0, controllers: [], path: '/system.slice/nginx.service' }];
    expect(inCgroup(v2, '/system.slice')).toBe(true);
    expect(inCgroup(v2, '/system.slice/')).toBe(true);
    expect(inCgroup(v2, '/system.slice/nginx.service')).toBe(true);
    expect(inCgroup(v2, '/system.sl')).toBe(false);
    expect(inCgroup(v2, '/')).toBe(true);
    expect(inCgroup([{ hierarchyId: 4, controllers: ['memory'], path: '/docker/abc' }], '/docker')).toBe(true);
  });

  it('reduces a diagnosis to the verdict and the numbers behind it', () => {
    const d = {
      process: { pid: 9, comm: 'db', cpuPercent: 150, runqueueDelayMsPerSec: 250, threadCount: 12 },
      verdict: { kind: 'disk-io', resource: 'io', severity: 'problem', summary: '' },
      waitGroups: [{ kind: 'futex', count: 8 }, { kind: 'disk-io', count: 3 }, { kind: 'futex', count: 1 }],
      futexGroups: [{ style: 'lock-queue', count: 8 }, { style: 'parked-pool', count: 20 }],
    };
    expect(targetVerdict(d as unknown as Parameters<typeof targetVerdict>[0])).toEqual({
      pid: 9,
      comm: 'db',
      kind: 'disk-io',
      resource: 'io',
      severity: 'problem',
      cpu: 1.5,
      runqueueDelay: 0.25,
      threads: 12,
      threadsByKind: [['disk-io', 3], ['futex', 9]],
      lockQueue: 8,
    });
  });
});
