import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStack, type StackFrame } from '../../src/parsers/stack.js';
import { parseWchan, stripSymbolSuffix } from '../../src/parsers/wchan.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { hex } from './support/kernel.js';
import { STACK_KWORKER, STACK_PSELECT, WCHAN_POLL } from './support/samples.js';

describe('parseWchan', () => {
  it('strips GCC clone suffixes into base', () => {
    expect(parseWchan(WCHAN_POLL)).toEqual({ symbol: 'poll_schedule_timeout.constprop.0', base: 'poll_schedule_timeout' });
    expect(parseWchan('do_sigtimedwait.isra.0')).toEqual({ symbol: 'do_sigtimedwait.isra.0', base: 'do_sigtimedwait' });
    expect(parseWchan('sigsuspend.isra.0\n')).toEqual({ symbol: 'sigsuspend.isra.0', base: 'sigsuspend' });
    expect(parseWchan('do_wait')).toEqual({ symbol: 'do_wait', base: 'do_wait' });
  });

  it('reads `0` and an empty file as no wait channel', () => {
    expect(parseWchan('0')).toEqual({ symbol: null, base: null });
    expect(parseWchan('')).toEqual({ symbol: null, base: null });
  });

  it.each([['a space', 'do wait'], ['a slash', 'do/wait'], ['a frame line', '[<0>] do_wait+0x1/0x2'], ['too long', 'a'.repeat(300)]])(
    'refuses %s',
    (_, text) => {
      expect(() => parseWchan(text)).toThrow(ParseError);
    },
  );
});

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,40}$/);
const cloneSuffix = fc
  .array(fc.constantFrom('.constprop.0', '.isra.0', '.part.0', '.cold', '.constprop.12', '.llvm.8361927'), { maxLength: 2 })
  .map((parts) => parts.join(''));

describe('parseWchan round trip', () => {
  it('reads back any symbol with clone suffixes, with or without a newline', () => {
    fc.assert(
      fc.property(identifier, cloneSuffix, fc.boolean(), (base, suffix, newline) => {
        expect(parseWchan(`${base}${suffix}${newline ? '\n' : ''}`)).toEqual({ symbol: base + suffix, base });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseStack', () => {
  it('reads the 4.15+ `[<0>] sym+0xoff/0xsize` format (bash in pselect6 here)', () => {
    const frames = parseStack(STACK_PSELECT);
    expect(frames.map((f) => f.base)).toEqual([
      'poll_schedule_timeout',
      'do_select',
      'core_sys_select',
      'do_pselect',
      '__x64_sys_pselect6',
      'do_syscall_64',
      'entry_SYSCALL_64_after_hwframe',
    ]);
    expect(frames[0]).toEqual({ symbol: 'poll_schedule_timeout.constprop.0', base: 'poll_schedule_timeout', offset: 0x37, size: 0x90 });
    expect(parseStack(STACK_KWORKER)[0]).toEqual({ symbol: 'worker_thread', base: 'worker_thread', offset: 0x98, size: 0x310 });
  });

  it('reads the old `[<ffffffff810a1b2c>]` format and module frames, and drops the old end marker', () => {
    const text = [
      '[<ffffffff810a1b2c>] jbd2_log_wait_commit+0xa3/0x100 [jbd2]',
      '[<ffffffffc0123456>] ext4_sync_file+0x1d5/0x3b0 [ext4]',
      '[<0>] nfs_wait_bit_killable+0x21/0x80 [nfs 3c9d1a8f0e7b2c4d5e6f708192a3b4c5d6e7f809]',
      '[<ffffffff81800000>] entry_SYSCALL_64_fastpath+0x1a/0xa5',
      '[<ffffffffffffffff>] 0xffffffffffffffff',
      '',
    ].join('\n');
    expect(parseStack(text)).toEqual([
      { symbol: 'jbd2_log_wait_commit', base: 'jbd2_log_wait_commit', offset: 0xa3, size: 0x100 },
      { symbol: 'ext4_sync_file', base: 'ext4_sync_file', offset: 0x1d5, size: 0x3b0 },
      { symbol: 'nfs_wait_bit_killable', base: 'nfs_wait_bit_killable', offset: 0x21, size: 0x80 },
      { symbol: 'entry_SYSCALL_64_fastpath', base: 'entry_SYSCALL_64_fastpath', offset: 0x1a, size: 0xa5 },
    ] satisfies StackFrame[]);
  });

  it('keeps a frame %pB could not name (an unloaded module) as its address', () => {
    expect(parseStack('[<0>] 0xffffffffc0a1b2c3\n')).toEqual([{ symbol: '0xffffffffc0a1b2c3', base: '0xffffffffc0a1b2c3', offset: null, size: null }]);
  });

  it('reads an empty stack (running task, zombie) as no frames', () => {
    expect(parseStack('')).toEqual([]);
  });

  it.each([['no address', 'do_wait+0x1/0x2'], ['an unclosed address', '[<0> do_wait+0x1/0x2'], ['a space in the symbol', '[<0>] do wait+0x1/0x2']])(
    'refuses %s',
    (_, text) => {
      expect(() => parseStack(text)).toThrow(ParseError);
    },
  );
});

const frame = fc.record({
  base: identifier,
  suffix: cloneSuffix,
  offset: fc.nat({ max: 0xfffff }),
  size: fc.integer({ min: 1, max: 0xfffff }),
  module: fc.option(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), fc.option(fc.stringMatching(/^[0-9a-f]{40}$/)))),
  address: fc.bigInt({ min: 0xffffffff80000000n, max: 0xffffffffffffffffn }),
});

describe('parseStack round trip', () => {
  it('reads back frames printed as `[<0>] %pB` or `[<%pK>] %pS`, module names included', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 12 }), fc.boolean(), (frames, modern) => {
        const lines = frames.map((f) => {
          const module = f.module ? ` [${f.module[0]}${f.module[1] ? ` ${f.module[1]}` : ''}]` : '';
          return `[<${modern ? '0' : hex(f.address)}>] ${f.base}${f.suffix}+0x${hex(f.offset)}/0x${hex(f.size)}${module}\n`;
        });
        expect(parseStack(lines.join(''))).toEqual(
          frames.map((f) => ({ symbol: f.base + f.suffix, base: f.base, offset: f.offset, size: f.size })),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('stripSymbolSuffix leaves a symbol without a dot alone', () => {
    fc.assert(
      fc.property(identifier, (base) => {
        expect(stripSymbolSuffix(base)).toBe(base);
      }),
      { numRuns: RUNS },
    );
  });
});
