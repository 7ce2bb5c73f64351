import { readlinkSync } from 'node:fs';
/**
 * The numeric entries of a /proc directory (pids under /proc, tids under task/, fds under fd/),
 * ascending. Canonical decimals only: /proc never writes `00` or `007`, and a capture that does
 * would make a reader open a different name than the one listed.
 */
export function numericNames(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of names) if (/^(0|[1-9]\d*)$/.test(name)) out.push(Number(name));
  return out.sort((a, b) => a - b);
}

/**
 * proctriage's own pid as this proc root numbers it (`<root>/self`, resolved by procfs in its
 * mount's pid namespace: under `--proc-root /host/proc` that is the host's pid, not
 * `process.pid`), to leave out of whole-machine views. None when the root has no `self` (a
 * capture): the process would not be ours.
 */
export function ownPids(procRoot: string): readonly number[] {
  try {
    const link = readlinkSync(`${procRoot}/self`);
    return /^\d+$/.test(link) ? [Number(link)] : [];
  } catch {
    return [];
  }
}

