import type { NextCommand, Runtime } from './types.js';

export type { Runtime };

/** HotSpot and OpenJ9 name their service threads; a JVM launched under another name still has them. */
const JVM_THREADS = /^(VM Thread|C[12] CompilerThre|GC Thread#\d+|G1 (Main Marker|Refine#\d+|Conc#\d+|Service)|Reference Handl|Signal Dispatch|Finalizer|Common-Cleaner|VM Periodic Tas|JIT Compilation|Attach Listener)$/;
/** Node's worker pools: V8's platform threads and libuv's thread pool. */
const NODE_THREADS = /^(V8 DefaultWorke|libuv-worker|node)$/;

export interface RuntimeEvidence {
  /** Target of /proc/PID/exe (null when it could not be read: another user's process). */
  readonly exe: string | null;
  readonly comm: string;
  readonly threadNames: readonly string[];
}

export function detectRuntime(e: RuntimeEvidence): Runtime {
  const exe = e.exe?.replace(/ \(deleted\)$/, '').split('/').pop() ?? null;
  const name = exe ?? e.comm;
  if (name === 'java' || e.threadNames.some((n) => JVM_THREADS.test(n))) return 'java';
  if (/^python(\d+(\.\d+)?)?$/.test(name) || /^pypy3?$/.test(name)) return 'python';
  if (name === 'node' || name === 'nodejs' || (e.threadNames.filter((n) => NODE_THREADS.test(n)).length >= 2 && e.threadNames.some((n) => n === 'libuv-worker' || n === 'V8 DefaultWorke'))) return 'node';
  return exe === null ? 'unknown' : 'native';
}

/**
 * Runtimes whose lock waiters and idle workers park on futexes the same way, so /proc cannot
 * tell a lock convoy from an idle pool: HotSpot parks every waiting thread on a futex of its own
 * (FUTEX_WAIT_BITSET_PRIVATE, one address per thread); CPython 3.11's waiters, convoy or pool,
 * share one address with the same op.
 */
export function parkedLooksLikeConvoy(runtime: Runtime): boolean {
  return runtime === 'java' || runtime === 'python';
}

/** The runtime's own view of what each thread waits for: the lock, the monitor, the line of code. */
export function threadDumpCommand(runtime: Runtime, pid: number): NextCommand {
  switch (runtime) {
    case 'java':
      return { command: `jcmd ${pid} Thread.print`, why: 'every Java thread with the monitor or lock it waits for and who holds it ("waiting to lock <0x…>", "- locked <0x…>")' };
    case 'python':
      return { command: `py-spy dump --pid ${pid}`, why: 'every Python thread\'s stack: the line each one waits on (needs ptrace access, as root)' };
    case 'node':
      return { command: `node --inspect (or kill -USR1 ${pid}), then a CPU profile in Chrome DevTools`, why: 'what the event loop and its workers run; proctriage never sends the signal itself' };
    case 'native':
      return { command: `gdb -p ${pid} -batch -ex 'thread apply all bt'`, why: 'user-space stacks of every thread: which lock each waits for (pauses the process briefly; eu-stack -p PID is lighter)' };
    case 'unknown':
      return { command: `offcputime -p ${pid}`, why: 'user and kernel stacks where the threads sleep (bcc tools), whatever the runtime' };
  }
}
