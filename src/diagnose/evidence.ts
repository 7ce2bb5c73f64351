import type { Evidence, Measure, Unit } from './types.js';

const UNIT_TEXT: Readonly<Record<Unit, string>> = {
  percent: ' %',
  threads: ' threads',
  count: '',
  'per-second': ' /s',
  'ms-per-second': ' ms/s',
  bytes: '',
  'bytes-per-second': '/s',
  cores: ' CPUs',
  seconds: ' s',
  ms: ' ms',
};

/** `1.5 MiB`: bytes in binary units, one decimal from KiB on. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A measure as the report shows it: `34.2 %`, `1.50 threads`, `2.3 MiB/s`. */
export function formatMeasure(m: Measure, digits = 1): string {
  if (m.unit === 'bytes' || m.unit === 'bytes-per-second') return `${formatBytes(m.value)}${UNIT_TEXT[m.unit]}`;
  if (m.unit === 'count') return String(Math.round(m.value));
  return `${m.value.toFixed(m.unit === 'threads' ? 2 : digits)}${UNIT_TEXT[m.unit]}`;
}

/** Evidence of one number with its unit. */
export function measured(label: string, value: number, unit: Unit, source: string, digits = 1): Evidence {
  const measure = { value, unit };
  return { label, value: formatMeasure(measure, digits), source, measure };
}

/** Evidence that is a phrase or a list, not one number. */
export function noted(label: string, value: string, source: string): Evidence {
  return { label, value, source, measure: null };
}

/** `a` when it is a number, else `n/a`, for values a sentence quotes. */
export function pct(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? 'n/a' : `${v.toFixed(digits)} %`;
}
