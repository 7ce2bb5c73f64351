import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../src/parsers/status.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { asRead, commBytes, counter } from './support/kernel.js';
import { STATUS_CAT, STATUS_KTHREAD } from './support/samples.js';

describe('parseStatus on real samples', () => {
  it('reads a user process', () => {
    const s = parseStatus(STATUS_CAT);
    expect(s).toMatchObject({
      name: 'cat',
      state: 'R (running)',
      tgid: 6354,
      pid: 6354,
      ppid: 6350,
      tracerPid: 0,
      uids: [0, 0, 0, 0],
      gids: [0, 0, 0, 0],
      threads: 1,
      vmRssKb: 1716,
      vmSwapKb: 0,
      vmSizeKb: 3060,
      voluntaryCtxtSwitches: 0,
      nonvoluntaryCtxtSwitches: 0,
    });
    expect(s.fields.SpeculationIndirectBranch).toBe('always enabled');
    expect(s.fields.Groups).toBe('');
  });

  it('reads a kernel thread, which has no Vm* lines', () => {
    expect(parseStatus(STATUS_KTHREAD)).toMatchObject({
      name: 'kworker/0:0H-events_highpri',
      state: 'I (idle)',
      ppid: 2,
      vmRssKb: null,
      vmSwapKb: null,
      vmSizeKb: null,
      threads: 1,
    });
  });

  it('undoes the kernel escaping of Name and keeps its spaces and tabs', () => {
    // prctl(PR_SET_NAME, " a\nb\\c\t)( ) ") as status printed it here.
    const text = STATUS_CAT.replace('Name:\tcat', 'Name:\t a\\nb\\\\c\t)( ) ');
    expect(parseStatus(text).name).toBe(' a\nb\\c\t)( ) ');
  });

  it('reads distinct real, effective, saved and fs uids', () => {
    const text = STATUS_CAT.replace('Uid:\t0\t0\t0\t0', 'Uid:\t1000\t0\t1000\t0');
    expect(parseStatus(text).uids).toEqual([1000, 0, 1000, 0]);
  });

  it.each([
    ['no Name', STATUS_CAT.replace(/^Name:.*\n/, '')],
    ['no Pid', STATUS_CAT.replace(/^Pid:.*\n/m, '')],
    ['an empty Uid (must not read as root)', STATUS_CAT.replace(/^Uid:.*$/m, 'Uid:\t')],
    ['a Uid that is not a number', STATUS_CAT.replace(/^Uid:.*$/m, 'Uid:\t0x10\t0\t0\t0')],
    ['a line with no colon', `${STATUS_CAT}garbage\n`],
  ])('refuses %s', (_, text) => {
    expect(() => parseStatus(text)).toThrow(ParseError);
  });
});

/** Name as `seq_escape_str(m, comm, ESCAPE_SPACE | ESCAPE_SPECIAL, "\n\\")` prints it. */
function escapedName(comm: Uint8Array): Buffer {
  const out: number[] = [];
  for (const b of comm) {
    if (b === 0x0a) out.push(0x5c, 0x6e);
    else if (b === 0x5c) out.push(0x5c, 0x5c);
    else out.push(b);
  }
  return Buffer.from(out);
}

const kb = (value: number) => `${String(value).padStart(8)} kB`;

const statusValues = fc.record({
  comm: commBytes,
  state: fc.constantFrom('R (running)', 'S (sleeping)', 'D (disk sleep)', 'Z (zombie)', 'I (idle)', 't (tracing stop)'),
  tgid: fc.integer({ min: 1, max: 4194304 }),
  pid: fc.integer({ min: 1, max: 4194304 }),
  ppid: fc.nat({ max: 4194304 }),
  tracerPid: fc.nat({ max: 4194304 }),
  uids: fc.array(fc.nat({ max: 0xfffffffe }), { minLength: 4, maxLength: 4 }),
  gids: fc.array(fc.nat({ max: 0xfffffffe }), { minLength: 4, maxLength: 4 }),
  vm: fc.option(fc.record({ size: counter, rss: counter, swap: counter })),
  threads: fc.integer({ min: 1, max: 100000 }),
  voluntary: counter,
  nonvoluntary: counter,
});

describe('parseStatus round trip', () => {
  it('reads back any status printed the kernel way', () => {
    fc.assert(
      fc.property(statusValues, (v) => {
        const head = [
          `\nUmask:\t0022`,
          `State:\t${v.state}`,
          `Tgid:\t${v.tgid}`,
          `Ngid:\t0`,
          `Pid:\t${v.pid}`,
          `PPid:\t${v.ppid}`,
          `TracerPid:\t${v.tracerPid}`,
          `Uid:\t${v.uids.join('\t')}`,
          `Gid:\t${v.gids.join('\t')}`,
          'FDSize:\t64',
          'Groups:\t ',
        ];
        const vm = v.vm ? [`VmSize:\t${kb(v.vm.size)}`, `VmRSS:\t${kb(v.vm.rss)}`, `VmSwap:\t${kb(v.vm.swap)}`] : [];
        const tail = [`Threads:\t${v.threads}`, `voluntary_ctxt_switches:\t${v.voluntary}`, `nonvoluntary_ctxt_switches:\t${v.nonvoluntary}`];
        const text = asRead('Name:\t', escapedName(v.comm), [...head, ...vm, ...tail, ''].join('\n'));
        expect(parseStatus(text)).toMatchObject({
          name: Buffer.from(v.comm).toString('utf8'),
          state: v.state,
          tgid: v.tgid,
          pid: v.pid,
          ppid: v.ppid,
          tracerPid: v.tracerPid,
          uids: v.uids,
          gids: v.gids,
          threads: v.threads,
          vmSizeKb: v.vm?.size ?? null,
          vmRssKb: v.vm?.rss ?? null,
          vmSwapKb: v.vm?.swap ?? null,
          voluntaryCtxtSwitches: v.voluntary,
          nonvoluntaryCtxtSwitches: v.nonvoluntary,
        });
      }),
      { numRuns: RUNS },
    );
  });
});
