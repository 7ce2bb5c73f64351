import { describe, expect, it } from 'vitest';
import { ok, fail } from '../../src/procfs/errors.js';
import type { Pressure } from '../../src/parsers/pressure.js';
import { evaluate, firstHit, parseCondition, trackStates, type Condition, type FrameThread, type HeldStates, type WatchFrame } from '../../src/watch/conditions.js';
import { collectCondition, parseByteSize, parseSeconds } from '../../src/watch/options.js';

function cond(text: string): Condition {
  const out = parseCondition(text);
  if (!out.ok) throw new Error(out.message);
  return out.condition;
}

describe('parseCondition: valid forms', () => {
  it.each([
    ['psi:cpu.some.avg10>20', { type: 'psi-avg', resource: 'cpu', line: 'some', window: 'avg10', op: '>', percent: 20 }],
    ['psi:memory.full.avg60>=5.5', { type: 'psi-avg', resource: 'memory', line: 'full', window: 'avg60', op: '>=', percent: 5.5 }],
    ['psi:io.some.avg300>1%', { type: 'psi-avg', resource: 'io', window: 'avg300', percent: 1 }],
    ['psi:irq.full.avg10>3', { type: 'psi-avg', resource: 'irq', line: 'full' }],
    ['psi:io.full.total>50ms/s', { type: 'psi-rate', resource: 'io', line: 'full', op: '>', usPerSec: 50_000 }],
    ['psi:cpu.some.total>0us/s', { type: 'psi-rate', usPerSec: 0 }],
    ['psi:memory.some.total>=0.5s/s', { type: 'psi-rate', op: '>=', usPerSec: 500_000 }],
    ['state:T', { type: 'state', state: 'T', heldMs: null }],
    ['state:D>500ms', { type: 'state', state: 'D', op: '>', heldMs: 500 }],
    ['state:D>=2s', { type: 'state', state: 'D', op: '>=', heldMs: 2000 }],
    ['state:t', { type: 'state', state: 't' }],
    ['threads:futex>=30', { type: 'threads', kind: 'futex', op: '>=', count: 30 }],
    ['threads:disk-io>0', { type: 'threads', kind: 'disk-io', op: '>', count: 0 }],
    ['cpu>80', { type: 'cpu', op: '>', percent: 80 }],
    ['cpu >= 150', { type: 'cpu', op: '>=', percent: 150 }],
    [' state : D > 1s ', { type: 'state', state: 'D', heldMs: 1000, text: 'state:D>1s' }],
  ])('%s', (text, expected) => {
    expect(cond(text)).toMatchObject(expected);
  });
});

describe('parseCondition: one-line errors', () => {
  it.each([
    ['', /empty condition/],
    ['load>3', /unknown condition/],
    ['psi:disk.some.avg10>3', /unknown PSI resource "disk"/],
    ['psi:cpu.sme.avg10>3', /PSI line must be some or full/],
    ['psi:irq.some.avg10>3', /irq pressure has only a full line/],
    ['psi:cpu.some.avg11>3', /unknown PSI field "avg11"/],
    ['psi:cpu.some.avg10', /needs a comparison/],
    ['psi:cpu.some.avg10>300', /percentage from 0 to 100/],
    ['psi:cpu.some.avg10<3', /needs a comparison/],
    ['psi:io.full.total>50', /unit per second/],
    ['psi:io.full.total>50ms', /unit per second/],
    ['psi:cpu.some.avg10.x>3', /too many parts/],
    ['state:Q', /unknown thread state "Q"/],
    ['state:D>5', /needs a unit/],
    ['state:D>fast', /needs a unit/],
    ['threads:futexes>=3', /unknown wait kind "futexes"/],
    ['threads:futex', /needs a count/],
    ['threads:futex>=2.5', /whole number/],
    ['cpu', /needs a comparison/],
    ['cpu>lots', /percentage of one core/],
  ])('%j', (text, message) => {
    const out = parseCondition(text);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.message).toMatch(message);
      expect(out.message).toContain('Forms: ');
      expect(out.message).not.toContain('\n');
    }
  });

  it('commander parsers: --when collects, sizes and seconds are checked', () => {
    expect(collectCondition('cpu>1', collectCondition('state:T', undefined)).map((c) => c.text)).toEqual(['state:T', 'cpu>1']);
    expect(() => collectCondition('cpu<1', undefined)).toThrow(/needs a comparison/);
    expect(parseByteSize('200M')).toBe(200 * 1024 * 1024);
    expect(parseByteSize('1G')).toBe(1024 ** 3);
    expect(() => parseByteSize('10K')).toThrow(/at least 1M/);
    expect(() => parseByteSize('lots')).toThrow(/at least 1M/);
    expect(parseSeconds('--before', 60)('0.5')).toBe(0.5);
    expect(() => parseSeconds('--before', 60)('-1')).toThrow(/from 0 to 60/);
    expect(() => parseSeconds('--before', 60)('61')).toThrow(/from 0 to 60/);
  });
});

// ---------------------------------------------------------------------------------------
// Evaluation on synthetic frames

function psi(some: number | null, full: number | null, totalSome = 0, totalFull = 0): Pressure {
  const line = (avg10: number, total: number) => ({ avg10, avg60: avg10 / 2, avg300: avg10 / 4, total });
  return { some: some === null ? null : line(some, totalSome), full: full === null ? null : line(full, totalFull) };
}

const noIrq = fail<Pressure>({ kind: 'unsupported', path: 'pressure/irq', message: 'no irq pressure' });

function frame(tMonoMs: number, over: Partial<WatchFrame> = {}): WatchFrame {
  return {
    tMonoMs,
    pressure: { cpu: ok(psi(0, 0)), memory: ok(psi(0, 0)), io: ok(psi(0, 0)), irq: noIrq },
    threads: [],
    cpuTicks: 0,
    clockTicksPerSecond: 100,
    ...over,
  };
}

function thread(tid: number, state: string, kind: FrameThread['kind'] = null, pid = 100): FrameThread {
  return { pid, tid, comm: `t${tid}`, state, kind };
}

/** Feed frames in order; return the hit (or null) of the last. */
function run(c: Condition, frames: readonly WatchFrame[]) {
  let held: HeldStates = new Map();
  let prev: WatchFrame | null = null;
  let hit = null;
  for (const f of frames) {
    held = trackStates(held, f);
    hit = evaluate(c, prev, f, held);
    prev = f;
  }
  return hit;
}

describe('evaluate', () => {
  it.each([
    ['psi:cpu.some.avg10>20', psi(25, 0), true],
    ['psi:cpu.some.avg10>20', psi(20, 0), false],
    ['psi:cpu.some.avg10>=20', psi(20, 0), true],
    ['psi:cpu.some.avg60>20', psi(25, 0), false], // avg60 is avg10 / 2 here
    ['psi:cpu.full.avg10>1', psi(25, null), false], // no full line (kernel < 5.13): never holds
  ])('%s on cpu %j → %s', (text, cpu, expected) => {
    const f = frame(1000, { pressure: { cpu: ok(cpu), memory: ok(psi(0, 0)), io: ok(psi(0, 0)), irq: noIrq } });
    expect(run(cond(text), [f]) !== null).toBe(expected);
  });

  it('psi total rate: µs stalled per second between two frames; needs two frames', () => {
    const at = (t: number, total: number) => frame(t, { pressure: { cpu: ok(psi(0, 0)), memory: ok(psi(0, 0)), io: ok(psi(0, 0, 0, total)), irq: noIrq } });
    const c = cond('psi:io.full.total>50ms/s');
    expect(run(c, [at(0, 0)])).toBeNull();
    expect(run(c, [at(0, 0), at(1000, 40_000)])).toBeNull();
    const hit = run(c, [at(0, 0), at(500, 30_000)]);
    expect(hit?.value).toBe(60_000);
    expect(hit?.summary).toBe('psi:io.full.total 60.0 ms/s (>50ms/s)');
    expect(run(c, [at(0, 90_000), at(1000, 10)])).toBeNull(); // a counter going back is no rate
    expect(run(cond('psi:cpu.some.total>0us/s'), [at(0, 0), at(1000, 0)])).toBeNull();
  });

  it('state: any thread in the state, or held longer than N since first seen in it', () => {
    const c = cond('state:D>500ms');
    const frames = [
      frame(0, { threads: [thread(1, 'S'), thread(2, 'D')] }),
      frame(300, { threads: [thread(1, 'D'), thread(2, 'D')] }),
      frame(600, { threads: [thread(1, 'D'), thread(2, 'D')] }),
    ];
    expect(run(c, frames.slice(0, 2))).toBeNull();
    const hit = run(c, frames);
    expect(hit).toMatchObject({ value: 600, pid: 100, summary: 'state:D held 0.6 s by tid 2 (>500ms)' });
    // Leaving the state restarts its clock.
    expect(run(c, [...frames.slice(0, 2), frame(400, { threads: [thread(2, 'S')] }), frame(1000, { threads: [thread(2, 'D')] })])).toBeNull();
    expect(run(cond('state:T'), [frame(0, { threads: [thread(1, 'S')] })])).toBeNull();
    expect(run(cond('state:T'), [frame(0, { threads: [thread(1, 'S'), thread(7, 'T')] })])?.summary).toBe('state:T held 0.0 s by tid 7');
  });

  it('threads: count in a wait kind; the pid with most of them is the focus', () => {
    const threads = [thread(1, 'S', 'futex', 5), thread(2, 'S', 'futex', 9), thread(3, 'S', 'futex', 9), thread(4, 'S', 'epoll', 9)];
    expect(run(cond('threads:futex>=3'), [frame(0, { threads })])).toMatchObject({ value: 3, pid: 9, summary: 'threads:futex 3 threads (>=3)' });
    expect(run(cond('threads:futex>3'), [frame(0, { threads })])).toBeNull();
    expect(run(cond('threads:epoll>=1'), [frame(0, { threads: null })])).toBeNull();
  });

  it('cpu: % of one core from utime+stime ticks over the interval', () => {
    const c = cond('cpu>80');
    expect(run(c, [frame(0, { cpuTicks: 100 })])).toBeNull();
    expect(run(c, [frame(0, { cpuTicks: 100 }), frame(1000, { cpuTicks: 190 })])).toMatchObject({ value: 90, summary: 'cpu 90 % (>80)' });
    expect(run(c, [frame(0, { cpuTicks: 100 }), frame(1000, { cpuTicks: 170 })])).toBeNull();
    expect(run(c, [frame(0, { cpuTicks: 100 }), frame(500, { cpuTicks: 200 })])?.value).toBe(200);
    expect(run(c, [frame(0, { cpuTicks: null }), frame(1000, { cpuTicks: 190 })])).toBeNull();
  });

  it('several conditions: the first that holds, in the order given', () => {
    const f = frame(0, { threads: [thread(1, 'T')] });
    const held = trackStates(new Map(), f);
    expect(firstHit([cond('state:D'), cond('state:T'), cond('threads:stopped>=0')], null, f, held)?.condition.text).toBe('state:T');
    expect(firstHit([cond('state:D')], null, f, held)).toBeNull();
  });
});
