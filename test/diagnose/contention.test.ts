import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCapture } from '../../src/capture/fixture.js';
import { ReplaySession } from '../../src/session/replay.js';

const fixture = (name: string) => join(import.meta.dirname, '..', '..', 'fixtures', name);

/** Replayed with a threshold below the captured CPU PSI, so the machine counts as contended. */
function underContention(name: string) {
  const capture = loadCapture(fixture(name));
  const d = new ReplaySession(capture, { threshold: 1 }).last().diagnosis!;
  const cpu = d.pressure.system.readings.find((r) => r.resource === 'cpu')!;
  expect(cpu.contended, `${name}: cpu PSI ${cpu.some?.avg10} must be over the 1 % threshold`).toBe(true);
  return d;
}

describe('a contended machine in the verdict', () => {
  it('blames contention for a process that wants the contended resource (on CPU)', () => {
    const d = underContention('cpu-contended');
    expect(d.verdict.kind).toBe('system-contended');
    expect(d.verdict.resource).toBe('cpu');
  });

  it('does not blame contention for an idle process: the verdict is its own, with the contention as a note', () => {
    const d = underContention('nanosleep');
    expect(d.verdict.kind).toBe('off-cpu-idle');
    expect(d.verdict.severity).toBe('ok');
    expect(d.verdict.summary).toMatch(/is idle/);
    expect(d.verdict.summary).toMatch(/contended on cpu \(PSI \d+\.\d %\), but this process is not waiting for it\.$/);
    expect(d.path.find((s) => s.id === 'resource')!.answer).toMatch(/This process does not wait for it/);
    expect(d.next.map((n) => n.command)).toContain('proctriage top');
    expect(d.next.map((n) => n.command)).not.toContain('perf top -p ' + d.process.pid);
  });

  it('a process waiting on a pipe under contention is still waiting on its pipe', () => {
    const d = underContention('pipe-reader');
    expect(d.verdict.kind).toBe('off-cpu-waiting');
    expect(d.verdict.summary).toMatch(/pipe/);
  });
});
