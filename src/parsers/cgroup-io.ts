import { ParseError } from '../procfs/errors.js';

/**
 * The cgroup files of block I/O: v1 `blkio.throttle.{read,write}_{bps,iops}_device` and
 * `blkio.throttle.io_service_bytes`, v2 `io.max` and `io.stat`. Devices are `MAJ:MIN`.
 */

export interface DeviceValue {
  readonly device: string;
  readonly value: number;
}

const DEVICE = /^\d+:\d+$/;

function lines(text: string): { line: string; n: number }[] {
  return text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [{ line: line.trim(), n: i + 1 }]));
}

/**
 * v1 `blkio.throttle.read_bps_device` and its three siblings (block/blk-throttle.c
 * tg_prfill_conf_u64/uint): one `MAJ:MIN value` line per device with a limit; a device
 * without one is not listed, so an empty file means no throttle.
 */
export function parseBlkioThrottle(text: string): DeviceValue[] {
  return lines(text).map(({ line, n }) => {
    const [device, value, extra] = line.split(/\s+/);
    if (device === undefined || !DEVICE.test(device) || value === undefined || !/^\d+$/.test(value) || extra !== undefined) {
      throw new ParseError(`expected "MAJ:MIN value", got ${JSON.stringify(line.slice(0, 60))}`, n);
    }
    return { device, value: Number(value) };
  });
}

export interface IoMax {
  readonly device: string;
  /** Bytes or operations per second; null = `max` (no limit). */
  readonly readBps: number | null;
  readonly writeBps: number | null;
  readonly readIops: number | null;
  readonly writeIops: number | null;
}

/** `MAJ:MIN key=value key=value …`: the device and its pairs (values kept as text). */
function deviceKeyed(line: string, n: number): { device: string; pairs: Map<string, string> } {
  const [device, ...rest] = line.split(/\s+/);
  if (device === undefined || !DEVICE.test(device)) throw new ParseError(`expected a MAJ:MIN device first, got ${JSON.stringify(line.slice(0, 60))}`, n);
  const pairs = new Map<string, string>();
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq <= 0 || eq === token.length - 1) throw new ParseError(`expected key=value, got ${JSON.stringify(token.slice(0, 40))}`, n);
    pairs.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return { device, pairs };
}

/**
 * v2 `io.max` (block/blk-throttle.c tg_prfill_limit): `MAJ:MIN rbps=N wbps=N riops=N wiops=N`,
 * `max` where unset; only devices with a limit are listed.
 */
export function parseIoMax(text: string): IoMax[] {
  return lines(text).map(({ line, n }) => {
    const { device, pairs } = deviceKeyed(line, n);
    const limit = (key: string): number | null => {
      const v = pairs.get(key);
      if (v === undefined || v === 'max') return null;
      if (!/^\d+$/.test(v)) throw new ParseError(`${key} is neither a number nor max: ${JSON.stringify(v.slice(0, 30))}`, n);
      return Number(v);
    };
    return { device, readBps: limit('rbps'), writeBps: limit('wbps'), readIops: limit('riops'), writeIops: limit('wiops') };
  });
}

export interface IoBytes {
  readonly device: string;
  readonly readBytes: number;
  readonly writeBytes: number;
}

/**
 * v2 `io.stat` (block/blk-cgroup.c blkcg_print_one_stat): `MAJ:MIN rbytes=N wbytes=N rios=N
 * wios=N dbytes=N dios=N`, then whatever the io policies add (`cost.vrate=100.00 …`); a
 * device with no I/O yet may show no pairs at all.
 */
export function parseIoStat(text: string): IoBytes[] {
  return lines(text).map(({ line, n }) => {
    const { device, pairs } = deviceKeyed(line, n);
    const count = (key: string): number => {
      const v = pairs.get(key) ?? '0';
      if (!/^\d+$/.test(v)) throw new ParseError(`${key} is not a number: ${JSON.stringify(v.slice(0, 30))}`, n);
      return Number(v);
    };
    return { device, readBytes: count('rbytes'), writeBytes: count('wbytes') };
  });
}

/**
 * v1 `blkio.throttle.io_service_bytes` (block/blk-cgroup-rwstat.c __blkg_prfill_rwstat):
 * per device `MAJ:MIN Read N`, `Write`, `Sync`, `Async`, `Discard`, `Total`, then one
 * `Total N` for all devices.
 */
export function parseBlkioServiceBytes(text: string): IoBytes[] {
  const byDevice = new Map<string, { readBytes: number; writeBytes: number }>();
  for (const { line, n } of lines(text)) {
    const fields = line.split(/\s+/);
    if (fields.length === 2 && fields[0] === 'Total' && /^\d+$/.test(fields[1]!)) continue;
    const [device, op, value] = fields;
    if (fields.length !== 3 || !DEVICE.test(device!) || !/^[A-Z][a-z]+$/.test(op!) || !/^\d+$/.test(value!)) {
      throw new ParseError(`expected "MAJ:MIN Op bytes" or "Total bytes", got ${JSON.stringify(line.slice(0, 60))}`, n);
    }
    const entry = byDevice.get(device!) ?? { readBytes: 0, writeBytes: 0 };
    if (op === 'Read') entry.readBytes = Number(value);
    if (op === 'Write') entry.writeBytes = Number(value);
    byDevice.set(device!, entry);
  }
  return [...byDevice].map(([device, bytes]) => ({ device, ...bytes }));
}
