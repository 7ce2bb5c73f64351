import { parentPort, workerData } from 'node:worker_threads';
import { runSampleWorker, type WorkerTasks } from './parallel.js';

/** Entry of the worker thread that shares a one-shot machine sample (see parallel.ts). */
if (parentPort !== null) {
  const port = parentPort;
  runSampleWorker(workerData as WorkerTasks, (result) => port.postMessage(result));
}

/** For scripts/code-cache.cjs, which runs it once on the main thread to warm the code cache. */
export { runSampleWorker };
