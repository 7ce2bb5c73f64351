/**
 * Adaptive sampling rate: measure what one sample costs in CPU time and sample as often as
 * a CPU budget allows (default 10 % of one core). Pure arithmetic, fed by the sampler's stats.
 */
export const DEFAULT_CPU_BUDGET = 0.1;
export const MIN_HZ = 0.2;
export const MAX_HZ = 20;

export interface BudgetOptions {
  /** Share of one core sampling may use, 0 < budget ≤ 1 (default 0.1). */
  readonly budget?: number;
  /** A fixed rate (`--hz`): the budget is then only reported, not enforced. */
  readonly fixedHz?: number;
  readonly minHz?: number;
  readonly maxHz?: number;
}

/** The rate that keeps `costMs` of CPU per sample within `budget` of one core, clamped. */
export function hzForBudget(costMs: number, budget: number, minHz = MIN_HZ, maxHz = MAX_HZ): number {
  if (!(costMs > 0)) return maxHz;
  return Math.min(maxHz, Math.max(minHz, (budget * 1000) / costMs));
}

export class RateController {
  private costMs: number | null = null;
  private readonly budget: number;

  constructor(private readonly options: BudgetOptions = {}) {
    this.budget = options.budget ?? DEFAULT_CPU_BUDGET;
  }

  /** Feed one sample's CPU cost (ms); an exponential average smooths out a slow sample. */
  record(cpuMs: number): void {
    this.costMs = this.costMs === null ? cpuMs : 0.7 * this.costMs + 0.3 * cpuMs;
  }

  /** Samples per second to use now. */
  get hz(): number {
    if (this.options.fixedHz !== undefined) return this.options.fixedHz;
    if (this.costMs === null) return this.options.minHz ?? MIN_HZ;
    return hzForBudget(this.costMs, this.budget, this.options.minHz, this.options.maxHz);
  }

  get intervalMs(): number {
    return 1000 / this.hz;
  }

  /** Share of one core the sampling uses at the current rate (cost × hz). */
  get cpuShare(): number {
    return this.costMs === null ? 0 : (this.costMs * this.hz) / 1000;
  }

  get budgetShare(): number {
    return this.budget;
  }

  get averageCostMs(): number | null {
    return this.costMs;
  }
}
