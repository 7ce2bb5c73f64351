import type { ReadResult } from '../../procfs/errors.js';
import type { Model } from '../../sample/model.js';
import type { Sample } from '../../sample/types.js';
import type { ThreadSnapshot } from '../../readers/types.js';
import type { FdContext } from '../follow/peers.js';
import type { FutexGroup, NetworkView } from '../follow/types.js';
import type { ProcessFacts, ThreadDiagnosis } from '../types.js';

/** What every insight is computed from: the model, the classified threads and what the follow step found. */
export interface InsightInput {
  readonly model: Model;
  readonly process: ProcessFacts;
  readonly threads: readonly ThreadDiagnosis[];
  /** The raw thread snapshots by tid: syscall arguments the classification does not keep. */
  readonly snapshots: ReadonlyMap<number, ThreadSnapshot>;
  readonly futexGroups: readonly FutexGroup[];
  readonly network: NetworkView;
  readonly ctx: FdContext;
}

export const valueOf = <T>(r: ReadResult<T> | null | undefined): T | null => (r?.ok ? r.value : null);

/** A counter's growth per second between the model's two samples; null with one sample or a counter that went back. */
export function perSecond(model: Model, pick: (s: Sample) => number | null): number | null {
  const prev = model.previous;
  const seconds = (model.rates?.intervalMs ?? 0) / 1000;
  if (!prev || seconds <= 0) return null;
  const a = pick(prev);
  const b = pick(model.current);
  return a === null || b === null || b < a ? null : (b - a) / seconds;
}

/** A namespace TCP counter (`net/snmp` or `net/netstat`) of one sample. */
export function netCounter(sample: Sample, file: 'snmp' | 'netstat', section: string, name: string): number | null {
  const r = sample.follow?.netCounters[file];
  return r?.ok ? (r.value[section]?.[name] ?? null) : null;
}

/** `1128 kB` of a status field, in kB. */
export function statusKb(model: Model, field: string): number | null {
  const status = valueOf(model.current.process.status);
  const m = status ? /^(\d+)\s*kB$/.exec(status.fields[field] ?? '') : null;
  return m ? Number(m[1]) : null;
}
