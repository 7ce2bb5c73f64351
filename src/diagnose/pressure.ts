import type { ReadResult } from '../procfs/errors.js';
import type { Pressure } from '../parsers/pressure.js';
import type { StallShare } from '../sample/model.js';
import { PSI_RESOURCES, type PressureSet, type PsiResource } from '../readers/types.js';
import type { PressureView, PsiReading } from './types.js';

import { DEFAULT_CONTENTION_THRESHOLD } from './threshold.js';
import { judgedLine } from '../kernel/psi.js';

export { DEFAULT_CONTENTION_THRESHOLD };

function reading(resource: PsiResource, result: ReadResult<Pressure>, threshold: number, interval: StallShare | null): PsiReading {
  if (!result.ok) {
    return {
      resource,
      some: null,
      full: null,
      someIntervalPercent: null,
      fullIntervalPercent: null,
      contended: false,
      recently: false,
      unavailable: result.error.kind === 'unsupported' ? result.error.message || 'not provided by this kernel' : `${result.error.kind}: ${result.error.message}`,
    };
  }
  const { some, full } = result.value;
  const judged = judgedLine(result.value);
  const recent = judged !== null && judged.avg10 > threshold;
  const intervalShare = some ? (interval?.some ?? null) : (interval?.full ?? null);
  return {
    resource,
    some,
    full,
    someIntervalPercent: interval?.some ?? null,
    fullIntervalPercent: interval?.full ?? null,
    // Now, from the stall time of the interval itself; avg10 lags it by tens of seconds and only
    // decides when there is no interval (one sample).
    contended: intervalShare !== null ? intervalShare > threshold : recent,
    recently: recent,
    unavailable: null,
  };
}

function whyUnavailable(set: PressureSet): string | null {
  const core = (['cpu', 'memory', 'io'] as const).map((r) => set[r]);
  if (core.every((r) => !r.ok)) {
    const first = core[0];
    if (first && !first.ok) {
      if (first.error.errno === 'ENOENT' || first.error.kind === 'unsupported') {
        return first.error.errno === 'EOPNOTSUPP' || first.error.errno === 'ENOTSUP'
          ? first.error.message
          : 'this kernel has no PSI (/proc/pressure is absent: CONFIG_PSI off or booted with psi=0)';
      }
      return `${first.error.kind}: ${first.error.message}`;
    }
  }
  return null;
}

export function pressureView(
  scope: 'system' | 'cgroup',
  path: string | null,
  set: PressureSet,
  threshold: number,
  intervals: Readonly<Record<PsiResource, StallShare>> | null,
): PressureView {
  return {
    scope,
    path,
    threshold,
    unavailable: whyUnavailable(set),
    readings: PSI_RESOURCES.map((r) => reading(r, set[r], threshold, intervals?.[r] ?? null)),
  };
}
