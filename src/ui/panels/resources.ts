import type { Diagnosis } from '../../diagnose/types.js';
import type { ReadResult } from '../../procfs/errors.js';
import { formatBytes, formatPercent, formatRate } from '../../report/format.js';
import type { Sample } from '../../sample/types.js';
import { fitPanel, line, seg, wrapText, type Line, type PanelModel, type Segment, type Size } from '../text.js';

/**
 * Why a value is missing, in the words the dashboard shows: a file this user may not read is
 * "needs root", never an empty field or a zero.
 */
export function gapOf(result: ReadResult<unknown> | undefined): string | null {
  if (!result || result.ok) return null;
  switch (result.error.kind) {
    case 'denied':
      return 'needs root';
    case 'vanished':
      return 'gone';
    case 'unsupported':
      return 'not in this kernel';
    case 'malformed':
    case 'io':
      return 'unreadable';
  }
}

/** Why each process-level figure may be missing, from the sample the diagnosis came from. */
export interface ResourceGaps {
  readonly stat: string | null;
  readonly status: string | null;
  readonly io: string | null;
  readonly fds: string | null;
  readonly limits: string | null;
}

export function resourceGaps(sample: Sample | null): ResourceGaps {
  const p = sample?.process;
  return { stat: gapOf(p?.stat), status: gapOf(p?.status), io: gapOf(p?.io), fds: gapOf(p?.fds), limits: gapOf(p?.limits) };
}

/** A figure, or why there is none: `needs root` (file denied) or `measuring…` (no second sample yet). */
function figure(value: number | null, format: (n: number) => string, gap: string | null, rate: boolean, haveRates: boolean): Segment {
  if (gap !== null) return seg(gap, 'warn');
  if (value === null) return seg(rate && !haveRates ? 'measuring…' : 'n/a', 'dim');
  return seg(format(value));
}

/** `socket 12 · pipe 4 · file 8 · eventpoll 1`, biggest first. */
export function fdBreakdown(types: Readonly<Partial<Record<string, number>>>): string {
  return Object.entries(types)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k.replace(/^anon_inode:/, '')} ${n}`)
    .join(' · ');
}

export function resourcesPanel(d: Diagnosis, gaps: ResourceGaps, size: Size): PanelModel {
  const p = d.process;
  const rates = d.source.intervalMs !== null;
  const rate = (v: number | null, gap: string | null, f: (n: number) => string) => figure(v, f, gap, true, rates);
  const plainFig = (v: number | null, gap: string | null, f: (n: number) => string) => figure(v, f, gap, false, rates);
  const bytesPerSec = (n: number) => `${formatBytes(n)}/s`;
  const label = (s: string) => seg(s.padEnd(9), 'dim');
  const lines: Line[] = [
    line(label('CPU'), rate(p.cpuPercent, gaps.stat, formatPercent), seg(' of one core', 'dim'), ' · switches ', rate(p.voluntarySwitchesPerSec, gaps.status, (n) => formatRate(n, ' vol/s')), ' ', rate(p.involuntarySwitchesPerSec, gaps.status, (n) => formatRate(n, ' invol/s'))),
    line(label('memory'), 'RSS ', plainFig(p.rssKb, gaps.status, (kb) => formatBytes(kb * 1024)), ' · swap ', plainFig(p.swapKb, gaps.status, (kb) => formatBytes(kb * 1024)), ' · major faults ', rate(p.majorFaultsPerSec, gaps.stat, (n) => formatRate(n))),
    line(label('I/O'), 'read ', rate(p.readBytesPerSec, gaps.io, bytesPerSec), ' · write ', rate(p.writeBytesPerSec, gaps.io, bytesPerSec), ' · syscalls ', rate(p.syscallsPerSec, gaps.io, (n) => formatRate(n))),
  ];
  const fdLine: (Segment | string)[] = [label('open fds'), plainFig(p.fdCount, gaps.fds, String)];
  if (p.fdCount !== null) {
    const limit = gaps.limits ?? (p.fdSoftLimit === null ? 'no limit read' : String(p.fdSoftLimit));
    fdLine.push(' of ', seg(limit, gaps.limits ? 'warn' : 'plain'));
    if (p.fdSoftLimit !== null && p.fdSoftLimit > 0) {
      const share = (p.fdCount / p.fdSoftLimit) * 100;
      fdLine.push(seg(` (${share.toFixed(0)} %)`, share >= 80 ? 'bad' : 'dim'));
    }
  }
  lines.push(line(...fdLine));
  // The breakdown by type wraps over whatever rows are left.
  const breakdown = fdBreakdown(p.fdTypes);
  const room = Math.max(1, size.height - lines.length);
  if (breakdown) for (const w of wrapText(breakdown, Math.max(10, size.width - 9)).slice(0, room)) lines.push(line(label(''), w));
  return { title: 'resources', lines: fitPanel(lines, size) };
}
