import type { CgroupV1Controller } from './cgroup-mounts.js';
import type { ReadResult } from './errors.js';
import type { ProcFs } from './procfs.js';

/** A ProcFs that reads through another (a recorder, a memory of the last samples): where it reads is the inner one's. */
export abstract class WrappedProcFs implements ProcFs {
  readonly mode = 'live' as const;

  constructor(protected readonly inner: ProcFs) {}

  get root(): string {
    return this.inner.root;
  }

  get cgroupRoot(): string | null {
    return this.inner.cgroupRoot;
  }

  get cgroupV1Roots(): ProcFs['cgroupV1Roots'] {
    return this.inner.cgroupV1Roots;
  }

  abstract readText(path: string, maxBytes?: number): ReadResult<string>;
  abstract readLink(path: string): ReadResult<string>;
  abstract listDir(path: string): ReadResult<string[]>;
  abstract readCgroupText(path: string, maxBytes?: number): ReadResult<string>;
  abstract readCgroupV1Text(controller: CgroupV1Controller, path: string, maxBytes?: number): ReadResult<string>;
}
