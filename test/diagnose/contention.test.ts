import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCapture } from '../../src/capture/fixture.js';
import { ReplaySession } from '../../src/session/replay.js';

const fixture = (name: string) => join(import.meta.dirname, '..', '..', 'fixtures', name);

/** Replayed with a threshold below the interval's captured CPU stall share, so the machine counts as contended now. */
function underContention(name: string, threshold = 0.01) {
  const capture = loadCapture(fixture(name));
  const d = new ReplaySession(capture, { threshold }).last().diagnosis!;
  const cpu = d.pressure.system.readings.find((r) => r.resource === 'cpu')!;
  expect(cpu.contended, `${name}: cpu stall ${cpu.someIntervalPercent} % of the interval must be over the ${threshold} % threshold`).toBe(true);
  return d;
}

describe('pressure now, then recently', () => {
  it('a burst that has passed is not blamed: avg10 over the threshold, this interval under it', () => {
    // nanosleep was captured just after a CPU burst: avg10 2.99 %, this interval's stall 0.01 %.
    const d = new ReplaySession(loadCapture(fixture('nanosleep')), { threshold: 1 }).last().diagnosis!;
    const cpu = d.pressure.system.readings.find((r) => r.resource === 'cpu')!;
    expect(cpu.some!.avg10).toBeGreaterThan(1);
    expect(cpu.someIntervalPercent!).toBeLessThan(1);
    expect(cpu.contended).toBe(false);
    expect(cpu.recently).toBe(true);
    expect(d.verdict.kind).toBe('idle');
    expect(d.verdict.summary).not.toMatch(/contend/);
    expect(d.path.find((s) => s.id === 'pressure')!.answer).toMatch(/^Not now: .*the last 10 s were above it \(cpu avg10 3\.0 %\)/);
    expect(d.path.find((s) => s.id === 'intermittent')!.answer).toMatch(/a burst that has passed/);
  });
});

describe('a contended machine in the verdict', () => {
  it('blames contention for a process that wants the contended resource (on CPU)', () => {
    const d = underContention('cpu-contended');
    expect(d.verdict.kind).toBe('waiting-for-cpu');
    expect(d.verdict.cause).toBe('other-processes');
    expect(d.verdict.resource).toBe('cpu');
    expect(d.verdict.summary).toMatch(/slowed by contention, not by its own work/);
  });

  it('does not blame contention for an idle process: the verdict is its own, with the contention as a note', () => {
    const d = underContention('nanosleep');
    expect(d.verdict.kind).toBe('idle');
    expect(d.verdict.severity).toBe('ok');
    expect(d.verdict.summary).toMatch(/is idle/);
    expect(d.verdict.summary).toMatch(/contended on cpu \(stalled \d+\.\d+ % of this interval\), but this process is not waiting for it\.$/);
    expect(d.path.find((s) => s.id === 'resource')!.answer).toMatch(/which this process does not wait for/);
    expect(d.next.map((n) => n.command)).toContain('proctriage top');
    expect(d.next.map((n) => n.command)).not.toContain('perf top -p ' + d.process.pid);
  });

  it('a process waiting on a pipe under contention is still waiting on its pipe', () => {
    const d = underContention('pipe-reader', 0.1);
    expect(d.verdict.kind).toBe('waiting-on-peer');
    expect(d.verdict.summary).toMatch(/pipe/);
    expect(d.verdict.summary).toMatch(/but this process is not waiting for it/);
  });
});
