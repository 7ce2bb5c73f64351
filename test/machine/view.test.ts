import { describe, expect, it } from 'vitest';
import { groupWindow } from '../../src/machine/groups.js';
import type { MachineSample, MachineThread } from '../../src/machine/types.js';
import { fail } from '../../src/procfs/errors.js';
import type { PressureSet } from '../../src/sample/types.js';
import { sparkline, topFrame } from '../../src/ui/top/view.js';

const none = fail({ kind: 'unsupported', path: '', message: 'no PSI' });
const pressure: PressureSet = { cpu: none, memory: none, io: none, irq: none };
const t = (pid: number, tid: number, kind: 'futex' | 'running'): MachineThread => ({
  pid, tid, comm: 'app', processComm: 'app', state: kind === 'running' ? 'R' : 'S', isKernelThread: false,
  wait: { kind, function: kind === 'futex' ? 'futex_do_wait' : null, syscall: null, site: null, confidence: 'certain' },
});
const stats = { processes: 2, threads: 3, vanished: 0, filesRead: 0, stacksRead: 0, wallMs: 1, cpuMs: 1, listRefreshed: true };
const samples: MachineSample[] = [
  { tMonoMs: 0, tWallMs: 0, threads: [t(1, 1, 'futex'), t(1, 2, 'futex'), t(2, 2, 'running')], pressure, cgroupPressure: null, stats },
  { tMonoMs: 100, tWallMs: 100, threads: [t(1, 1, 'futex'), t(2, 3, 'futex')], pressure, cgroupPressure: null, stats },
];
const inputs = { window: groupWindow(samples), samples, cgroups: null, history: { cpu: [0, 50, 100], memory: [], io: [] }, hz: 5, cpuShare: 0.04, budget: 0.1, width: 80 };

describe('top dashboard view', () => {
  it('lists running first, then groups by average, and drills into processes', () => {
    const groups = topFrame({ mode: 'groups', selected: 1, groupKey: null, paused: false }, inputs);
    expect(groups.rows[0]).toMatch(/0\.50 ! running/);
    expect(groups.rows[1]).toMatch(/2\.00\s+futex\s+futex_do_wait\s+app\s+2 proc/);
    expect(groups.selectedGroup).toBe('futex|futex_do_wait|app');
    expect(groups.footer).toMatch(/5\.00 Hz · sampling CPU 4\.0 % of a core \(budget 10 %\)/);
    const procs = topFrame({ mode: 'processes', selected: 0, groupKey: 'futex|futex_do_wait|app', paused: false }, inputs);
    expect(procs.rows.map((r) => r.trim().split(/\s+/))).toEqual([['1.50', '1', 'app'], ['0.50', '2', 'app']]);
    expect(procs.selectedPid).toBe(1);
    expect(procs.title).toMatch(/^processes in futex · futex_do_wait · app /);
    const running = topFrame({ mode: 'processes', selected: 0, groupKey: 'running||app', paused: false }, inputs);
    expect(running.title).toMatch(/^processes in running · app /);
  });

  it('draws PSI history as a sparkline', () => {
    expect(sparkline([0, 50, 100], 10)).toBe('▁▅█');
  });
});
