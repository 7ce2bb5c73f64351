import { ACCESS_REASONS } from '../../diagnose/gaps.js';
import type { Diagnosis } from '../../diagnose/types.js';
import type { HostDescription } from '../../readers/types.js';
import { formatBytes, formatDuration } from '../../report/format.js';
import type { SessionEnd } from '../../session/session.js';
import { fitLine, line, seg, type Line, type Segment } from '../text.js';

/** The machine, read once at start from the proc root and os-release (live only). */
export type HostInfo = HostDescription;

export interface ReplayPosition {
  readonly index: number;
  readonly count: number;
  readonly dir: string;
  /** Wall-clock time of the sample on screen, ISO 8601. */
  readonly sampledAt: string;
  readonly kernelRelease: string;
  readonly arch: string;
  readonly cpuCount: number;
  readonly playing: boolean;
}

export interface HeaderInput {
  readonly diagnosis: Diagnosis;
  readonly intervalMs: number;
  /** Live: the host (null until it has been read, after the first frame). */
  readonly host: HostInfo | null;
  readonly hostError: string | null;
  /** Live: the user name of the process's uid when it is known on this machine. */
  readonly userName: string | null;
  readonly ended: SessionEnd | null;
  readonly paused: boolean;
  /** Set in replay. */
  readonly replay: ReplayPosition | null;
}

const STATE_WORDS: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk sleep',
  T: 'stopped',
  t: 'traced',
  Z: 'zombie',
  X: 'dead',
  I: 'idle',
  P: 'parked',
  W: 'waking',
  K: 'wakekill',
};

export function stateWord(state: string): string {
  return STATE_WORDS[state] ?? 'unknown';
}

/** `2024-05-01 12:00:03` from an ISO time, in UTC so captures read the same everywhere. */
export function shortTime(iso: string): string {
  return iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : iso;
}

function badges(input: HeaderInput): Segment[] {
  const out: Segment[] = [];
  const ended = input.ended?.reason === 'exited' ? ' EXITED ' : input.ended?.reason === 'pid-reused' ? ' PID REUSED ' : null;
  if (input.replay) {
    out.push(seg(` REPLAY ${input.replay.index + 1}/${input.replay.count} `, 'badge'));
    if (input.replay.playing) out.push(seg(' ▶ playing ', 'accent'));
    if (ended) out.push(seg(ended, 'bad'));
  } else if (ended) {
    // Nothing is live any more: the badge says so instead of LIVE.
    out.push(seg(ended, 'badge'));
  } else {
    out.push(seg(` LIVE ${input.intervalMs >= 1000 ? `${input.intervalMs / 1000} s` : `${input.intervalMs} ms`} `, 'badge'));
  }
  if (input.paused && !input.replay && !input.ended) out.push(seg(' PAUSED ', 'warn'));
  return out;
}

function processLine(input: HeaderInput): Line {
  const p = input.diagnosis.process;
  const user = p.uid === null ? 'needs root' : input.userName ? `${input.userName} (${p.uid})` : `uid ${p.uid}`;
  const state = p.state === '?' ? '?' : `${p.state} (${stateWord(p.state)})`;
  // After exit the state shown is the last one seen, and says so.
  const stateLabel = input.ended && !input.replay ? 'last state' : 'state';
  return line(
    ...badges(input),
    ' ',
    seg(`pid ${p.pid}`, 'bold'),
    ' ',
    seg(p.comm, 'bold'),
    `  ${stateLabel} ${state}  age ${formatDuration(p.ageSeconds)}  threads ${p.threadCount}  user ${user}`,
  );
}

function viewLine(input: HeaderInput): Line {
  const d = input.diagnosis;
  const ended: Segment[] = input.ended ? [seg(input.ended.message, 'bad'), seg(` (frozen on the sample of ${shortTime(d.source.sampledAt)}) · `, 'dim')] : [];
  if (d.source.complete) return line(...ended, 'view: ', seg('complete', 'good'), seg(' (every file was readable)', 'dim'));
  const denied = d.missing.filter((m) => ACCESS_REASONS.has(m.reason));
  const who = denied.some((m) => m.reason === 'not-root' || m.reason === 'root-only') ? 'needs root' : 'denied even to root (see t)';
  return line(...ended, 'view: ', seg('partial', 'warn'), ` — ${who}: ${denied.map((m) => m.what).join('; ')}`);
}

function hostOrCaptureLine(input: HeaderInput): Line {
  const r = input.replay;
  if (r) {
    return line(seg('capture ', 'dim'), `${shortTime(r.sampledAt)} · kernel ${r.kernelRelease} ${r.arch} · ${r.cpuCount} CPUs · ${r.dir}`);
  }
  return hostLine(input.host, input.hostError);
}

/** The machine in one line (attach's and top's third header line). */
export function hostLine(h: HostInfo | null, hostError: string | null): Line {
  if (!h) return line(seg(hostError ? `host: ${hostError}` : 'host: reading…', 'dim'));
  const cpu = `${h.cpuModel ?? 'CPU'}${h.cpuCount !== null ? ` × ${h.cpuCount}` : ''}`;
  const parts = [cpu, h.memoryBytes !== null ? `${formatBytes(h.memoryBytes)} RAM` : null, h.distro, h.kernelRelease ? `kernel ${h.kernelRelease}` : null];
  return line(seg('host ', 'dim'), parts.filter((x): x is string => x !== null).join(' · '));
}

/** Three lines, no border: who, how complete the view is, and where it runs (or was captured). */
export function headerLines(input: HeaderInput, width: number): Line[] {
  return [processLine(input), viewLine(input), hostOrCaptureLine(input)].map((l) => fitLine(l, width));
}
