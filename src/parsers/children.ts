import { ParseError } from '../procfs/errors.js';

/** `/proc/<pid>/task/<tid>/children`: space-separated pids of the children this thread created. */
export function parseChildren(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(/\s+/).map((token) => {
    if (!/^\d+$/.test(token)) throw new ParseError(`not a pid: ${JSON.stringify(token.slice(0, 20))}`, 1);
    return Number(token);
  });
}
