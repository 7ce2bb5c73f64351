import { describe, expect, it } from 'vitest';
import { WAIT_KINDS, type WaitKind } from '../../src/kernel/wait-kinds.js';
import { kindOfFdType, WAIT_KIND_INFO, type WaitKindInfo } from '../../src/kernel/wait-kind-info.js';
import { argIndex, SYSCALL_SIGNATURES, waitCallOf } from '../../src/kernel/syscall-signatures.js';
import { syscallNumber } from '../../src/kernel/syscalls.js';

describe('WAIT_KIND_INFO: one row per wait kind', () => {
  it('has exactly the stable wait kinds, each with every field', () => {
    expect(Object.keys(WAIT_KIND_INFO).sort()).toEqual([...WAIT_KINDS].sort());
    for (const kind of WAIT_KINDS) {
      const info = WAIT_KIND_INFO[kind];
      expect(info.explanation.waitsFor.length, kind).toBeGreaterThan(10);
      expect(Number.isInteger(info.displayRank), kind).toBe(true);
    }
  });

  it('does not compile without every field', () => {
    // @ts-expect-error a row without displayRank, follows, fdTypes and next is not a WaitKindInfo
    const row: WaitKindInfo = { posture: 'idle', dState: false, explanation: WAIT_KIND_INFO.epoll.explanation };
    expect(row.posture).toBe('idle');
  });

  it('D-state kinds are blocked, and every blocked kind but a file lock is in D', () => {
    const d = WAIT_KINDS.filter((k) => WAIT_KIND_INFO[k].dState);
    const blocked = WAIT_KINDS.filter((k) => WAIT_KIND_INFO[k].posture === 'blocked');
    expect(d.every((k) => WAIT_KIND_INFO[k].posture === 'blocked')).toBe(true);
    expect(blocked.filter((k) => !d.includes(k))).toEqual(['file-lock']);
  });

  it('each fd type names one kind', () => {
    const seen = new Map<string, WaitKind>();
    for (const kind of WAIT_KINDS) for (const type of WAIT_KIND_INFO[kind].fdTypes) {
      expect(seen.get(type), type).toBeUndefined();
      seen.set(type, kind);
    }
    expect(kindOfFdType('socket')).toBe('socket');
    expect(kindOfFdType('anon_inode:signalfd')).toBe('signal');
    expect(kindOfFdType('anon_inode:eventpoll')).toBeNull();
    expect(kindOfFdType('file')).toBeNull();
  });

  it('a kind whose wait is on an fd says so, and next commands name the pid', () => {
    for (const kind of WAIT_KINDS) {
      const info = WAIT_KIND_INFO[kind];
      if (info.fdTypes.length > 0) expect(info.follows, kind).toBe('fd');
      for (const next of info.next) expect(next.command, kind).not.toMatch(/\{(?!pid\})/);
    }
  });
});

describe('SYSCALL_SIGNATURES: one table for the decoders and the follow step', () => {
  it('names only syscalls both architectures know, or one of them', () => {
    for (const name of Object.keys(SYSCALL_SIGNATURES)) {
      expect(syscallNumber('x86_64', name) ?? syscallNumber('aarch64', name), name).not.toBeNull();
    }
  });

  it('finds the fd, the epoll fd and the pid a thread waits on', () => {
    const nr = (name: string) => syscallNumber('x86_64', name)!;
    expect(waitCallOf('x86_64', nr('read'), [7n, 0n, 0n])).toMatchObject({ name: 'read', fd: 7, epoll: false, waitsForChild: false });
    expect(waitCallOf('x86_64', nr('epoll_wait'), [5n, 0n, 8n, -1n])).toMatchObject({ fd: 5, epoll: true });
    expect(waitCallOf('x86_64', nr('wait4'), [BigInt.asUintN(64, -1n), 0n])).toMatchObject({ waitPid: -1, waitsForChild: true });
    // waitid(P_PID, 42, …) waits for child 42; P_ALL for any.
    expect(waitCallOf('x86_64', nr('waitid'), [1n, 42n])).toMatchObject({ waitPid: 42, waitsForChild: true });
    expect(waitCallOf('x86_64', nr('waitid'), [0n, 0n])).toMatchObject({ waitPid: -1 });
    expect(waitCallOf('aarch64', syscallNumber('aarch64', 'epoll_pwait')!, [3n, 0n, 0n, 0n])).toMatchObject({ fd: 3, epoll: true });
    expect(waitCallOf('x86_64', nr('nanosleep'), [0n, 0n])).toMatchObject({ fd: null, waitPid: null });
    expect(waitCallOf('x86_64', 100_000, [])).toBeNull();
  });

  it('puts the timeout where poll, select and epoll_wait keep it', () => {
    expect(argIndex('poll', 'timeout-ms')).toBe(2);
    expect(argIndex('select', 'timeout-ptr')).toBe(4);
    expect(argIndex('epoll_wait', 'timeout-ms')).toBe(3);
    expect(argIndex('epoll_pwait2', 'timeout-ptr')).toBe(3);
    expect(argIndex('read', 'timeout-ms')).toBeNull();
  });
});
