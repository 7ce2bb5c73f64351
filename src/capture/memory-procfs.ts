import type { ErrorsFile } from './format.js';
import type { RecordedEntry, RecordedSample } from './recording-procfs.js';
import { SKIPPED_ERRNO, type ReadResult } from '../procfs/errors.js';
import type { ProcFs } from '../procfs/procfs.js';
import { WrappedProcFs } from '../procfs/wrapped.js';
import type { CgroupV1Controller } from '../procfs/cgroup-mounts.js';

/** The per-thread files a full sample reads: one the dashboard left unread is recorded as such. */
const THREAD_FILES = ['stat', 'status', 'wchan', 'stack', 'syscall', 'io', 'schedstat', 'children'] as const;
const TASK_FILE = /^proc\/(\d+)\/task\/(\d+)\//;

/**
 * Wraps a live ProcFs and keeps, between `begin()` and `end()`, the newest text of every file
 * read: what the process looked like at its last samples, in memory, so that a capture can be
 * written after it has exited (attach's `c`). A dashboard re-reads only the threads that ran;
 * a thread it did not re-read kept the text of its last read, so the newest text of each file
 * is the sample. Reads outside a sample (the looks between samples) are not kept.
 */
export class MemoryProcFs extends WrappedProcFs {
  private current = new Map<string, RecordedEntry>();
  private errors: ErrorsFile = {};
  private recording = false;
  private kept: RecordedSample[] = [];

  constructor(
    inner: ProcFs,
    /** Samples kept (two: rates need an interval). */
    private readonly keep = 2,
  ) {
    super(inner);
  }

  /** Start keeping what is read. */
  begin(): void {
    this.recording = true;
  }

  /** The sample is complete: keep a copy of every file's newest text, for `samples()`. */
  end(tMonoMs: number, tWallMs: number): void {
    this.recording = false;
    this.prune();
    const entries = new Map(this.current);
    const errors = { ...this.errors };
    // Files it did not read are named as such only when the samples are asked for (rarely: `c`).
    this.kept.push({ entries, errors, tMonoMs, tWallMs, bytes: 0 });
    if (this.kept.length > this.keep) this.kept.shift();
  }

  /** The sample is not one to keep (the process was gone): stop keeping reads, keep the samples. */
  drop(): void {
    this.recording = false;
  }

  /** The samples kept, oldest first. */
  samples(): readonly RecordedSample[] {
    return this.kept.map((s) => ({ ...s, errors: withUnread(s.entries, s.errors) }));
  }

  /** Forget the files of threads no longer listed (they exited): what is kept stays one sample. */
  private prune(): void {
    const listed = new Map<string, Set<string>>();
    for (const [key, e] of this.current) if (e.type === 'dir' && /^proc\/\d+\/task$/.test(key)) listed.set(key.split('/')[1]!, new Set(e.names));
    const drop = (key: string) => {
      const m = TASK_FILE.exec(key);
      return m !== null && listed.get(m[1]!)?.has(m[2]!) === false;
    };
    for (const key of [...this.current.keys()]) if (drop(key)) this.current.delete(key);
    for (const key of Object.keys(this.errors)) if (drop(key)) delete this.errors[key];
  }

  private record<T>(key: string, result: ReadResult<T>, entry: (value: T) => RecordedEntry): ReadResult<T> {
    if (!this.recording) return result;
    if (result.ok) {
      this.current.set(key, entry(result.value));
      delete this.errors[key];
    } else {
      this.current.delete(key);
      this.errors[key] = { kind: result.error.kind, message: result.error.message, ...(result.error.errno ? { errno: result.error.errno } : {}) };
    }
    return result;
  }

  readText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record(`proc/${path}`, this.inner.readText(path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readCgroupText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record(`cgroup/${path}`, this.inner.readCgroupText(path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readCgroupV1Text(controller: CgroupV1Controller, path: string, maxBytes?: number): ReadResult<string> {
    const root = `cgroup-v1/${controller}`;
    if (this.recording && this.inner.cgroupV1Roots[controller] !== undefined && !this.current.has(root)) this.current.set(root, { type: 'dir', names: [] });
    return this.record(`cgroup-v1/${controller}/${path}`, this.inner.readCgroupV1Text(controller, path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readLink(path: string): ReadResult<string> {
    return this.record(`proc/${path}`, this.inner.readLink(path), (target) => ({ type: 'link', target }));
  }

  listDir(path: string): ReadResult<string[]> {
    return this.record(`proc/${path}`, this.inner.listDir(path), (names) => ({ type: 'dir', names: [...names] }));
  }

  sweep(): void {
    this.inner.sweep?.();
  }
}

/**
 * A listed thread's file the dashboard did not read (a stack it did not need) replays as "not
 * read", as it was live, rather than as missing from the capture.
 */
function withUnread(entries: ReadonlyMap<string, RecordedEntry>, errors: ErrorsFile): ErrorsFile {
  const out = { ...errors };
  for (const [key, e] of entries) {
    if (e.type !== 'dir' || !/^proc\/\d+\/task$/.test(key)) continue;
    for (const tid of e.names) {
      for (const file of THREAD_FILES) {
        const path = `${key}/${tid}/${file}`;
        if (!entries.has(path) && !(path in out)) out[path] = { kind: 'unsupported', errno: SKIPPED_ERRNO, message: 'not read (not needed for this view)' };
      }
    }
  }
  return out;
}
