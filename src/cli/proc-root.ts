import { UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { procRootProblem } from '../procfs/root-check.js';
import { EXIT } from './errors.js';

/** Before a live command samples anything: a --proc-root that is not a proc is a usage error, one line. */
export function requireProcRoot(root: string): void {
  const problem = procRootProblem(createProcFs({ root, cgroupRoot: null }));
  if (problem !== null) throw new UserError(`--proc-root ${root} is not a proc file system: ${problem}`, EXIT.usage);
}
