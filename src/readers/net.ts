import type { ProcFs } from '../procfs/procfs.js';
import { skipped, type ReadResult } from '../procfs/errors.js';
import { parseInetSockets, parseUnixSockets, type InetSocketRow, type UnixSocketRow } from '../parsers/net.js';
import { parseSnmp, type SnmpSection } from '../parsers/snmp.js';
import { parseResult } from './parsed.js';

export const INET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
export type InetTable = (typeof INET_TABLES)[number];

/** The socket tables of one network namespace, read through a process's own `/proc/<pid>/net/`. */
export interface NetTables {
  readonly inet: Readonly<Record<InetTable, ReadResult<InetSocketRow[]>>>;
  readonly unix: ReadResult<UnixSocketRow[]>;
}

/** `snmp` and `netstat` of the namespace: `Tcp`, `Udp`, `TcpExt`, … sections of counters. */
export interface NetCounters {
  readonly snmp: ReadResult<Readonly<Record<string, SnmpSection>>>;
  readonly netstat: ReadResult<Readonly<Record<string, SnmpSection>>>;
}

function read<T>(fs: ProcFs, path: string, parse: (text: string) => T): ReadResult<T> {
  return parseResult(fs.readText(path), path, parse);
}

/**
 * The socket tables of the process's network namespace. They list every socket of the
 * namespace, so they are costly on a busy server: when every socket inode of the process is
 * a unix socket, the TCP and UDP tables are not read at all.
 */
export function readNetTables(fs: ProcFs, pid: number, socketInodes?: ReadonlySet<number>): NetTables {
  const unix = read(fs, `${pid}/net/unix`, parseUnixSockets);
  const unixInodes = unix.ok ? new Set(unix.value.map((r) => r.inode)) : null;
  const allUnix = socketInodes !== undefined && unixInodes !== null && [...socketInodes].every((i) => unixInodes.has(i));
  const inet = Object.fromEntries(
    INET_TABLES.map((name) => [
      name,
      allUnix ? skipped<InetSocketRow[]>(`${pid}/net/${name}`) : read(fs, `${pid}/net/${name}`, (t) => parseInetSockets(t, name.startsWith('tcp') ? 'tcp' : 'udp')),
    ]),
  ) as Record<InetTable, ReadResult<InetSocketRow[]>>;
  return { inet, unix };
}

export function readNetCounters(fs: ProcFs, pid: number): NetCounters {
  return { snmp: read(fs, `${pid}/net/snmp`, parseSnmp), netstat: read(fs, `${pid}/net/netstat`, parseSnmp) };
}

/** Counters deliberately not read (the process has no socket): not a gap, never reported. */
export function skippedNetCounters(pid: number): NetCounters {
  return { snmp: skipped(`${pid}/net/snmp`), netstat: skipped(`${pid}/net/netstat`) };
}
