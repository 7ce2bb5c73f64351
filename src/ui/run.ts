import { PLAIN, styleFor } from '../report/style.js';
import { openBlessedSurface } from './blessed-surface.js';
import { Dashboard, type DashboardOptions } from './dashboard.js';

/**
 * Open the terminal, run the dashboard until it ends, and hand back an exit code, or `back`
 * when attach was opened from top and the user went back (errors are rethrown once the
 * terminal is restored).
 */
export async function runInTerminal(options: Omit<DashboardOptions, 'surface'> & { readonly title: string }): Promise<number | 'back'> {
  const surface = await openBlessedSurface({ colors: styleFor(process.stdout) !== PLAIN, title: options.title });
  const exit = await new Dashboard({ ...options, surface }).run();
  if ('error' in exit) throw exit.error;
  if ('back' in exit) return 'back';
  return exit.code;
}
