import { describe, expect, it } from 'vitest';
import { classifyThread } from '../../../src/classify/classify.js';
import { WAIT_SITES } from '../../../src/kernel/wait-sites.js';
import { syscallNumber } from '../../../src/kernel/syscalls.js';
import { parseSyscall } from '../../../src/parsers/syscall.js';
import { parseWchan } from '../../../src/parsers/wchan.js';
import { fail, ok } from '../../../src/procfs/errors.js';
import { toMachineWait, WaitCache } from '../../../src/sample/machine/classify-cached.js';

/**
 * The machine sampler skips a thread's syscall file when the state and wait channel already
 * decide its wait. Check, over every catalog symbol × S/D × every catalog syscall (and a few
 * futex ops), that reading the syscall would not have changed kind, function or site.
 */
describe('syscall read only where it decides', () => {
  const symbols = [...new Set(WAIT_SITES.flatMap((s) => s.symbols.map((x) => x.name)))];
  const syscalls = [...new Set(WAIT_SITES.flatMap((s) => s.syscalls))].map((name) => syscallNumber('x86_64', name)).filter((n): n is number => n !== null);
  const futexOps = ['0x80', '0x89', '0x86', '0x8b', '0x189'];
  const lines = syscalls.flatMap((nr) => (nr === 202 ? futexOps.map((op) => `${nr} 0x7f0000001000 ${op} 0x0 0x0 0x0 0x0 0x7ffc0 0x7f00`) : [`${nr} 0x5 0x0 0x0 0x0 0x0 0x0 0x7ffc0 0x7f00`]));
  lines.push('-1 0x7ffc0 0x7f00');

  it('never skips a syscall that would change the answer', () => {
    const cache = new WaitCache('x86_64');
    let skipped = 0;
    for (const symbol of symbols) {
      for (const state of ['S', 'D']) {
        const base = { state, comm: 'app', isKernelThread: false, wchan: symbol };
        if (cache.syscallMatters(base)) continue;
        skipped++;
        const without = cache.classify({ ...base, syscall: null, stack: null }).wait;
        for (const line of lines) {
          const withCall = toMachineWait(
            classifyThread({ state, comm: 'app', isKernelThread: false, wchan: ok(parseWchan(symbol)), stack: fail({ kind: 'denied', path: '', message: '' }), syscall: ok(parseSyscall(line)), arch: 'x86_64' }),
          );
          expect({ symbol, state, line, kind: withCall.kind, function: withCall.function, site: withCall.site }).toEqual({ symbol, state, line, kind: without.kind, function: without.function, site: without.site });
        }
      }
    }
    expect(skipped).toBeGreaterThan(20);
  });

  it('reads the syscall for an ambiguous helper and when the wait channel is hidden', () => {
    const cache = new WaitCache('x86_64');
    expect(cache.syscallMatters({ state: 'S', comm: 'app', isKernelThread: false, wchan: 'wait_woken' })).toBe(true);
    expect(cache.syscallMatters({ state: 'S', comm: 'app', isKernelThread: false, wchan: '0' })).toBe(true);
    expect(cache.syscallMatters({ state: 'S', comm: 'app', isKernelThread: false, wchan: { kind: 'denied', path: '', message: '' } })).toBe(true);
    expect(cache.syscallMatters({ state: 'R', comm: 'app', isKernelThread: false, wchan: null })).toBe(false);
    expect(cache.syscallMatters({ state: 'S', comm: 'kworker/0:1', isKernelThread: true, wchan: 'worker_thread' })).toBe(false);
  });
});
