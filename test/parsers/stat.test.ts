import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKernelThreadFlags, parseStat, type ProcStat } from '../../src/parsers/stat.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { asRead, commBytes, counter } from './support/kernel.js';
import { STAT_CAT, STAT_INIT, STAT_KWORKER, STAT_TRICKY_COMM } from './support/samples.js';

describe('parseStat on real samples', () => {
  it('reads every field we use from `cat /proc/self/stat`', () => {
    expect(parseStat(STAT_CAT)).toEqual({
      pid: 6352,
      comm: 'cat',
      state: 'R',
      ppid: 6350,
      pgrp: 6350,
      session: 5839,
      ttyNr: 0,
      flags: 4194304,
      minflt: 99,
      majflt: 0,
      utime: 0,
      stime: 0,
      priority: 20,
      nice: 0,
      numThreads: 1,
      starttime: 77177,
      vsizeBytes: 3133440,
      rssPages: 360,
      processor: 1,
      delayacctBlkioTicks: 0,
    } satisfies ProcStat);
  });

  it('reads a negative nice and a user process is not a kernel thread', () => {
    const s = parseStat(STAT_INIT);
    expect([s.pid, s.comm, s.state, s.ppid, s.priority, s.nice, s.numThreads, s.starttime]).toEqual([1, 'process_api', 'S', 0, 10, -10, 14, 24]);
    expect(isKernelThreadFlags(s.flags)).toBe(false);
  });

  it('takes the comm up to the LAST `)` when the comm fakes a state and fields', () => {
    const s = parseStat(STAT_TRICKY_COMM);
    expect(s.comm).toBe('x) R 1 2 (y');
    expect([s.pid, s.state, s.ppid, s.pgrp, s.session]).toEqual([29312, 'R', 29310, 29310, 5839]);
  });

  it('reads a kworker: long kthread name, state I, PF_KTHREAD set', () => {
    const s = parseStat(STAT_KWORKER);
    expect([s.comm, s.state, s.ppid, s.nice, s.vsizeBytes]).toEqual(['kworker/0:0H-events_highpri', 'I', 2, -20, 0]);
    expect(isKernelThreadFlags(s.flags)).toBe(true);
  });

  it('keeps a comm with spaces, `) (`, a newline, a tab and a backslash as bytes', () => {
    // prctl(PR_SET_NAME, " a\nb\\c\t)( ) ") as the kernel printed it here.
    const s = parseStat(asRead('29312 ( a\nb\\c\t)( ) ) R 29310 29310 5839 0 -1 4194304 1 0 0 0 3 0 0 0 20 0 1 0 99 17 2 1 1 1\n'));
    expect(s.comm).toBe(' a\nb\\c\t)( ) ');
    expect([s.pid, s.state, s.ppid, s.rssPages]).toEqual([29312, 'R', 29310, 2]);
  });

  it('reads a comm cut in the middle of a UTF-8 character as U+FFFD', () => {
    // prctl(PR_SET_NAME, "éééééééé") keeps 15 bytes: seven é and a lone 0xC3.
    const bytes = Buffer.from('c3a9'.repeat(7) + 'c3', 'hex');
    const s = parseStat(asRead('29312 (', bytes, ') S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7\n'));
    expect(s.comm).toBe('ééééééé\uFFFD');
    expect([s.state, s.rssPages]).toEqual(['S', 7]);
  });

  it('accepts an empty comm', () => {
    expect(parseStat('5 () S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7').comm).toBe('');
  });

  it('gives null for the optional late fields of an old kernel', () => {
    const short = '5 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7';
    expect(parseStat(short)).toMatchObject({ rssPages: 7, processor: null, delayacctBlkioTicks: null });
  });

  it.each([
    ['no parens', '5 a S 1'],
    ['no pid', '(a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7'],
    ['a word for a pid', 'x (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7'],
    ['no state', '5 (a)'],
    ['a bad state', '5 (a) Q 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7'],
    ['a field cut short', '5 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0'],
    ['a word in a numeric field', '5 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 six 7'],
    ['`)` before `(`', '5 )a( S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 6 7'],
  ])('refuses %s with ParseError', (_, text) => {
    expect(() => parseStat(text)).toThrow(ParseError);
  });
});

/** Field values from 4 (ppid) to 52 (exit_code) in kernel order; fields 3..52 after the comm. */
const statLine = fc.record({
  pid: fc.integer({ min: 1, max: 4194304 }),
  comm: commBytes,
  state: fc.constantFrom(...'RSDTtZXIP'),
  ppid: fc.nat({ max: 4194304 }),
  pgrp: fc.nat({ max: 4194304 }),
  session: fc.nat({ max: 4194304 }),
  ttyNr: fc.nat({ max: 0xffff }),
  tpgid: fc.integer({ min: -1, max: 4194304 }),
  flags: fc.nat({ max: 0xffffffff }),
  minflt: counter,
  cminflt: counter,
  majflt: counter,
  cmajflt: counter,
  utime: counter,
  stime: counter,
  cutime: counter,
  cstime: counter,
  priority: fc.integer({ min: -100, max: 39 }),
  nice: fc.integer({ min: -20, max: 19 }),
  numThreads: fc.integer({ min: 1, max: 100000 }),
  starttime: counter,
  vsizeBytes: counter,
  rssPages: counter,
  /** Fields 25..52; fields beyond `count` are left off, as older kernels do. */
  tail: fc.array(counter, { minLength: 28, maxLength: 28 }),
  count: fc.oneof(fc.constant(52), fc.integer({ min: 24, max: 52 })),
});

describe('parseStat round trip', () => {
  it('reads back any stat line printed the kernel way, whatever the comm', () => {
    fc.assert(
      fc.property(statLine, (v) => {
        const fields = [
          v.state, v.ppid, v.pgrp, v.session, v.ttyNr, v.tpgid, v.flags, v.minflt, v.cminflt, v.majflt, v.cmajflt,
          v.utime, v.stime, v.cutime, v.cstime, v.priority, v.nice, v.numThreads, 0, v.starttime, v.vsizeBytes, v.rssPages,
          ...v.tail,
        ].slice(0, v.count - 2);
        const text = asRead(`${v.pid} (`, v.comm, `) ${fields.join(' ')}\n`);
        const field = (n: number) => (n <= v.count ? v.tail[n - 25]! : null);
        expect(parseStat(text)).toEqual({
          pid: v.pid,
          comm: Buffer.from(v.comm).toString('utf8'),
          state: v.state,
          ppid: v.ppid,
          pgrp: v.pgrp,
          session: v.session,
          ttyNr: v.ttyNr,
          flags: v.flags,
          minflt: v.minflt,
          majflt: v.majflt,
          utime: v.utime,
          stime: v.stime,
          priority: v.priority,
          nice: v.nice,
          numThreads: v.numThreads,
          starttime: v.starttime,
          vsizeBytes: v.vsizeBytes,
          rssPages: v.rssPages,
          processor: field(39),
          delayacctBlkioTicks: field(42),
        } satisfies ProcStat);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
