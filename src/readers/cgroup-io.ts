import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { parseBlkioServiceBytes, parseBlkioThrottle, parseIoMax, parseIoStat, type DeviceValue, type IoBytes, type IoMax } from '../parsers/cgroup-io.js';
import { parsePartitions } from '../parsers/partitions.js';
import { parseResult } from './parsed.js';
import type { CgroupPlace } from './cgroup-place.js';
import { cgroupReader } from './cgroup-read.js';

/** The io limits as each version writes them: v1 one file per kind, v2 one `io.max`. */
export type IoLimitFiles =
  | {
      readonly version: 'v1';
      readonly readBps: ReadResult<DeviceValue[]>;
      readonly writeBps: ReadResult<DeviceValue[]>;
      readonly readIops: ReadResult<DeviceValue[]>;
      readonly writeIops: ReadResult<DeviceValue[]>;
    }
  | { readonly version: 'v2'; readonly max: ReadResult<IoMax[]> };

/** The io controller's files of the process's cgroup. */
export interface CgroupIoSnapshot {
  readonly version: 'v1' | 'v2';
  readonly path: string;
  readonly limits: IoLimitFiles;
  /** Bytes read and written so far per device: v2 `io.stat`, v1 `blkio.throttle.io_service_bytes`. */
  readonly bytes: ReadResult<IoBytes[]>;
  /** `/proc/partitions` as `MAJ:MIN` → name, read only when a limit is set (to name its device). */
  readonly deviceNames: ReadResult<ReadonlyMap<string, string>> | null;
}

/** The limits of every device, merged from either version's files (failed files left out). */
export function ioThrottles(limits: IoLimitFiles): IoMax[] {
  if (limits.version === 'v2') return limits.max.ok ? limits.max.value : [];
  const byDevice = new Map<string, { device: string; readBps: number | null; writeBps: number | null; readIops: number | null; writeIops: number | null }>();
  for (const key of ['readBps', 'writeBps', 'readIops', 'writeIops'] as const) {
    const r = limits[key];
    if (!r.ok) continue;
    for (const { device, value } of r.value) {
      const entry = byDevice.get(device) ?? { device, readBps: null, writeBps: null, readIops: null, writeIops: null };
      entry[key] = value;
      byDevice.set(device, entry);
    }
  }
  return [...byDevice.values()];
}

/**
 * v1: `blkio.throttle.{read,write}_{bps,iops}_device` and `blkio.throttle.io_service_bytes`;
 * v2: `io.max` and `io.stat`.
 */
export function readIoController(fs: ProcFs, place: CgroupPlace): CgroupIoSnapshot | null {
  if (place.version === null || place.path === null || place.unavailable !== null) return null;
  const read = cgroupReader(fs, place);
  const path = place.path;
  const limits: IoLimitFiles =
    place.version === 'v2'
      ? { version: 'v2', max: read(path, 'io.max', parseIoMax) }
      : {
          version: 'v1',
          readBps: read(path, 'blkio.throttle.read_bps_device', parseBlkioThrottle),
          writeBps: read(path, 'blkio.throttle.write_bps_device', parseBlkioThrottle),
          readIops: read(path, 'blkio.throttle.read_iops_device', parseBlkioThrottle),
          writeIops: read(path, 'blkio.throttle.write_iops_device', parseBlkioThrottle),
        };
  const limited = ioThrottles(limits).length > 0;
  return {
    version: place.version,
    path,
    limits,
    bytes: place.version === 'v2' ? read(path, 'io.stat', parseIoStat) : read(path, 'blkio.throttle.io_service_bytes', parseBlkioServiceBytes),
    deviceNames: limited ? parseResult(fs.readText('partitions'), 'partitions', parsePartitions) : null,
  };
}
