import { expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProcFs } from '../../src/procfs/procfs.js';
import { LiveSession } from '../../src/session/live.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import type { Spawned } from './spawners.js';

/**
 * Two samples 200 ms apart through the same code `proctriage triage` runs. The PSI
 * threshold is set to 100 % so that load on the test machine (other test files running)
 * cannot turn the verdict into "system contended": the live tests are about the process
 * branch of the tree; the PSI branch is tested on captured fixtures.
 */
export async function triageLive(pid: number): Promise<Diagnosis> {
  const session = new LiveSession(createProcFs(), pid, { threshold: 100 });
  session.step();
  await sleep(200);
  const step = session.step();
  expect(step.ended).toBeNull();
  return step.diagnosis!;
}

/** Run the body on a started scenario and stop it whatever happens. */
export async function withSpawned<T extends Spawned>(start: Promise<T>, body: (s: T) => Promise<void>): Promise<void> {
  const s = await start;
  try {
    await body(s);
  } finally {
    await s.stop();
  }
}
