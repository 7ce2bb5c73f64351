import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadResult } from '../procfs/errors.js';
import type { ProcFs, RecordedError } from '../procfs/procfs.js';
import type { ErrorsFile } from './format.js';

/**
 * Wraps a live ProcFs and writes every file the sampler reads into a sample directory,
 * laid out like /proc (`fd/N` as real symlinks), and every failure into errors.json.
 * Because the capture holds exactly what the diagnosis read, replay reaches the same verdict.
 */
export class RecordingProcFs implements ProcFs {
  readonly mode = 'live' as const;
  readonly errors: ErrorsFile = {};
  private readonly recorded = new Set<string>();

  constructor(
    private readonly inner: ProcFs,
    private readonly sampleDir: string,
  ) {}

  get root(): string {
    return this.inner.root;
  }

  get cgroupRoot(): string | null {
    return this.inner.cgroupRoot;
  }

  private record<T>(area: 'proc' | 'cgroup', path: string, result: ReadResult<T>, write: (full: string, value: T) => void): ReadResult<T> {
    const key = `${area}/${path}`;
    // A path read twice in one sample (the follow readers look at fds again) keeps its first
    // outcome: replay then gives every reader what the first one saw, and a symlink is not made twice.
    if (this.recorded.has(key)) return result;
    this.recorded.add(key);
    if (result.ok) {
      const full = join(this.sampleDir, area, path);
      mkdirSync(dirname(full), { recursive: true });
      write(full, result.value);
    } else {
      const recorded: RecordedError = { kind: result.error.kind, message: result.error.message, ...(result.error.errno ? { errno: result.error.errno } : {}) };
      this.errors[key] = recorded;
    }
    return result;
  }

  readText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record('proc', path, this.inner.readText(path, maxBytes), (full, text) => writeFileSync(full, text));
  }

  readCgroupText(path: string, maxBytes?: number): ReadResult<string> {
    return this.record('cgroup', path, this.inner.readCgroupText(path, maxBytes), (full, text) => writeFileSync(full, text));
  }

  readLink(path: string): ReadResult<string> {
    return this.record('proc', path, this.inner.readLink(path), (full, target) => symlinkSync(target, full));
  }

  listDir(path: string): ReadResult<string[]> {
    // The directory must exist in the capture even when every entry below it failed to read.
    return this.record('proc', path, this.inner.listDir(path), (full, names) => {
      mkdirSync(full, { recursive: true });
      if (path.endsWith('/task')) for (const tid of names) mkdirSync(join(full, tid), { recursive: true });
    });
  }

  /** Write a file that was not read through the sampler (the reduced cmdline). */
  writeExtra(path: string, text: string): void {
    const full = join(this.sampleDir, 'proc', path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}
