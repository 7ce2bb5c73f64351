import { describe, expect, it } from 'vitest';
import { judgedAvg10, judgedAvg10Of, judgedLine } from '../../src/kernel/psi.js';
import { pressureView } from '../../src/diagnose/pressure.js';
import { pressureLine } from '../../src/report/machine.js';
import { fail, ok } from '../../src/procfs/errors.js';
import type { PressureSet } from '../../src/readers/types.js';

const line = (avg10: number) => ({ avg10, avg60: 0, avg300: 0, total: 0 });

describe('the judged avg10 of a PSI file: one rule for every view', () => {
  it('is some, or full where only full exists (irq), or nothing', () => {
    expect(judgedAvg10({ some: line(3), full: line(1) })).toBe(3);
    expect(judgedAvg10({ some: null, full: line(7) })).toBe(7);
    expect(judgedAvg10({ some: null, full: null })).toBeNull();
    expect(judgedLine({ some: line(2), full: null })?.avg10).toBe(2);
    expect(judgedAvg10Of(fail({ kind: 'unsupported', path: 'pressure/irq', message: 'no' }))).toBeNull();
  });

  it('the diagnosis and the machine report judge an irq-only file alike', () => {
    const set: PressureSet = {
      cpu: ok({ some: line(1), full: line(0) }),
      memory: ok({ some: line(2), full: line(1) }),
      io: ok({ some: line(3), full: line(2) }),
      irq: ok({ some: null, full: line(40) }),
    };
    const view = pressureView('system', null, set, 10, null);
    expect(view.readings.find((r) => r.resource === 'irq')?.contended).toBe(true);
    expect(pressureLine(set)).toBe('cpu 1.0%  memory 2.0%  io 3.0%  irq 40.0%');
  });
});
