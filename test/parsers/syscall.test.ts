import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intArg, parseSyscall, signedArg } from '../../src/parsers/syscall.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { hex, u64 } from './support/kernel.js';
import { SYSCALL_PSELECT, SYSCALL_ZOMBIE } from './support/samples.js';

describe('parseSyscall', () => {
  it('reads `running`', () => {
    expect(parseSyscall('running\n')).toEqual({ kind: 'running' });
  });

  it('reads `-1 sp pc` (blocked outside a syscall; a zombie prints zeros)', () => {
    expect(parseSyscall('-1 0x7ffc1a2b3c40 0x7f00deadbeef\n')).toEqual({ kind: 'not-in-syscall', sp: 0x7ffc1a2b3c40n, pc: 0x7f00deadbeefn });
    expect(parseSyscall(SYSCALL_ZOMBIE)).toEqual({ kind: 'not-in-syscall', sp: 0n, pc: 0n });
  });

  it('reads a full 9-field line (bash in pselect6 here)', () => {
    expect(parseSyscall(SYSCALL_PSELECT)).toEqual({
      kind: 'in-syscall',
      nr: 270,
      args: [0xfbn, 0x7ffdb040a360n, 0n, 0n, 0x7ffdb040a270n, 0x7ffdb040a280n],
      sp: 0x7ffdb040a240n,
      pc: 0x7f7635e37aecn,
    });
  });

  it('decodes pid -1 of wait4(-1, …) with signedArg and intArg', () => {
    const s = parseSyscall('61 0xffffffffffffffff 0x7ffd5e1c 0x0 0x0 0x0 0x0 0x7ffd5e00 0x7f12a3\n');
    if (s.kind !== 'in-syscall') throw new Error(`expected in-syscall, got ${s.kind}`);
    expect(s.args[0]).toBe(0xffffffffffffffffn);
    expect(signedArg(s.args[0]!)).toBe(-1n);
    expect(intArg(s.args[0]!)).toBe(-1);
    expect(intArg(s.args[1]!)).toBe(0x7ffd5e1c);
  });

  it('intArg keeps the low 32 bits, as the kernel reads an int argument', () => {
    expect(intArg(0xdeadbeef_ffffffffn)).toBe(-1);
    expect(intArg(0x1_00000005n)).toBe(5);
    expect(intArg(0x80000000n)).toBe(-2147483648);
  });

  it('reads an x32 syscall number (bit 30 set) and a negative nr other than -1', () => {
    expect(parseSyscall('1073741831 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8')).toMatchObject({ kind: 'in-syscall', nr: 0x40000007 });
    expect(parseSyscall('-2 0x10 0x20')).toEqual({ kind: 'not-in-syscall', sp: 0x10n, pc: 0x20n });
  });

  it.each([
    ['empty text', ''],
    ['`-1` with too few fields', '-1 0x0'],
    ['`-1` with a syscall line', '-1 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0'],
    ['eight fields', '7 0x1 0x2 0x3 0x4 0x5 0x6 0x7'],
    ['ten fields', '7 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9'],
    ['a decimal argument', '7 1 0x2 0x3 0x4 0x5 0x6 0x7 0x8'],
    ['a 17-digit register', '7 0x11112222333344445 0x2 0x3 0x4 0x5 0x6 0x7 0x8'],
    ['a number above INT_MAX', '2147483648 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8'],
    ['a word', 'sleeping'],
  ])('refuses %s', (_, text) => {
    expect(() => parseSyscall(text)).toThrow(ParseError);
  });
});

describe('parseSyscall round trip', () => {
  const nr = fc.oneof(fc.nat({ max: 600 }), fc.nat({ max: 600 }).map((n) => 0x40000000 + n));

  it('reads back `nr a0..a5 sp pc` printed with %d and 0x%llx', () => {
    fc.assert(
      fc.property(nr, fc.array(u64, { minLength: 6, maxLength: 6 }), u64, u64, (n, args, sp, pc) => {
        const text = `${n} ${[...args, sp, pc].map((v) => `0x${hex(v)}`).join(' ')}\n`;
        expect(parseSyscall(text)).toEqual({ kind: 'in-syscall', nr: n, args, sp, pc });
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back `-1 sp pc`', () => {
    fc.assert(
      fc.property(u64, u64, (sp, pc) => {
        expect(parseSyscall(`-1 0x${hex(sp)} 0x${hex(pc)}\n`)).toEqual({ kind: 'not-in-syscall', sp, pc });
      }),
      { numRuns: RUNS },
    );
  });

  it('signedArg and intArg invert the register image of any int64 / int32', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), u64, (wide, narrow, garbage) => {
        expect(signedArg(BigInt.asUintN(64, wide))).toBe(wide);
        // A C int in a register: the low 32 bits, whatever the upper half holds.
        const register = (garbage & ~0xffffffffn) | BigInt.asUintN(32, BigInt(narrow));
        expect(intArg(register)).toBe(narrow);
      }),
      { numRuns: RUNS },
    );
  });
});
