import type { CgroupV1Controller } from '../../src/procfs/cgroup-mounts.js';
import type { ReadResult } from '../../src/procfs/errors.js';
import { listCgroups, readTaskFile, type ProcFs, type TaskFile, type TextOrError } from '../../src/procfs/procfs.js';

/** A ProcFs that notes every read it passes on (`proc/<path>` or `cgroup/<path>`), to compare with what a recording holds. */
export class CountingProcFs implements ProcFs {
  readonly mode = 'live' as const;
  readonly reads: string[] = [];

  constructor(private readonly inner: ProcFs) {}

  get root(): string {
    return this.inner.root;
  }

  get cgroupRoot(): string | null {
    return this.inner.cgroupRoot;
  }

  private note<T>(key: string, result: T): T {
    this.reads.push(key);
    return result;
  }

  readText(path: string, maxBytes?: number): ReadResult<string> {
    return this.note(`proc/${path}`, this.inner.readText(path, maxBytes));
  }

  readLink(path: string): ReadResult<string> {
    return this.note(`proc/${path}`, this.inner.readLink(path));
  }

  listDir(path: string): ReadResult<string[]> {
    return this.note(`proc/${path}`, this.inner.listDir(path));
  }

  readCgroupText(path: string, maxBytes?: number): ReadResult<string> {
    return this.note(`cgroup/${path}`, this.inner.readCgroupText(path, maxBytes));
  }

  get cgroupV1Roots(): ProcFs['cgroupV1Roots'] {
    return this.inner.cgroupV1Roots;
  }

  readCgroupV1Text(controller: CgroupV1Controller, path: string, maxBytes?: number): ReadResult<string> {
    return this.note(`cgroup-v1/${controller}/${path}`, this.inner.readCgroupV1Text(controller, path, maxBytes));
  }

  readTaskFile(pid: number, tid: number, file: TaskFile): TextOrError {
    return this.note(`proc/${pid}/task/${tid}/${file}`, readTaskFile(this.inner, pid, tid, file));
  }

  listCgroups(path: string): ReadResult<string[]> {
    return this.note(`cgroup/${path}`, listCgroups(this.inner, path));
  }

  retainTasks(live: ReadonlySet<number>): void {
    this.inner.retainTasks?.(live);
  }

  close(): void {
    this.inner.close?.();
  }
}
