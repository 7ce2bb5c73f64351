import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ErrorsFile } from './format.js';
import type { ReadResult } from '../procfs/errors.js';
import { WrappedProcFs } from '../procfs/wrapped.js';
import { listCgroups, readTaskFile, readTextPrefix, type TaskFile, type TextOrError, type TextPrefix } from '../procfs/procfs.js';
import type { CgroupV1Controller } from '../procfs/cgroup-mounts.js';
import type { Steps } from './steps.js';

/** One file the sampler read, kept as raw text (never parsed: the capture holds what /proc said). */
export type RecordedEntry =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'link'; readonly target: string }
  | { readonly type: 'dir'; readonly names: readonly string[] };

/** Everything one sample read, by `proc/<path>`, `cgroup/<path>` or `cgroup-v1/<controller>/<path>`, and every failure. */
export interface RecordedSample {
  readonly entries: ReadonlyMap<string, RecordedEntry>;
  readonly errors: ErrorsFile;
  readonly tMonoMs: number;
  readonly tWallMs: number;
  /** Approximate bytes held (text and names), for the memory and disk estimates. */
  readonly bytes: number;
  /** A look between full samples (capture format 2). */
  readonly light?: boolean;
}

/**
 * Wraps a live ProcFs and keeps every file the sampler reads, as raw text, and every failure:
 * a capture holds exactly what the diagnosis read, so replay reaches the same verdict. Kept in
 * memory: `capture` writes its samples at the end, the flight recorder holds the last N in a
 * ring and writes them only when a condition fires (`recordedSampleSteps`).
 */
export class RecordingProcFs extends WrappedProcFs {
  private readonly entries = new Map<string, RecordedEntry>();
  private readonly errors: ErrorsFile = {};
  private bytes = 0;


  private record<T>(area: 'proc' | 'cgroup' | 'cgroup-v1', path: string, result: ReadResult<T>, entry: (value: T) => RecordedEntry): ReadResult<T> {
    const key = `${area}/${path}`;
    // A path read twice in one sample (the follow readers look at fds again) keeps its first
    // outcome: replay then gives every reader what the first one saw.
    if (this.entries.has(key) || key in this.errors) return result;
    if (result.ok) {
      const e = entry(result.value);
      this.entries.set(key, e);
      this.bytes += key.length + (e.type === 'text' ? e.text.length : e.type === 'link' ? e.target.length : e.names.join('').length);
    } else {
      this.errors[key] = { kind: result.error.kind, message: result.error.message, ...(result.error.errno ? { errno: result.error.errno } : {}) };
      this.bytes += key.length + result.error.message.length;
    }
    return result;
  }

  readText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record('proc', path, this.inner.readText(path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readCgroupText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record('cgroup', path, this.inner.readCgroupText(path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readCgroupV1Text(controller: CgroupV1Controller, path: string, maxBytes?: number): ReadResult<string> {
    // The controller's directory says "mounted" in replay even when every file of it failed.
    const root = `cgroup-v1/${controller}`;
    if (this.inner.cgroupV1Roots[controller] !== undefined && !this.entries.has(root)) this.entries.set(root, { type: 'dir', names: [] });
    return this.record('cgroup-v1', `${controller}/${path}`, this.inner.readCgroupV1Text(controller, path, maxBytes), (text) => ({ type: 'text', text }));
  }

  readLink(path: string): ReadResult<string> {
    return this.record('proc', path, this.inner.readLink(path), (target) => ({ type: 'link', target }));
  }

  listDir(path: string): ReadResult<string[]> {
    return this.record('proc', path, this.inner.listDir(path), (names) => ({ type: 'dir', names: [...names] }));
  }

  /** The inner ProcFs's fast path (kept-open fds), recorded like any other read. */
  readTaskFile(pid: number, tid: number, file: TaskFile): TextOrError {
    const text = readTaskFile(this.inner, pid, tid, file);
    const result: ReadResult<string> = typeof text === 'string' ? { ok: true, value: text } : { ok: false, error: text };
    this.record('proc', `${pid}/task/${tid}/${file}`, result, (value) => ({ type: 'text', text: value }));
    return text;
  }

  /** The head as read is what the capture holds: replay reads it as the whole file. */
  readTextPrefix(path: string, maxBytes: number): ReadResult<TextPrefix> {
    return this.record('proc', path, readTextPrefix(this.inner, path, maxBytes), (head) => ({ type: 'text', text: head.text }));
  }

  listCgroups(path: string): ReadResult<string[]> {
    return this.record('cgroup', path, listCgroups(this.inner, path), (names) => ({ type: 'dir', names: [...names] }));
  }

  retainTasks(live: ReadonlySet<number>): void {
    this.inner.retainTasks?.(live);
  }

  /** Add a file that was not read through the sampler (the reduced cmdline). */
  addText(path: string, text: string): void {
    if (this.entries.has(`proc/${path}`)) return;
    this.entries.set(`proc/${path}`, { type: 'text', text });
    this.bytes += path.length + text.length;
  }

  /** Failures so far, by `proc/<path>`, `cgroup/<path>` or `cgroup-v1/<controller>/<path>`. */
  get recordedErrors(): Readonly<ErrorsFile> {
    return this.errors;
  }

  /** Freeze what was read into a sample (the recorder is not used after this). */
  finish(tMonoMs: number, tWallMs: number, light = false): RecordedSample {
    return { entries: this.entries, errors: this.errors, tMonoMs, tWallMs, bytes: this.bytes, ...(light ? { light } : {}) };
  }
}

/**
 * Write a recorded sample as a capture sample directory, laid out like /proc (`fd/N` as
 * symlinks, or empty files where the directory was only listed; each `task/<tid>` directory
 * present even when its files failed) + errors.json;
 * one step per file (see `Steps`).
 */
export function* recordedSampleSteps(sampleDir: string, sample: RecordedSample): Steps<void> {
  mkdirSync(sampleDir, { recursive: true });
  for (const [key, entry] of sample.entries) {
    const full = join(sampleDir, key);
    if (entry.type === 'dir') {
      mkdirSync(full, { recursive: true });
      // A listing's entries are directories (tasks, child cgroups): present even when their files failed.
      if (key.endsWith('/task') || key.startsWith('cgroup/')) for (const name of entry.names) mkdirSync(join(full, name), { recursive: true });
      // An fd directory only listed (how many fds a thread's or a child's table holds): replay
      // must list the same names. Entries read themselves are written as their links.
      else if (key.endsWith('/fd')) for (const name of entry.names) if (!sample.entries.has(`${key}/${name}`)) writeFileSync(join(full, name), '');
    } else {
      mkdirSync(dirname(full), { recursive: true });
      if (entry.type === 'text') writeFileSync(full, entry.text);
      else symlinkSync(entry.target, full);
    }
    yield;
  }
  writeFileSync(join(sampleDir, 'errors.json'), `${JSON.stringify(sample.errors, null, 1)}\n`);
  yield;
}
