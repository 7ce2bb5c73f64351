import type { Command } from 'commander';
import { UserError } from '../procfs/errors.js';
import { EXIT } from './errors.js';

/** `--hz` from `hz`: how the user typed it. */
const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Whether the user gave the option (not its default). */
export function given(cmd: Command, name: string): boolean {
  const source = cmd.getOptionValueSource(name);
  return source === 'cli' || source === 'env';
}

/**
 * Options that mean nothing with `mode` (e.g. `--interval` with `--replay`) are refused with one
 * line, exit 2, rather than ignored.
 */
export function refuseWith(cmd: Command, mode: string, names: readonly string[]): void {
  if (!given(cmd, mode)) return;
  const wrong = names.filter((n) => given(cmd, n));
  if (wrong.length === 0) return;
  throw new UserError(`${wrong.map(flag).join(' and ')} ${wrong.length === 1 ? 'does' : 'do'} not apply with ${flag(mode)}`, EXIT.usage);
}
