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
