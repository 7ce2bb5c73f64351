import { fail, ok, type ReadResult } from '../procfs/errors.js';
import { readTextPrefix, type ProcFs } from '../procfs/procfs.js';
import { parseInetSockets, type InetSocketRow } from '../parsers/net.js';
import { parseSnmp } from '../parsers/snmp.js';
import { parseResult } from './parsed.js';

export const LISTEN_TABLES = ['tcp', 'tcp6'] as const;
export type ListenTable = (typeof LISTEN_TABLES)[number];

/** The first read of a table; it grows fourfold while every row read is still a listening socket. */
const FIRST_BYTES = 32 * 1024;
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * The listening sockets of this network namespace's `/proc/net/{tcp,tcp6}` (`net/` is the reading
 * process's own namespace: in a container, run with the host's network). The kernel lists the
 * listening hash before the established one (`tcp_get_idx`: `listening_get_idx`, then
 * `established_get_idx`), so the table is read only until its first row in another state: a
 * server with 100,000 connections costs what its few listeners cost. For a LISTEN row the kernel
 * prints `sk_ack_backlog` as `rx_queue` (`get_tcp4_sock`, net/ipv4/tcp_ipv4.c): the connections
 * completed and waiting for accept(). The backlog the socket was given (`sk_max_ack_backlog`) is
 * not in the table.
 */
export function readListeningSockets(fs: ProcFs, table: ListenTable): ReadResult<InetSocketRow[]> {
  const path = `net/${table}`;
  for (let bytes = FIRST_BYTES; ; bytes *= 4) {
    const head = readTextPrefix(fs, path, bytes);
    if (!head.ok) return head;
    // A head may end in a cut row: only whole lines are parsed.
    const text = head.value.text.slice(0, head.value.text.lastIndexOf('\n') + 1);
    const rows = parseResult(ok(text), path, (t) => parseInetSockets(t, 'tcp'));
    if (!rows.ok) return rows;
    const beyond = rows.value.some((r) => r.state !== 'LISTEN');
    if (beyond || head.value.complete || bytes >= MAX_BYTES) return ok(rows.value.filter((r) => r.state === 'LISTEN'));
  }
}

/** `net.core.somaxconn`: listen() grants no socket a larger backlog than this (the namespace's value at the time of the call). */
export function readSomaxconn(fs: ProcFs): ReadResult<number> {
  return parseResult(fs.readText('sys/net/core/somaxconn'), 'sys/net/core/somaxconn', (text) => {
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${JSON.stringify(text.trim().slice(0, 20))}`);
    return n;
  });
}

/** TcpExt `ListenOverflows` (the accept queue was full) and `ListenDrops` (any drop of a connection request) since boot. */
export interface ListenCounters {
  readonly overflows: number;
  readonly drops: number;
}

export function readListenCounters(fs: ProcFs): ReadResult<ListenCounters> {
  const netstat = parseResult(fs.readText('net/netstat'), 'net/netstat', parseSnmp);
  if (!netstat.ok) return netstat;
  const ext = netstat.value.TcpExt;
  if (ext?.ListenOverflows === undefined || ext.ListenDrops === undefined) {
    return fail({ kind: 'unsupported', path: 'net/netstat', message: 'no TcpExt ListenOverflows/ListenDrops counters' });
  }
  return ok({ overflows: ext.ListenOverflows, drops: ext.ListenDrops });
}
