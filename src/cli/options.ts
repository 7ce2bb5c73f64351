import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: pure, tested as a table. */

export function parsePid(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 4194304) {
    throw new InvalidArgumentError(`"${value}" is not a process id (a whole number from 1 to 4194304).`);
  }
  return Number(value);
}

export function parsePositiveInt(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
    }
    return Number(value);
  };
}

export function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError(`must be a percentage from 0 to 100, got "${value}".`);
  }
  return n;
}

export const parseIntervalMs = parsePositiveInt('--interval (milliseconds)', 10, 3_600_000);
export const parseSampleCount = parsePositiveInt('--samples', 1, 10_000);
export const parseSampleIndex = parsePositiveInt('--sample', 1, 10_000);

export function parsePositiveNumber(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

export const parseHz = parsePositiveNumber('--hz', 0.1, 100);
export const parseDurationSeconds = parsePositiveNumber('--duration (seconds)', 0.05, 86_400);

export function parsePidList(value: string): number[] {
  return value.split(',').map((p) => parsePid(p.trim()));
}
