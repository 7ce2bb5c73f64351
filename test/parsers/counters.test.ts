import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChildren } from '../../src/parsers/children.js';
import { parseIo, type ProcIo } from '../../src/parsers/io.js';
import { parseDecimal, parseKeyValueLines } from '../../src/parsers/keyvalue.js';
import { parseSchedStat } from '../../src/parsers/schedstat.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { counter } from './support/kernel.js';
import { CHILDREN, IO_CAT, SCHEDSTAT } from './support/samples.js';

describe('parseIo', () => {
  it('reads `cat /proc/self/io`', () => {
    expect(parseIo(IO_CAT)).toEqual({ rchar: 6976, wchar: 0, syscr: 10, syscw: 0, readBytes: 0, writeBytes: 0, cancelledWriteBytes: 0 } satisfies ProcIo);
  });

  it.each([
    ['a missing key', IO_CAT.replace(/^syscw.*\n/m, '')],
    ['a word for a value', IO_CAT.replace('rchar: 6976', 'rchar: lots')],
    ['a line with no colon', `${IO_CAT}rchar 1\n`],
  ])('refuses %s', (_, text) => {
    expect(() => parseIo(text)).toThrow(ParseError);
  });

  it('reads back the seven counters as fs/proc/base.c prints them', () => {
    fc.assert(
      fc.property(fc.array(counter, { minLength: 7, maxLength: 7 }), (v) => {
        const keys = ['rchar', 'wchar', 'syscr', 'syscw', 'read_bytes', 'write_bytes', 'cancelled_write_bytes'];
        const text = keys.map((k, i) => `${k}: ${v[i]}\n`).join('');
        const [rchar, wchar, syscr, syscw, readBytes, writeBytes, cancelledWriteBytes] = v;
        expect(parseIo(text)).toEqual({ rchar, wchar, syscr, syscw, readBytes, writeBytes, cancelledWriteBytes });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseSchedStat', () => {
  it('reads run time, runqueue wait and timeslices', () => {
    expect(parseSchedStat(SCHEDSTAT)).toEqual({ runNs: 74371, waitNs: 54781, timeslices: 2 });
  });

  it.each([['two numbers', '1 2\n'], ['four numbers', '1 2 3 4\n'], ['a negative', '1 -2 3\n'], ['empty', '']])('refuses %s', (_, text) => {
    expect(() => parseSchedStat(text)).toThrow(ParseError);
  });

  it('reads back `%llu %llu %lu`', () => {
    fc.assert(
      fc.property(counter, counter, counter, (runNs, waitNs, timeslices) => {
        expect(parseSchedStat(`${runNs} ${waitNs} ${timeslices}\n`)).toEqual({ runNs, waitNs, timeslices });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseChildren', () => {
  it('reads the kernel\'s `pid ` list and an empty file', () => {
    expect(parseChildren(CHILDREN)).toEqual([6349]);
    expect(parseChildren('')).toEqual([]);
  });

  it('refuses a word', () => {
    expect(() => parseChildren('12 x ')).toThrow(ParseError);
  });

  it('reads back any list printed as `%d ` each', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4194304 }), { maxLength: 50 }), (pids) => {
        expect(parseChildren(pids.map((p) => `${p} `).join(''))).toEqual(pids);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseKeyValueLines and parseDecimal', () => {
  it('splits at the first colon, trims, keeps keys with spaces', () => {
    const kv = parseKeyValueLines('settime flags: 00\nit_value: (1, 2)\nName:\ta:b\n\n');
    expect([...kv]).toEqual([
      ['settime flags', '00'],
      ['it_value', '(1, 2)'],
      ['Name', 'a:b'],
    ]);
  });

  it('refuses a line with no key', () => {
    expect(() => parseKeyValueLines(':x\n')).toThrow(ParseError);
    expect(() => parseKeyValueLines('x\n')).toThrow(ParseError);
  });

  it('parseDecimal takes signed integers only', () => {
    expect(parseDecimal('-12', 'v')).toBe(-12);
    for (const bad of [undefined, '', '1.5', '0x10', '1e3', ' 1']) expect(() => parseDecimal(bad, 'v')).toThrow(ParseError);
  });

  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_ -]{0,20}[A-Za-z0-9_]$/);
  const value = fc.stringMatching(/^[^\n]{0,30}$/);

  it('reads back any `key:<tab>value` lines (last one wins)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 20 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}:\t${v}\n`).join('');
        expect(parseKeyValueLines(text)).toEqual(new Map(pairs.map(([k, v]) => [k, v.trim()])));
      }),
      { numRuns: RUNS },
    );
  });
});
