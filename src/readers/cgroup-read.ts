import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { cgroupFilePath, type CgroupPlace } from './cgroup-place.js';
import { parseResult } from './parsed.js';

/** Reads one parsed file of a cgroup in the hierarchy of `place` (another path of it: an ancestor). */
export type CgroupFileReader = <T>(cgroupPath: string, file: string, parse: (text: string) => T) => ReadResult<T>;

/** A reader of files in the hierarchy that serves `place`: its v1 controller's, or the v2 tree. */
export function cgroupReader(fs: ProcFs, place: CgroupPlace): CgroupFileReader {
  const v1 = place.v1Controller;
  return (cgroupPath, file, parse) => {
    const path = cgroupFilePath(cgroupPath, file);
    return v1 !== null
      ? parseResult(fs.readCgroupV1Text(v1, path), `cgroup-v1:${v1}/${path}`, parse)
      : parseResult(fs.readCgroupText(path), `cgroup:${path}`, parse);
  };
}
