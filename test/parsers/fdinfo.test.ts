import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFdTarget, type FdTarget } from '../../src/parsers/fd.js';
import { parseFdInfo, type FdInfo } from '../../src/parsers/fdinfo.js';
import { ParseError } from '../../src/procfs/errors.js';
import { RUNS } from './support/fuzz.js';
import { counter, hex } from './support/kernel.js';
import * as S from './support/samples.js';

const COMMON = { pos: 0, flags: 0o2, mntId: 17, ino: 1038, epoll: null, eventfdCount: null, timerfd: null, inotify: null, signalfdMask: null };

describe('parseFdInfo on real samples (§3.8 formats, observed on 6.18)', () => {
  it('reads epoll tfd lines: target fd, event mask, data, target inode in hex', () => {
    expect(parseFdInfo(S.FDINFO_EPOLL)).toEqual({
      ...COMMON,
      epoll: [
        { tfd: 3, events: 0x80000019, data: '2', ino: 0x7104 },
        { tfd: 6, events: 0x1c, data: 'deadbeefcafe', ino: 0x40e },
      ],
    } satisfies FdInfo);
  });

  it('reads an eventfd counter in hex and ignores eventfd-id / eventfd-semaphore', () => {
    expect(parseFdInfo(S.FDINFO_EVENTFD)).toEqual({ ...COMMON, eventfdCount: 5 });
  });

  it('reads a timerfd: clock, ticks, time to expiry and interval', () => {
    expect(parseFdInfo(S.FDINFO_TIMERFD)).toEqual({
      ...COMMON,
      timerfd: { clockid: 1, ticks: 0, nextExpirySeconds: 3599.99979859, intervalSeconds: 5 },
    });
  });

  it('reads inotify watches with and without the fhandle fields', () => {
    expect(parseFdInfo(S.FDINFO_INOTIFY)).toEqual({
      ...COMMON,
      flags: 0,
      inotify: [
        { wd: 2, ino: 0x13, mask: 0x2 },
        { wd: 1, ino: 0x3f7e8, mask: 0x300 },
      ],
    });
    const bare = 'pos:\t0\nflags:\t00\nmnt_id:\t15\ninotify wd:a ino:1f sdev:800001 mask:fff ignored_mask:0\n';
    expect(parseFdInfo(bare).inotify).toEqual([{ wd: 10, ino: 0x1f, mask: 0xfff }]);
  });

  it('reads a signalfd mask (SIGUSR1 + SIGUSR2 = bits 9 and 11)', () => {
    const info = parseFdInfo(S.FDINFO_SIGNALFD);
    expect(info.signalfdMask).toBe(0xa00n);
    expect((info.signalfdMask! >> 9n) & 1n).toBe(1n);
  });

  it('reads a pipe (common lines only) and an old kernel without ino', () => {
    expect(parseFdInfo(S.FDINFO_PIPE)).toEqual({ ...COMMON, flags: 0, mntId: 16, ino: 28932 });
    expect(parseFdInfo('pos:\t42\nflags:\t0100002\nmnt_id:\t9\n')).toEqual({ ...COMMON, pos: 42, flags: 0o100002, mntId: 9, ino: null });
    expect(parseFdInfo('pos:\t-4096\nflags:\t02\nmnt_id:\t9\n').pos).toBe(-4096);
  });

  it('reads an epoll with no targets and an epoll line of an old kernel (no pos/ino)', () => {
    expect(parseFdInfo('pos:\t0\nflags:\t02\nmnt_id:\t17\n').epoll).toBeNull();
    expect(parseFdInfo('pos:\t0\nflags:\t02\nmnt_id:\t17\ntfd:        5 events:       19 data:                5\n').epoll).toEqual([
      { tfd: 5, events: 0x19, data: '5', ino: null },
    ]);
  });

  it('skips io_uring lines that have no colon', () => {
    const uring = 'pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t1038\nSqMask:\t0x3\nPersonalities:\n    1\n\tUid:\t0\t0\t0\t0\nPollList:\n  op=6, task_works=0\n';
    expect(parseFdInfo(uring)).toMatchObject({ pos: 0, flags: 0o2000002, epoll: null });
  });

  it.each([
    ['no pos', 'flags:\t02\nmnt_id:\t17\n'],
    ['no flags', 'pos:\t0\nmnt_id:\t17\n'],
    ['decimal digits 8/9 in octal flags', 'pos:\t0\nflags:\t09\n'],
    ['a word for pos', 'pos:\tx\nflags:\t02\n'],
    ['a non-hex eventfd count', `${S.FDINFO_PIPE}eventfd-count:  zz\n`],
    ['a 17-digit sigmask', `${S.FDINFO_PIPE}sigmask:\t10000000000000000\n`],
    ['a timerfd without it_interval', S.FDINFO_TIMERFD.replace(/it_interval.*\n/, '')],
    ['a timerfd with a bad it_value', S.FDINFO_TIMERFD.replace('(3599, 999798590)', '3599.9')],
    ['a timerfd with a word for ticks', S.FDINFO_TIMERFD.replace('ticks: 0', 'ticks: 0x')],
    ['a timerfd with a word for clockid', S.FDINFO_TIMERFD.replace('clockid: 1', 'clockid: one')],
  ])('refuses %s', (_, text) => {
    expect(() => parseFdInfo(text)).toThrow(ParseError);
  });
});

const u32 = fc.nat({ max: 0xffffffff });
const epollTarget = fc.record({ tfd: fc.nat({ max: 1 << 20 }), events: u32, data: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), ino: counter, sdev: u32, pos: counter });
const inotifyWatch = fc.record({ wd: fc.integer({ min: 1, max: 1 << 20 }), ino: counter, sdev: u32, mask: u32, fhandle: fc.boolean() });
const timer = fc.record({ clockid: fc.constantFrom(0, 1, 7, 8, 9), ticks: counter, value: fc.tuple(counter, fc.nat({ max: 999999999 })), interval: fc.tuple(counter, fc.nat({ max: 999999999 })) });
const extra = fc.oneof(
  fc.record({ kind: fc.constant('epoll' as const), targets: fc.array(epollTarget, { minLength: 1, maxLength: 5 }) }),
  fc.record({ kind: fc.constant('eventfd' as const), count: counter, id: fc.nat() }),
  fc.record({ kind: fc.constant('timerfd' as const), timer }),
  fc.record({ kind: fc.constant('inotify' as const), watches: fc.array(inotifyWatch, { minLength: 1, maxLength: 5 }) }),
  fc.record({ kind: fc.constant('signalfd' as const), mask: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }),
  fc.record({ kind: fc.constant('plain' as const) }),
);

type Extra = typeof extra extends fc.Arbitrary<infer T> ? T : never;

/** The type-specific lines as fs/eventpoll.c, fs/eventfd.c, fs/timerfd.c, fs/notify/fdinfo.c and fs/signalfd.c print them. */
function extraLines(e: Extra): string[] {
  switch (e.kind) {
    case 'epoll':
      return e.targets.map(
        (t) => `tfd: ${String(t.tfd).padStart(8)} events: ${hex(t.events).padStart(8)} data: ${hex(t.data).padStart(16)}  pos:${t.pos} ino:${hex(t.ino)} sdev:${hex(t.sdev)}`,
      );
    case 'eventfd':
      return [`eventfd-count: ${hex(e.count).padStart(16)}`, `eventfd-id: ${e.id}`, 'eventfd-semaphore: 0'];
    case 'timerfd': {
      const t = e.timer;
      return [`clockid: ${t.clockid}`, `ticks: ${t.ticks}`, 'settime flags: 01', `it_value: (${t.value[0]}, ${t.value[1]})`, `it_interval: (${t.interval[0]}, ${t.interval[1]})`];
    }
    case 'inotify':
      return e.watches.map(
        (w) => `inotify wd:${hex(w.wd)} ino:${hex(w.ino)} sdev:${hex(w.sdev)} mask:${hex(w.mask)} ignored_mask:0${w.fhandle ? ' fhandle-bytes:8 fhandle-type:1 f_handle:1300000000000000' : ''}`,
      );
    case 'signalfd':
      return [`sigmask:\t${hex(e.mask, 16)}`];
    case 'plain':
      return [];
  }
}

const seconds = ([s, ns]: [number, number]) => s + ns / 1e9;

function expectedExtra(e: Extra): Partial<FdInfo> {
  switch (e.kind) {
    case 'epoll':
      return { epoll: e.targets.map((t) => ({ tfd: t.tfd, events: t.events, data: hex(t.data), ino: t.ino })) };
    case 'eventfd':
      return { eventfdCount: e.count };
    case 'timerfd':
      return { timerfd: { clockid: e.timer.clockid, ticks: e.timer.ticks, nextExpirySeconds: seconds(e.timer.value), intervalSeconds: seconds(e.timer.interval) } };
    case 'inotify':
      return { inotify: e.watches.map((w) => ({ wd: w.wd, ino: w.ino, mask: w.mask })) };
    case 'signalfd':
      return { signalfdMask: e.mask };
    case 'plain':
      return {};
  }
}

describe('parseFdInfo round trip', () => {
  it('reads back the common lines and each type-specific block', () => {
    fc.assert(
      fc.property(fc.oneof(counter, fc.integer({ min: -(2 ** 40), max: -1 })), fc.nat({ max: 0o7777777 }), fc.nat({ max: 1 << 20 }), fc.option(counter), extra, (pos, flags, mntId, ino, e) => {
        const common = [`pos:\t${pos}`, `flags:\t0${flags.toString(8)}`, `mnt_id:\t${mntId}`, ...(ino === null ? [] : [`ino:\t${ino}`])];
        const text = [...common, ...extraLines(e), ''].join('\n');
        expect(parseFdInfo(text)).toEqual({ ...COMMON, pos, flags, mntId, ino, ...expectedExtra(e) });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseFdTarget', () => {
  it.each<[string, Omit<FdTarget, 'target'>]>([
    ['socket:[28902]', { type: 'socket', inode: 28902, anonKind: null }],
    ['pipe:[28932]', { type: 'pipe', inode: 28932, anonKind: null }],
    ['anon_inode:[eventpoll]', { type: 'anon_inode', inode: null, anonKind: 'eventpoll' }],
    ['anon_inode:[eventfd]', { type: 'anon_inode', inode: null, anonKind: 'eventfd' }],
    ['anon_inode:[timerfd]', { type: 'anon_inode', inode: null, anonKind: 'timerfd' }],
    ['anon_inode:inotify', { type: 'anon_inode', inode: null, anonKind: 'inotify' }],
    ['anon_inode:[signalfd]', { type: 'anon_inode', inode: null, anonKind: 'signalfd' }],
    ['/dev/pts/3', { type: 'tty', inode: null, anonKind: null }],
    ['/dev/tty1', { type: 'tty', inode: null, anonKind: null }],
    ['/dev/null', { type: 'device', inode: null, anonKind: null }],
    ['/var/log/syslog', { type: 'file', inode: null, anonKind: null }],
    ['/tmp/x (deleted)', { type: 'file', inode: null, anonKind: null }],
    ['/memfd:jit (deleted)', { type: 'file', inode: null, anonKind: null }],
    ['net:[4026531840]', { type: 'other', inode: null, anonKind: null }],
    ['socket:[abc]', { type: 'other', inode: null, anonKind: null }],
  ])('reads %s', (target, expected) => {
    expect(parseFdTarget(target)).toEqual({ ...expected, target });
  });

  it('reads back the inode of any socket or pipe link and keeps the text', () => {
    fc.assert(
      fc.property(fc.constantFrom('socket' as const, 'pipe' as const), counter, (type, inode) => {
        expect(parseFdTarget(`${type}:[${inode}]`)).toEqual({ type, inode, anonKind: null, target: `${type}:[${inode}]` });
      }),
      { numRuns: RUNS },
    );
  });
});
