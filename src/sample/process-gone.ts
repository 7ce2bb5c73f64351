import type { ReadError } from '../procfs/errors.js';

/**
 * Raised when the target process is not there at all: the CLI prints it as one line.
 * Kept apart from the diagnosis so that the CLI's error boundary loads nothing heavy.
 */
export class ProcessGoneError extends Error {
  override readonly name = 'ProcessGoneError';
  constructor(
    readonly pid: number,
    readonly duringMeasurement: boolean,
    readonly readError: ReadError,
  ) {
    super(duringMeasurement ? `process ${pid} exited during the measurement` : `no process with pid ${pid}`);
  }
}
