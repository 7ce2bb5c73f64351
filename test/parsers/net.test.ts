import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInetSockets, parseUnixSockets, type InetSocketRow, type UnixSocketRow } from '../../src/parsers/net.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { counter, hex } from './support/kernel.js';
import { NET_TCP, NET_TCP6, NET_UDP, NET_UDP6, NET_UNIX } from './support/samples.js';

const ends = (rows: InetSocketRow[]) => rows.map((r) => `${r.local.address}:${r.local.port} ${r.remote.address}:${r.remote.port} ${r.state}`);

describe('parseInetSockets on this machine\'s tables', () => {
  it('reads tcp listeners and an established loopback connection', () => {
    const rows = parseInetSockets(NET_TCP, 'tcp');
    expect(ends(rows)).toEqual(['0.0.0.0:2024 0.0.0.0:0 LISTEN', '127.0.0.1:45123 0.0.0.0:0 LISTEN', '127.0.0.1:39784 127.0.0.1:45125 ESTABLISHED']);
    expect(rows[1]).toEqual({
      local: { address: '127.0.0.1', port: 45123 },
      remote: { address: '0.0.0.0', port: 0 },
      state: 'LISTEN',
      txQueue: 0,
      rxQueue: 0,
      uid: 0,
      inode: 28895,
    } satisfies InetSocketRow);
  });

  it('reads tcp6: ::1, ::, and an IPv4-mapped ::ffff:127.0.0.1 peer', () => {
    expect(ends(parseInetSockets(NET_TCP6, 'tcp'))).toEqual([
      '::1:45124 :::0 LISTEN',
      ':::45125 :::0 LISTEN',
      '::ffff:127.0.0.1:45125 ::ffff:127.0.0.1:39784 ESTABLISHED',
    ]);
  });

  it('reads udp and udp6 sockets as UNCONN', () => {
    expect(ends(parseInetSockets(NET_UDP, 'udp'))).toEqual(['127.0.0.1:45126 0.0.0.0:0 UNCONN']);
    expect(ends(parseInetSockets(NET_UDP6, 'udp'))).toEqual(['::1:45127 :::0 UNCONN']);
  });

  it('prints IPv6 lowercase with the longest zero run compressed (RFC 5952)', () => {
    const row = (addr: string) => `header\n   0: ${addr}:0050 00000000000000000000000000000000:0000 01 00000001:00000002 00:00000000 00000000  1000        0 77 1\n`;
    // fe80:0:0:1:0:0:0:1: the longer run (three groups) is the one to compress, not the first.
    expect(parseInetSockets(row('000080FE010000000000000001000000'), 'tcp')[0]!.local.address).toBe('fe80:0:0:1::1');
    expect(parseInetSockets(row('B80D0120000000000000000000000001'), 'tcp')[0]).toMatchObject({
      local: { address: '2001:db8::100:0', port: 80 },
      txQueue: 1,
      rxQueue: 2,
      uid: 1000,
    });
  });

  it('names an unknown state by its number', () => {
    const text = `header\n   0: 0100007F:0050 00000000:0000 1F 00000000:00000000 00:00000000 00000000     0        0 1 1\n`;
    expect(parseInetSockets(text, 'tcp')[0]!.state).toBe('0x1F');
  });

  it.each([
    ['a short row', 'header\n   0: 0100007F:0050 00000000:0000 0A\n'],
    ['a 7-hex-digit address', 'header\n   0: 100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n'],
    ['a word for the uid', 'header\n   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  root        0 1 1\n'],
    ['a word for the inode', 'header\n   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x 1\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseInetSockets(text, 'tcp')).toThrow(ParseError);
  });
});

/** A 16-byte IPv6 address, often with zero groups, sometimes IPv4-mapped. */
const ipv6Bytes = fc.oneof(
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((groups) => groups.flatMap((g) => [g >> 8, g & 0xff])),
  fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }).map((v4) => [...Array<number>(10).fill(0), 0xff, 0xff, ...v4]),
);
const ipv4Bytes = fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 });

/** Each 4-byte word as the kernel prints a host-order (little-endian) u32 with %08X. */
const kernelHex = (bytes: number[]) =>
  Array.from({ length: bytes.length / 4 }, (_, w) => hex(bytes.slice(w * 4, w * 4 + 4).reverse().reduce((n, b) => n * 256 + b, 0), 8, true)).join('');

/** Expected text: dotted IPv4; IPv4-mapped as ::ffff:a.b.c.d; other IPv6 as the WHATWG URL serializer writes it. */
function addressText(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => hex(bytes[2 * i]! * 256 + bytes[2 * i + 1]!));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const endpoint = (family: 4 | 6) => fc.record({ bytes: family === 4 ? ipv4Bytes : ipv6Bytes, port: fc.nat({ max: 0xffff }) });
const inetRow = (family: 4 | 6) =>
  fc.record({
    local: endpoint(family),
    remote: endpoint(family),
    state: fc.integer({ min: 1, max: 12 }),
    tx: fc.nat({ max: 0xffffffff }),
    rx: fc.nat({ max: 0xffffffff }),
    uid: fc.nat({ max: 0xfffffffe }),
    inode: counter,
  });
type Row = typeof inetRow extends (f: 4 | 6) => fc.Arbitrary<infer T> ? T : never;

const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

/** net/ipv4/tcp_ipv4.c get_tcp4_sock, padded to 149 columns; tcp6 and udp use the same leading columns. */
function printRow(r: Row, slot: number, protocol: 'tcp' | 'udp'): string {
  const ep = (e: Row['local']) => `${kernelHex(e.bytes)}:${hex(e.port, 4, true)}`;
  const line =
    `${String(slot).padStart(4)}: ${ep(r.local)} ${ep(r.remote)} ${hex(r.state, 2, true)} ${hex(r.tx, 8, true)}:${hex(r.rx, 8, true)} ` +
    `00:00000000 00000000 ${String(r.uid).padStart(5)} ${String(0).padStart(8)} ${r.inode} 1 0000000053458d39 ${protocol === 'tcp' ? '100 0 0 10 0' : '0'}`;
  return r.local.bytes.length === 4 ? line.padEnd(149) : line;
}

function expectedRow(r: Row, protocol: 'tcp' | 'udp'): InetSocketRow {
  const udpState = r.state === 1 ? 'ESTABLISHED' : r.state === 7 ? 'UNCONN' : `0x${hex(r.state, 2, true)}`;
  return {
    local: { address: addressText(r.local.bytes), port: r.local.port },
    remote: { address: addressText(r.remote.bytes), port: r.remote.port },
    state: protocol === 'tcp' ? TCP_STATES[r.state]! : udpState,
    txQueue: r.tx,
    rxQueue: r.rx,
    uid: r.uid,
    inode: r.inode,
  };
}

describe('parseInetSockets round trip', () => {
  it.each([
    ['tcp', 4],
    ['tcp', 6],
    ['udp', 4],
    ['udp', 6],
  ] as const)('reads back %s rows of IPv%d addresses', (protocol, family) => {
    fc.assert(
      fc.property(fc.array(inetRow(family), { maxLength: 8 }), (rows) => {
        const text = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n${rows.map((r, i) => `${printRow(r, i, protocol)}\n`).join('')}`;
        expect(parseInetSockets(text, protocol)).toEqual(rows.map((r) => expectedRow(r, protocol)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseUnixSockets', () => {
  it('reads this machine\'s table: unbound sockets and a listener with a path', () => {
    expect(parseUnixSockets(NET_UNIX)).toEqual([
      { inode: 148, type: 'stream', listening: false, state: 'connected', path: null },
      { inode: 28902, type: 'stream', listening: true, state: 'unconnected', path: '/tmp/pt-test.sock' },
      { inode: 147, type: 'stream', listening: false, state: 'connected', path: null },
    ] satisfies UnixSocketRow[]);
  });

  it('keeps a path\'s spaces and abstract `@` names, and follows a path over a newline', () => {
    const text =
      'Num       RefCount Protocol Flags    Type St Inode Path\n' +
      '00000000aa: 00000002 00000000 00000000 0002 01  9001 /run/my  app.sock \n' +
      '00000000bb: 00000002 00000000 00000000 0005 01  9002 @/tmp/.X11-unix/X0\n' +
      '00000000cc: 00000002 00000000 00000000 0001 01  9003 /tmp/evil\n' +
      'line two\n' +
      '00000000dd: 00000002 00000000 00000000 0003 01  9004\n';
    expect(parseUnixSockets(text)).toEqual([
      { inode: 9001, type: 'dgram', listening: false, state: 'unconnected', path: '/run/my  app.sock ' },
      { inode: 9002, type: 'seqpacket', listening: false, state: 'unconnected', path: '@/tmp/.X11-unix/X0' },
      { inode: 9003, type: 'stream', listening: false, state: 'unconnected', path: '/tmp/evil\nline two' },
      { inode: 9004, type: 'other', listening: false, state: 'unconnected', path: null },
    ]);
  });

  it('refuses a row that is not one and follows no path', () => {
    expect(() => parseUnixSockets('Num RefCount\n0000: 00000002 00000000\n')).toThrow(ParseError);
    expect(() => parseUnixSockets(`${NET_UNIX}stray\n`)).toThrow(ParseError);
  });

  const unixRow = fc.record({
    ref: fc.nat({ max: 0xffff }),
    listening: fc.boolean(),
    type: fc.constantFrom(1, 2, 5, 3),
    st: fc.constantFrom(1, 3),
    inode: counter,
    path: fc.option(fc.oneof(fc.stringMatching(/^[^\0]{1,40}$/), fc.stringMatching(/^@[^\0\n]{0,20}$/), fc.constantFrom('/a\n', '/a\n\nb', '/x y \n z'))),
  });
  const TYPES: Record<number, UnixSocketRow['type']> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket', 3: 'other' };

  it('reads back rows printed by unix_seq_show, paths byte for byte', () => {
    fc.assert(
      fc.property(fc.array(unixRow, { maxLength: 10 }), (rows) => {
        const body = rows
          .map(
            (r, i) =>
              `${hex(0xffff8880_00000000 + i * 64, 16)}: ${hex(r.ref, 8, true)} 00000000 ${hex(r.listening ? 0x10000 : 0, 8, true)} ` +
              `${hex(r.type, 4, true)} ${hex(r.st, 2, true)} ${String(r.inode).padStart(5)}${r.path === null ? '' : ` ${r.path}`}\n`,
          )
          .join('');
        expect(parseUnixSockets(`Num       RefCount Protocol Flags    Type St Inode Path\n${body}`)).toEqual(
          rows.map((r) => ({ inode: r.inode, type: TYPES[r.type], listening: r.listening, state: r.st === 3 ? 'connected' : 'unconnected', path: r.path })),
        );
      }),
      { numRuns: RUNS },
    );
  });
});
