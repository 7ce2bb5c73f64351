import type { Diagnosis } from '../diagnose/types.js';
import type { CgroupCpuView, CgroupIoView, CgroupMemoryView } from '../diagnose/cgroup-types.js';
import { formatByteRate, formatBytes, formatPercent, formatRate } from './format.js';
import type { Style } from './style.js';

const num = (n: number | null, digits = 2): string => (n === null ? 'n/a' : n.toFixed(digits));

function cpuLine(c: CgroupCpuView): string | null {
  if (c.quotaCores === null) return null;
  const where = c.limitPath !== null && c.limitPath !== c.path ? ` set on ${c.limitPath}` : '';
  const parts = [`quota ${num(c.quotaCores)} cores (${c.quotaUs ?? '?'} µs per ${c.periodUs ?? '?'} µs${where})`, `used ${num(c.usageCores)} cores`];
  if (c.periodsInInterval !== null) {
    parts.push(`throttled in ${formatPercent(c.throttledPeriodsPercent)} of periods (${c.nrThrottledInInterval ?? '?'} of ${c.periodsInInterval})`, `${formatRate(c.throttledMsPerSec, ' ms/s')} throttled`);
  }
  return `  cpu     ${c.path}: ${parts.join(' · ')}`;
}

function memoryLine(m: CgroupMemoryView): string | null {
  if (m.limitBytes === null && m.highBytes === null) return null;
  const where = (p: string | null) => (p !== null && p !== m.path ? ` on ${p}` : '');
  const parts: string[] = [];
  if (m.limitBytes !== null) parts.push(`limit ${formatBytes(m.limitBytes)}${where(m.limitPath)}`);
  if (m.highBytes !== null) parts.push(`high ${formatBytes(m.highBytes)}${where(m.highPath)}`);
  parts.push(`usage ${formatBytes(m.usageBytes)}${m.usagePercentOfLimit !== null ? ` (${formatPercent(m.usagePercentOfLimit)})` : ''}`);
  if (m.failcnt !== null) parts.push(`failcnt +${m.failcntInInterval ?? '?'} (${m.failcnt} in all)`);
  if (m.eventsInInterval) {
    const grew = Object.entries(m.eventsInInterval).filter(([, v]) => v > 0).map(([k, v]) => `${k} +${v}`);
    parts.push(`events ${grew.length > 0 ? grew.join(', ') : 'none new'}`);
  }
  parts.push(`major faults ${formatRate(m.majorFaultsPerSec)}`, `refaults ${formatRate(m.refaultsPerSec)}`);
  return `  memory  ${m.path}: ${parts.join(' · ')}`;
}

function ioLine(io: CgroupIoView): string | null {
  if (io.throttles.length === 0) return null;
  const limit = (label: string, v: number | null, unit: (n: number) => string) => (v === null ? [] : [`${label} ≤ ${unit(v)}`]);
  const devices = io.throttles.map((t) => {
    const limits = [
      ...limit('read', t.readBytesPerSecMax, (n) => `${formatBytes(n)}/s`),
      ...limit('write', t.writeBytesPerSecMax, (n) => `${formatBytes(n)}/s`),
      ...limit('read', t.readIopsMax, (n) => `${n} IOPS`),
      ...limit('write', t.writeIopsMax, (n) => `${n} IOPS`),
    ];
    return `${t.name ?? t.device} ${limits.join(', ')}`;
  });
  return `  io      ${io.path}: ${devices.join('; ')} · now read ${formatByteRate(io.readBytesPerSec)}, write ${formatByteRate(io.writeBytesPerSec)}`;
}

/** The report's cgroup section: each limit set on the process's cgroups and what it did over the interval. */
export function cgroupLines(d: Diagnosis, s: Style): string[] {
  const c = d.cgroup;
  if (!c) return [];
  const lines = [cpuLine(c.cpu), memoryLine(c.memory), ioLine(c.io)].filter((l): l is string => l !== null);
  // "Not mounted", "denied" and the like are gaps worth a line; the root cgroup or a controller nobody enabled just has no limits.
  const gaps = (['cpu', 'memory', 'io'] as const).flatMap((k) => {
    const v = c[k];
    return v.unavailable !== null && v.unavailableReason !== 'root-cgroup' && v.unavailableReason !== 'not-enabled' ? [s.dim(`  ${k.padEnd(7)} unavailable: ${v.unavailable}`)] : [];
  });
  const title = `cgroup${c.version ? ` (${c.version})` : ''}`;
  if (lines.length === 0) return ['', `${s.bold(title)}: no CPU quota, memory limit or io throttle on this process's cgroups`, ...gaps];
  return ['', s.bold(title), ...lines, ...gaps];
}
