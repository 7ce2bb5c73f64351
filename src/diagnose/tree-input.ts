import type { MachineUse } from '../sample/culprits.js';
import type { FutexGroup, MemoryView, NetworkView } from './follow/types.js';
import type { LimitFacts } from './limits.js';
import type { Runtime } from './runtime.js';
import type { Insights } from './insights/types.js';
import type { PressureView, ProcessFacts, ThreadDiagnosis, WaitGroup } from './types.js';

/** What the tree looks at; all of it measured before the walk. */
export interface TreeInput {
  readonly process: ProcessFacts;
  readonly threads: readonly ThreadDiagnosis[];
  readonly groups: readonly WaitGroup[];
  readonly system: PressureView;
  readonly cgroup: PressureView | null;
  /** false for a single sample: no CPU %, no rates. */
  readonly haveRates: boolean;
  readonly threshold: number;
  readonly cpuCount: number;
  /** Futex waiters grouped by address, each a lock queue or a parked pool (follow/futex.ts). */
  readonly futexGroups: readonly FutexGroup[];
  readonly network?: NetworkView;
  readonly memory?: MemoryView;
  /** The CPU and memory limits of its cgroup, and how hard they bit over the interval. */
  readonly limits?: LimitFacts | null;
  /** Every process's use of the machine over the interval (live only): culprits come from it. */
  readonly machine?: MachineUse | null;
  readonly runtime: Runtime;
  /** Its children's states (null when not read): a zombie or stopped child is named in the verdict. */
  readonly childStates?: readonly { readonly pid: number; readonly comm: string; readonly state: string }[] | null;
  /** What the seed material knows about its waits (insights/*): accept queues, herds, memory mix, durability. */
  readonly insights?: Insights | null;
}
