import { describe, expect, it } from 'vitest';
import { hzForBudget, MAX_HZ, MIN_HZ, RateController } from '../../../src/sample/machine/budget.js';

describe('adaptive sampling rate', () => {
  it('samples as often as the CPU budget allows', () => {
    // 10 ms of CPU per sample at 10 % of a core → 10 samples a second.
    expect(hzForBudget(10, 0.1)).toBeCloseTo(10);
    expect(hzForBudget(50, 0.1)).toBeCloseTo(2);
    expect(hzForBudget(1000, 0.1)).toBe(MIN_HZ);
    expect(hzForBudget(0.1, 0.1)).toBe(MAX_HZ);
    expect(hzForBudget(0, 0.1)).toBe(MAX_HZ);
  });

  it('smooths the measured cost and slows down when samples get dearer', () => {
    const rate = new RateController({ budget: 0.1 });
    rate.record(10);
    expect(rate.hz).toBeCloseTo(10);
    expect(rate.intervalMs).toBeCloseTo(100);
    expect(rate.cpuShare).toBeCloseTo(0.1);
    for (let i = 0; i < 30; i++) rate.record(100);
    expect(rate.hz).toBeCloseTo(1, 1);
    expect(rate.cpuShare).toBeLessThanOrEqual(0.1 + 1e-9);
  });

  it('a fixed --hz is kept and only reported against the budget', () => {
    const rate = new RateController({ budget: 0.1, fixedHz: 20 });
    rate.record(10);
    expect(rate.hz).toBe(20);
    expect(rate.cpuShare).toBeCloseTo(0.2);
  });
});
