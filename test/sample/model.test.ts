import { describe, expect, it } from 'vitest';
import { fail, ok, type ReadResult } from '../../src/procfs/errors.js';
import { parseStat } from '../../src/parsers/stat.js';
import { parseStatus } from '../../src/parsers/status.js';
import { buildModel } from '../../src/sample/model.js';
import type { Sample } from '../../src/sample/types.js';
import type { HostFacts, PressureSet, ThreadSnapshot } from '../../src/readers/types.js';

const host: HostFacts = { kernelRelease: '6.18.0', arch: 'x86_64', clockTicksPerSecond: 100, cpuCount: 2 };
const none = fail<never>({ kind: 'unsupported', path: 'x', message: 'not used' });
const pressure: PressureSet = { cpu: none, memory: none, io: none, irq: none };

function statText(pid: number, utime: number, stime: number, starttime: number, majflt = 0): string {
  // Fields 3.. of /proc/PID/stat; utime is field 14, stime 15, starttime 22, majflt 12.
  const f = Array.from({ length: 50 }, () => '0');
  const set = (n: number, v: string | number) => (f[n - 3] = String(v));
  set(3, 'S');
  set(12, majflt);
  set(14, utime);
  set(15, stime);
  set(20, 1);
  set(22, starttime);
  return `${pid} (worker (a) b) ${f.join(' ')}`;
}

function statusText(vol: number, invol: number): string {
  return `Name:\tworker\nState:\tS (sleeping)\nTgid:\t10\nPid:\t10\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nvoluntary_ctxt_switches:\t${vol}\nnonvoluntary_ctxt_switches:\t${invol}\n`;
}

function thread(tid: number, utime: number, stime: number, vol: number, invol: number, waitNs: number): ThreadSnapshot {
  return {
    tid,
    stat: ok(parseStat(statText(tid, utime, stime, 500))),
    status: ok(parseStatus(statusText(vol, invol))),
    wchan: none,
    stack: none,
    syscall: none,
    io: none,
    schedstat: ok({ runNs: 0, waitNs, timeslices: 0 }),
    children: none,
  };
}

function sample(t: number, procStat: string, threads: ThreadSnapshot[], io: ReadResult<{ rchar: number; wchar: number; syscr: number; syscw: number; readBytes: number; writeBytes: number; cancelledWriteBytes: number }>): Sample {
  return {
    tMonoMs: t,
    tWallMs: 1_700_000_000_000 + t,
    uptimeSeconds: ok(1000),
    process: {
      pid: 10,
      stat: ok(parseStat(procStat)),
      status: ok(parseStatus(statusText(0, 0))),
      io,
      limits: none,
      cgroup: none,
      fds: none,
      threads: ok(threads),
    },
    systemPressure: pressure,
    cgroupPath: null,
    cgroupPressure: null,
  };
}

const io = (syscr: number, syscw: number, readBytes: number, writeBytes: number) => ok({ rchar: 0, wchar: 0, syscr, syscw, readBytes, writeBytes, cancelledWriteBytes: 0 });

describe('Sample → Model rates', () => {
  it('computes CPU %, context switches, bytes, syscalls, faults and runqueue delay over the monotonic interval', () => {
    const a = sample(0, statText(10, 100, 50, 500, 3), [thread(10, 100, 50, 10, 1, 0), thread(11, 0, 0, 0, 0, 0)], io(100, 50, 0, 4096));
    const b = sample(2000, statText(10, 200, 70, 500, 13), [thread(10, 180, 60, 30, 5, 200_000_000), thread(11, 40, 0, 4, 0, 100_000_000)], io(300, 150, 8192, 4096 * 3));
    const m = buildModel(a, b, host);
    expect(m.pidReused).toBe(false);
    const r = m.rates!;
    expect(r.intervalMs).toBe(2000);
    // process: (200+70) - (100+50) = 120 ticks over 2 s at 100 Hz = 60 %
    expect(r.cpuPercent).toBeCloseTo(60);
    expect(r.threads.get(10)!.cpuPercent).toBeCloseTo(45); // 90 ticks / 2 s
    expect(r.threads.get(11)!.cpuPercent).toBeCloseTo(20);
    expect(r.threads.get(10)!.voluntarySwitchesPerSec).toBeCloseTo(10);
    expect(r.threads.get(10)!.involuntarySwitchesPerSec).toBeCloseTo(2);
    expect(r.voluntarySwitchesPerSec).toBeCloseTo(12);
    expect(r.readBytesPerSec).toBeCloseTo(4096);
    expect(r.writeBytesPerSec).toBeCloseTo(4096);
    expect(r.syscallsPerSec).toBeCloseTo(150);
    expect(r.majorFaultsPerSec).toBeCloseTo(5);
    expect(r.runqueueDelayMsPerSec).toBeCloseTo(150); // 300 ms of wait over 2 s
  });

  it('gives no rates for a thread that appeared between the samples, and none from one sample', () => {
    const a = sample(0, statText(10, 0, 0, 500), [thread(10, 0, 0, 0, 0, 0)], io(0, 0, 0, 0));
    const b = sample(1000, statText(10, 10, 0, 500), [thread(10, 10, 0, 0, 0, 0), thread(12, 5, 0, 0, 0, 0)], io(0, 0, 0, 0));
    expect(buildModel(a, b, host).rates!.threads.has(12)).toBe(false);
    expect(buildModel(null, b, host).rates).toBeNull();
  });

  it('detects a reused PID by its start time and mixes no data', () => {
    const a = sample(0, statText(10, 100, 0, 500), [thread(10, 100, 0, 0, 0, 0)], io(0, 0, 0, 0));
    const b = sample(1000, statText(10, 1, 0, 9999), [thread(10, 1, 0, 0, 0, 0)], io(0, 0, 0, 0));
    const m = buildModel(a, b, host);
    expect(m.pidReused).toBe(true);
    expect(m.rates).toBeNull();
  });

  it('leaves a rate null when its file was unreadable (not zero)', () => {
    const denied = fail<never>({ kind: 'denied', path: '10/io', message: 'permission denied' });
    const a = sample(0, statText(10, 0, 0, 500), [], denied);
    const b = sample(1000, statText(10, 0, 0, 500), [], denied);
    const r = buildModel(a, b, host).rates!;
    expect(r.readBytesPerSec).toBeNull();
    expect(r.syscallsPerSec).toBeNull();
  });
});
