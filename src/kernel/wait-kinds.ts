/**
 * The stable wait kinds of ../shared/design.md. They appear in JSON output and tests:
 * add kinds when the catalog grows, never rename one without a changelog entry.
 */
export const WAIT_KINDS = [
  'running',
  'waitpid',
  'epoll',
  'futex',
  'poll',
  'pipe',
  'socket',
  'sleep',
  'signal',
  'tty',
  'event-fd',
  'ipc',
  'file-lock',
  'io_uring',
  'disk-io',
  'reclaim',
  'kernel-lock',
  'vfork',
  'frozen',
  'uninterruptible',
  'stopped',
  'traced',
  'zombie',
  'idle',
  'other',
  'unknown',
] as const;

export type WaitKind = (typeof WAIT_KINDS)[number];

/** The syscall argument that matters for this wait, decoded. */
export interface WaitArgument {
  /** e.g. `futex address`, `epoll fd`, `pid`, `fd`, `timeout`. */
  readonly name: string;
  /** Display form, e.g. `0x7f3a2c000b10`, `5`, `-1 (any child)`, `1.5 s`. */
  readonly value: string;
  /** Machine form for the raw value (numbers as decimal strings, addresses as hex). */
  readonly raw: string;
}

export interface WaitExplanation {
  /** What the thread waits for, in plain words. */
  readonly waitsFor: string;
  /** What will wake it. */
  readonly wakesWhen: string;
  /** What it costs: a sleeping thread uses no CPU; D state counts in load average, etc. */
  readonly cost: string;
}

/**
 * A classifier input that said nothing: `denied` (not root, or another user's process),
 * `vanished`, `unsupported` (not in this kernel), `malformed`, `io`; `reads-zero`: wchan is 0
 * although the thread sleeps (the kernel hides it); `raw-address`: wchan printed an address.
 */
export interface WaitInputGap {
  readonly file: 'wchan' | 'stack' | 'syscall';
  readonly reason: 'denied' | 'vanished' | 'unsupported' | 'malformed' | 'io' | 'reads-zero' | 'raw-address';
}

export interface WaitClassification {
  readonly kind: WaitKind;
  /** Finer name inside the kind, e.g. `pipe-read`, `tcp-recv`, `futex-lock-pi`, `select` (catalog row id). */
  readonly site: string | null;
  /** Kernel function where it sleeps (suffix stripped), e.g. `do_epoll_wait`; null when unseen. */
  readonly function: string | null;
  /** Kernel source file of that function, e.g. `fs/eventpoll.c`. */
  readonly sourceFile: string | null;
  /** Syscall it is blocked in, when known. */
  readonly syscall: { readonly nr: number; readonly name: string } | null;
  readonly argument: WaitArgument | null;
  /** For a futex wait: the FUTEX_* command (op & 0x7f; 0 FUTEX_WAIT, 6 LOCK_PI, 9 WAIT_BITSET; futex_wait(2) is 0); else null. */
  readonly futexCommand?: number | null;
  readonly explanation: WaitExplanation;
  /** One line for tables: `waitpid(pid=-1 any child)`. */
  readonly summary: string;
  /** How sure: `certain` (state or an unambiguous symbol), `likely` (syscall only), `guess`. */
  readonly confidence: 'certain' | 'likely' | 'guess';
  /** Which inputs decided it, e.g. ['state', 'wchan', 'stack:2nd frame', 'syscall']. */
  readonly basis: readonly string[];
  /**
   * The kernel function seen is in the catalog, but not for the kernel the thread runs on (the
   * catalog knows it only from `since` to `until`): the reading is one step less sure. Null
   * when it is known there, or the kernel's version is unknown.
   */
  readonly outsideKnownKernels?: { readonly symbol: string; readonly kernel: string; readonly since: string | null; readonly until: string | null } | null;
  /** Inputs that could not be read and why (e.g. `stack: permission denied`), in words. */
  readonly missing: readonly string[];
  /** The same, typed: which file, and why it said nothing. */
  readonly gaps: readonly WaitInputGap[];
}
