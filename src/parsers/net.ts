import { ParseError } from '../procfs/errors.js';

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** A row of `/proc/net/{tcp,tcp6,udp,udp6}`. */
export interface InetSocketRow {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
  readonly state: string;
  readonly txQueue: number;
  readonly rxQueue: number;
  readonly uid: number;
  readonly inode: number;
}

/** include/net/tcp_states.h */
const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW_SYN_RECV',
};

function ipv4(hex: string): string {
  // The kernel prints the address as a host-order 32-bit word: little-endian on x86 and arm64.
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** 16 address bytes from the kernel's four host-order 32-bit words (`%08X` each). */
function ipv6Bytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(w.slice(b * 2, b * 2 + 2), 16));
  }
  return bytes;
}

/** RFC 5952 text: lowercase, the longest run (first on a tie) of two or more zero groups as `::`. */
function ipv6(hex: string): string {
  const bytes = ipv6Bytes(hex);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i]! * 256 + bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = (part: number[]) => part.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`;
}

function address(text: string, line: number): SocketAddress {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) throw new ParseError(`not an address: ${JSON.stringify(text.slice(0, 50))}`, line);
  const hex = m[1]!;
  return { address: hex.length === 8 ? ipv4(hex) : ipv6(hex), port: parseInt(m[2]!, 16) };
}

export function parseInetSockets(text: string, protocol: 'tcp' | 'udp'): InetSocketRow[] {
  const rows: InetSocketRow[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    if (f.length < 10) throw new ParseError(`not a socket row: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    const queues = /^([0-9A-Fa-f]+):([0-9A-Fa-f]+)$/.exec(f[4]!);
    if (!queues || !/^\d+$/.test(f[9]!) || !/^\d+$/.test(f[7]!) || !/^[0-9A-Fa-f]{2}$/.test(f[3]!)) {
      throw new ParseError('malformed socket row', i + 1);
    }
    const stateNumber = parseInt(f[3]!, 16);
    rows.push({
      local: address(f[1]!, i + 1),
      remote: address(f[2]!, i + 1),
      state: protocol === 'tcp' ? (TCP_STATES[stateNumber] ?? `0x${f[3]}`) : stateNumber === 1 ? 'ESTABLISHED' : stateNumber === 7 ? 'UNCONN' : `0x${f[3]}`,
      txQueue: parseInt(queues[1]!, 16),
      rxQueue: parseInt(queues[2]!, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return rows;
}

/** A row of `/proc/net/unix`. */
export interface UnixSocketRow {
  readonly inode: number;
  readonly type: 'stream' | 'dgram' | 'seqpacket' | 'other';
  readonly listening: boolean;
  /** Socket state (`St`, enum socket_state): a connected stream socket has a peer. */
  readonly state: UnixSocketState;
  readonly path: string | null;
}

export type UnixSocketState = 'free' | 'unconnected' | 'connecting' | 'connected' | 'disconnecting' | 'other';

const UNIX_STATES: readonly UnixSocketState[] = ['free', 'unconnected', 'connecting', 'connected', 'disconnecting'];

/** `%pK: %08X %08X %08X %04X %02X %5lu` then, for a bound socket, a space and the raw path. */
const UNIX_ROW = /^[0-9a-fA-F]+: [0-9A-F]{8} [0-9A-F]{8} ([0-9A-F]{8}) ([0-9A-F]{4}) ([0-9A-F]{2}) +(\d+)(?: (.*))?$/s;

/**
 * `/proc/net/unix`. The path is printed byte for byte (spaces kept, abstract names start
 * with `@`, a NUL in one prints as `@`), so a path holding a newline goes on over the next
 * line: a line that is not a row continues the path of the row before it.
 */
export function parseUnixSockets(text: string): UnixSocketRow[] {
  const rows: UnixSocketRow[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const m = UNIX_ROW.exec(line);
    if (!m) {
      const last = rows.at(-1);
      if (last?.path == null) throw new ParseError(`not a unix socket row: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
      rows[rows.length - 1] = { ...last, path: `${last.path}\n${line}` };
      continue;
    }
    const type = parseInt(m[2]!, 16);
    rows.push({
      inode: Number(m[4]),
      type: type === 1 ? 'stream' : type === 2 ? 'dgram' : type === 5 ? 'seqpacket' : 'other',
      listening: (parseInt(m[1]!, 16) & 0x10000) !== 0,
      state: UNIX_STATES[parseInt(m[3]!, 16)] ?? 'other',
      path: m[5] ?? null,
    });
  }
  return rows;
}
