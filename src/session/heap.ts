import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection now. A sample of a 10,000-thread process leaves tens of megabytes of
 * garbage, and V8 lets the heap grow well past that before it collects: a dashboard sampling
 * every second would hold hundreds of megabytes for nothing. Collecting after each such sample
 * keeps the resident size near what is live. `gc` is exposed at run time (node:v8), once.
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
