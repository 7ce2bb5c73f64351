import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/procfs/errors.js';
import { parseSnmp } from '../../src/parsers/snmp.js';
import { parseFlatKeyed, parseMemoryLimit } from '../../src/parsers/cgroup-memory.js';

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 7043
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 95 24 0 0 0 6959 4483 12 0 128 0
`;
const NETSTAT = `TcpExt: SyncookiesSent ListenOverflows ListenDrops
TcpExt: 0 3 4
IpExt: InNoRoutes
IpExt: 0
`;

describe('parseSnmp (/proc/net/snmp, /proc/net/netstat)', () => {
  it('pairs each header line with its value line, negative values kept', () => {
    const s = parseSnmp(SNMP);
    expect(s.Tcp?.RetransSegs).toBe(12);
    expect(s.Tcp?.MaxConn).toBe(-1);
    expect(s.Ip?.InReceives).toBe(7043);
    expect(parseSnmp(NETSTAT).TcpExt).toEqual({ SyncookiesSent: 0, ListenOverflows: 3, ListenDrops: 4 });
  });

  it('refuses a header without values, a count mismatch, and a non-number', () => {
    expect(() => parseSnmp('Tcp: A B\n')).toThrow(ParseError);
    expect(() => parseSnmp('Tcp: A B\nTcp: 1\n')).toThrow(ParseError);
    expect(() => parseSnmp('Tcp: A\nUdp: 1\n')).toThrow(ParseError);
    expect(() => parseSnmp('Tcp: A\nTcp: x\n')).toThrow(ParseError);
  });
});

describe('cgroup v2 memory files', () => {
  it('memory.max and memory.high: bytes, or null for max', () => {
    expect(parseMemoryLimit('max\n')).toBeNull();
    expect(parseMemoryLimit('536870912\n')).toBe(536870912);
    expect(() => parseMemoryLimit('lots\n')).toThrow(ParseError);
  });

  it('memory.events: flat keyed counters', () => {
    expect(parseFlatKeyed('low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n')).toEqual({ low: 0, high: 12, max: 3, oom: 1, oom_kill: 1, oom_group_kill: 0 });
    expect(() => parseFlatKeyed('high twelve\n')).toThrow(ParseError);
  });
});
