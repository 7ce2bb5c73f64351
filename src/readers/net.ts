import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
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

export function readNetTables(fs: ProcFs, pid: number): NetTables {
  const inet = Object.fromEntries(
    INET_TABLES.map((name) => [name, read(fs, `${pid}/net/${name}`, (t) => parseInetSockets(t, name.startsWith('tcp') ? 'tcp' : 'udp'))]),
  ) as Record<InetTable, ReadResult<InetSocketRow[]>>;
  return { inet, unix: read(fs, `${pid}/net/unix`, parseUnixSockets) };
}

export function readNetCounters(fs: ProcFs, pid: number): NetCounters {
  return { snmp: read(fs, `${pid}/net/snmp`, parseSnmp), netstat: read(fs, `${pid}/net/netstat`, parseSnmp) };
}
