import { afterAll, describe, expect, it } from 'vitest';
import { createMachineSampler } from '../../src/sample/machine/sampler.js';
import { spawnStuck, stopAll } from '../support/spawners.js';

afterAll(stopAll);

describe('spawnStuck', () => {
  it('gives a lock queue of n threads and one thread in D state (a vfork parent), as the machine sampler sees them', async () => {
    const stuck = await spawnStuck('stucktest', 8);
    const sampler = createMachineSampler({ pids: [stuck.pid], lockWords: true });
    const s = sampler.sample();
    sampler.close();
    const waiters = s.threads.filter((t) => stuck.waitingTids.includes(t.tid));
    expect(waiters).toHaveLength(8);
    for (const t of waiters) expect(t).toMatchObject({ processComm: 'stucktest', state: 'S', wait: { kind: 'futex' }, lockWord: `0x${stuck.futexAddr.toString(16)}` });
    expect(s.threads.find((t) => t.tid === stuck.dStateTid)).toMatchObject({ state: 'D', wait: { kind: 'vfork', site: 'vfork-wait' } });
    await stuck.stop();
    expect(stuck.related.child).toBeGreaterThan(0);
  }, 30_000);
});
