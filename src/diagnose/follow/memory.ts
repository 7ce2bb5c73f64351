import type { ReadResult } from '../../procfs/errors.js';
import type { Model } from '../../sample/model.js';
import type { MemoryView } from './types.js';

const valueOf = <T>(r: ReadResult<T>): T | null => (r.ok ? r.value : null);

/** The memory branch: RSS, swap, major faults/s, memory PSI, and the cgroup's limits and events. */
export function memoryView(model: Model): MemoryView {
  const sample = model.current;
  const status = valueOf(sample.process.status);
  const psi = valueOf(sample.systemPressure.memory);
  const cg = sample.follow?.cgroupMemory ?? null;
  let cgroup: MemoryView['cgroup'] = null;
  if (cg) {
    const failed = [cg.max, cg.events].find((r) => !r.ok);
    cgroup = {
      path: cg.path,
      maxBytes: valueOf(cg.max),
      highBytes: valueOf(cg.high),
      currentBytes: valueOf(cg.current),
      events: valueOf(cg.events),
      eventsInInterval: model.rates?.memoryEvents ?? null,
      unavailable:
        failed && !failed.ok
          ? cg.path === '/'
            ? 'the root cgroup has no memory limits'
            : `${failed.error.path}: ${failed.error.kind === 'unsupported' || failed.error.errno === 'ENOENT' ? 'the memory controller is not enabled for this cgroup on cgroup v2' : failed.error.message}`
          : null,
    };
  }
  return {
    rssKb: status?.vmRssKb ?? null,
    swapKb: status?.vmSwapKb ?? null,
    majorFaultsPerSec: model.rates?.majorFaultsPerSec ?? null,
    psiSomeAvg10: psi?.some?.avg10 ?? null,
    psiFullAvg10: psi?.full?.avg10 ?? null,
    cgroup,
  };
}
