import { describe, expect, it } from 'vitest';
import { groupWindow } from '../../../src/sample/machine/groups.js';
import type { MachineSample, MachineThread } from '../../../src/sample/machine/types.js';
import { fail } from '../../../src/procfs/errors.js';
import { machineSampleJson, machineWindowJson, renderMachineText } from '../../../src/report/machine.js';
import { PLAIN } from '../../../src/report/style.js';
import type { PressureSet } from '../../../src/readers/types.js';

const none = fail({ kind: 'unsupported', path: '', message: 'no PSI' });
const pressure: PressureSet = { cpu: none, memory: none, io: none, irq: none };
const stats = { processes: 3, threads: 3, vanished: 0, filesRead: 0, stacksRead: 0, wallMs: 1, cpuMs: 1, listRefreshed: true };
const t = (pid: number, comm: string, fn = 'futex_do_wait'): MachineThread => ({
  pid, tid: pid, comm, processComm: comm, state: 'S', isKernelThread: false,
  wait: { kind: 'futex', function: fn, syscall: null, site: null, confidence: 'certain' },
});

describe('the machine text report (top --once, sample)', () => {
  const sample: MachineSample = {
    tMonoMs: 0, tWallMs: 0, pressure, cgroupPressure: null, stats, excludedPids: [777],
    threads: [t(1, 'kworker/1:1-virtio_vsock_events'), t(2, 'evil\u001b]0;pwned\u0007'), t(3, 'app', 'a_kernel_function_far_longer_than_its_column')],
  };
  const text = renderMachineText(groupWindow([sample]), sample, { style: PLAIN, heading: 'h' });
  const rows = text.split('\n');

  it('cuts a long comm or function with … and keeps a space before the next column', () => {
    expect(rows.find((l) => l.includes('kworker'))).toMatch(/ kworker\/1:1-virtio… pid 1$/);
    expect(rows.find((l) => l.includes('a_kernel'))).toMatch(/ a_kernel_function_far_lon… app\s+pid 3$/);
  });

  it('shows control characters in a comm as \\xNN, measured after escaping', () => {
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(rows.find((l) => l.includes('evil'))).toMatch(/ evil\\x1b\]0;pwned\\x… pid 2$/);
  });

  it('says that proctriage left itself out, and JSON names the pid', () => {
    expect(text).toContain("proctriage's own threads are excluded (pid 777)");
    expect(machineSampleJson(groupWindow([sample]), sample).excludedPids).toEqual([777]);
    expect(machineWindowJson(groupWindow([sample]), sample, 10).excludedPids).toEqual([777]);
    const { excludedPids: _, ...without } = sample;
    expect(renderMachineText(groupWindow([without]), without, { style: PLAIN, heading: 'h' })).not.toContain('excluded');
    expect(machineSampleJson(groupWindow([without]), without).excludedPids).toEqual([]);
  });
});
