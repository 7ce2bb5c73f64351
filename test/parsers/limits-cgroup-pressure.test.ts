import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cgroupV2Path, parseCgroup, type CgroupEntry } from '../../src/parsers/cgroup.js';
import { parseLimits, type Limit } from '../../src/parsers/limits.js';
import { parsePressure, type PsiLine } from '../../src/parsers/pressure.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { counter } from './support/kernel.js';
import { CGROUP_HYBRID, LIMITS_CAT, PRESSURE_CPU } from './support/samples.js';

describe('parseLimits', () => {
  it('reads numbers, `unlimited` as null, and a row with no units', () => {
    const limits = parseLimits(LIMITS_CAT);
    expect(Object.keys(limits)).toHaveLength(16);
    expect(limits['Max open files']).toEqual({ soft: 20000, hard: 20000, units: 'files' });
    expect(limits['Max stack size']).toEqual({ soft: 8388608, hard: null, units: 'bytes' });
    expect(limits['Max cpu time']).toEqual({ soft: null, hard: null, units: 'seconds' });
    expect(limits['Max nice priority']).toEqual({ soft: 0, hard: 0, units: '' });
  });

  it.each([
    ['no header', LIMITS_CAT.split('\n').slice(1).join('\n')],
    ['a word for a value', LIMITS_CAT.replace('20000                20000', 'lots                 20000')],
    ['a row with one value', `${LIMITS_CAT}Max cpu time              unlimited\n`],
  ])('refuses %s', (_, text) => {
    expect(() => parseLimits(text)).toThrow(ParseError);
  });
});

/** fs/proc/base.c lnames[]: name and units. */
const LIMIT_NAMES: [string, string][] = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'], ['Max stack size', 'bytes'],
  ['Max core file size', 'bytes'], ['Max resident set', 'bytes'], ['Max processes', 'processes'], ['Max open files', 'files'],
  ['Max locked memory', 'bytes'], ['Max address space', 'bytes'], ['Max file locks', 'locks'], ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'], ['Max nice priority', ''], ['Max realtime priority', ''], ['Max realtime timeout', 'us'],
];
const limitValue = fc.option(counter, { freq: 3 });

describe('parseLimits round trip', () => {
  it('reads back every limit printed with the kernel column widths', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(limitValue, limitValue), { minLength: 16, maxLength: 16 }), (values) => {
        const cell = (v: number | null) => `${(v === null ? 'unlimited' : String(v)).padEnd(20)} `;
        const rows = LIMIT_NAMES.map(([name, units], i) => {
          const [soft, hard] = values[i]!;
          return `${name.padEnd(25)} ${cell(soft)}${cell(hard)}${units ? units.padEnd(10) : ''}\n`;
        });
        const text = `${'Limit'.padEnd(25)} ${'Soft Limit'.padEnd(20)} ${'Hard Limit'.padEnd(20)} ${'Units'.padEnd(10)}\n${rows.join('')}`;
        const expected: Record<string, Limit> = {};
        LIMIT_NAMES.forEach(([name, units], i) => (expected[name] = { soft: values[i]![0], hard: values[i]![1], units }));
        expect(parseLimits(text)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseCgroup', () => {
  it('reads v1 controllers, a named hierarchy and the v2 line (this machine)', () => {
    const entries = parseCgroup(CGROUP_HYBRID);
    expect(entries).toHaveLength(10);
    expect(entries[0]).toEqual({ hierarchyId: 9, controllers: ['name=systemd'], path: '/' });
    expect(entries[5]).toEqual({ hierarchyId: 4, controllers: ['memory'], path: '/process_api/2513a494dd0b727bf33ade81d0c9b4bd' });
    expect(cgroupV2Path(entries)).toBe('/');
  });

  it('reads comma-joined controllers, a path with colons, and a v1-only system', () => {
    const entries = parseCgroup('4:cpu,cpuacct:/system.slice/a:b.service\n2:name=systemd:/x\n');
    expect(entries[0]).toEqual({ hierarchyId: 4, controllers: ['cpu', 'cpuacct'], path: '/system.slice/a:b.service' });
    expect(cgroupV2Path(entries)).toBeNull();
  });

  it('reads a pure v2 system', () => {
    expect(cgroupV2Path(parseCgroup('0::/user.slice/user-1000.slice/session-2.scope\n'))).toBe('/user.slice/user-1000.slice/session-2.scope');
  });

  it.each([['no colons', 'hello\n'], ['one colon', '0:/\n'], ['a word for the id', 'x::/\n'], ['no id', '::/\n']])('refuses %s', (_, text) => {
    expect(() => parseCgroup(text)).toThrow(ParseError);
  });
});

const controller = fc.stringMatching(/^(name=)?[a-z_]{1,12}$/);
const cgroupPath = fc.array(fc.stringMatching(/^[^\n/]{1,20}$/), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const cgroupEntry = fc.oneof(
  fc.record({ hierarchyId: fc.integer({ min: 1, max: 64 }), controllers: fc.array(controller, { minLength: 1, maxLength: 3 }), path: cgroupPath }),
  fc.record({ hierarchyId: fc.constant(0), controllers: fc.constant([] as string[]), path: cgroupPath }),
);

describe('parseCgroup round trip', () => {
  it('reads back `id:controllers:path` lines, colons in the path included', () => {
    fc.assert(
      fc.property(fc.array(cgroupEntry, { maxLength: 12 }), (entries: CgroupEntry[]) => {
        const text = entries.map((e) => `${e.hierarchyId}:${e.controllers.join(',')}:${e.path}\n`).join('');
        expect(parseCgroup(text)).toEqual(entries);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parsePressure', () => {
  it('reads some and full (this machine, cpu on 6.18)', () => {
    expect(parsePressure(PRESSURE_CPU)).toEqual({
      some: { avg10: 5.79, avg60: 3.16, avg300: 1.15, total: 8870840 },
      full: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
    });
  });

  it('reads a cpu file without `full` (before 5.13)', () => {
    expect(parsePressure('some avg10=12.50 avg60=3.00 avg300=0.75 total=123456789\n')).toEqual({
      some: { avg10: 12.5, avg60: 3, avg300: 0.75, total: 123456789 },
      full: null,
    });
  });

  it('reads an irq file with only `full` (6.1+)', () => {
    expect(parsePressure('full avg10=0.01 avg60=0.00 avg300=0.00 total=4171\n')).toEqual({
      some: null,
      full: { avg10: 0.01, avg60: 0, avg300: 0, total: 4171 },
    });
  });

  it.each([
    ['an empty file', ''],
    ['an unknown line', 'half avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'],
    ['a missing total', 'some avg10=0.00 avg60=0.00 avg300=0.00\n'],
    ['an integer average', 'some avg10=1 avg60=0.00 avg300=0.00 total=0\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePressure(text)).toThrow(ParseError);
  });
});

/** kernel/sched/psi.c prints `%lu.%02lu` of a fixed-point percentage. */
const psiLine = fc.record({ avg: fc.array(fc.tuple(fc.nat({ max: 100 }), fc.nat({ max: 99 })), { minLength: 3, maxLength: 3 }), total: counter });

describe('parsePressure round trip', () => {
  it('reads back `some` and/or `full` lines', () => {
    fc.assert(
      fc.property(fc.option(psiLine), fc.option(psiLine), (some, full) => {
        fc.pre(some !== null || full !== null);
        const print = (kind: string, l: typeof some) =>
          l ? `${kind} avg10=${l.avg[0]![0]}.${String(l.avg[0]![1]).padStart(2, '0')} avg60=${l.avg[1]![0]}.${String(l.avg[1]![1]).padStart(2, '0')} avg300=${l.avg[2]![0]}.${String(l.avg[2]![1]).padStart(2, '0')} total=${l.total}\n` : '';
        const value = (l: typeof some): PsiLine | null =>
          l && { avg10: l.avg[0]![0] + l.avg[0]![1] / 100, avg60: l.avg[1]![0] + l.avg[1]![1] / 100, avg300: l.avg[2]![0] + l.avg[2]![1] / 100, total: l.total };
        const got = parsePressure(print('some', some) + print('full', full));
        for (const [line, want] of [[got.some, value(some)], [got.full, value(full)]] as const) {
          if (want === null) expect(line).toBeNull();
          else {
            expect(line!.total).toBe(want.total);
            for (const k of ['avg10', 'avg60', 'avg300'] as const) expect(line![k]).toBeCloseTo(want[k], 9);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
