import { InvalidArgumentError } from 'commander';
import type { ListenAddress } from '../metrics/server.js';
import { parsePidList } from './options.js';

/** Commander argument parsers of `serve` and `watch --listen`: pure, tested as a table. */

/** The exporter's default: this host only (a flag opens it up). */
export const DEFAULT_LISTEN = '127.0.0.1:9808';

/** `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for every interface; port 0 lets the kernel pick one. */
export function parseListen(value: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError(`--listen must be HOST:PORT, [IPv6]:PORT or :PORT (every interface), got "${value}".`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? null : host, port };
}

export function parseRegex(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw new InvalidArgumentError(`--comm must be a regular expression (${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}).`);
  }
}

/** A cgroup path as /proc/PID/cgroup shows it: absolute, no `..`. */
export function parseCgroupPath(value: string): string {
  if (!value.startsWith('/') || value.split('/').some((part) => part === '..' || part === '.') || /[\0\n]/.test(value)) {
    throw new InvalidArgumentError(`--cgroup must be a cgroup path as /proc/PID/cgroup shows it (e.g. /system.slice/nginx.service), got "${value}".`);
  }
  return value;
}

/** `--pid` may be repeated and take comma-separated lists. */
export function collectPids(value: string, previous: readonly number[] = []): number[] {
  return [...previous, ...parsePidList(value)];
}
