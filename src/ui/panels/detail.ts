import type { ThreadDiagnosis } from '../../diagnose/types.js';
import type { ThreadFollow } from '../../diagnose/follow/types.js';
import type { ThreadSnapshot } from '../../readers/types.js';
import { formatPercent } from '../../report/format.js';
import { stateWord } from './header.js';
import { gapOf } from './resources.js';
import { waitNeedsRoot } from './threads.js';
import { fitPanel, line, seg, wrapText, type Line, type PanelModel, type Size } from '../text.js';
import type { Insights } from '../../diagnose/insights/types.js';
import { insightDetailLines, insightLine } from './insight-detail.js';

export interface DetailInput {
  readonly thread: ThreadDiagnosis | null;
  /** The raw snapshot of that thread: says why its stack is missing. */
  readonly snapshot: ThreadSnapshot | null;
  /** Threads waiting on the same thing as this one (itself included). */
  readonly groupSize: number;
  readonly groupTids: readonly number[];
  /** The diagnosis's insights: the thread's own (its herd, its poll, its durability wait) are shown with it. */
  readonly insights?: Insights;
}

const LABEL = 11;
const label = (s: string) => seg(s.padEnd(LABEL), 'dim');

/** Why the stack is empty: `needs root`, or (readable and empty) the thread is in user space. */
function stackGap(t: ThreadDiagnosis, snap: ThreadSnapshot | null): string | null {
  const gap = gapOf(snap?.stack);
  if (gap === 'not in this kernel' && snap && !snap.stack.ok && snap.stack.error.message.startsWith('not read')) return 'not read';
  if (gap) return gap;
  if (t.stack.length === 0) return t.state === 'R' ? '(empty: running in user space)' : '(empty)';
  return null;
}

function field(name: string, text: string, width: number, full: boolean, tone: 'plain' | 'warn' | 'dim' = 'plain'): Line[] {
  if (!full) return [line(label(name), seg(text, tone))];
  return wrapText(text, Math.max(10, width - LABEL)).map((w, i) => line(i === 0 ? label(name) : label(''), seg(w, tone)));
}

/**
 * The selected thread, explained: what it waits for, what wakes it, where in the kernel, the
 * decoded syscall argument and the stack. `full` (the Enter overlay) wraps every line and
 * lists the stack one frame a line; the side panel cuts lines instead.
 */
export function detailLines(input: DetailInput, width: number, full: boolean): Line[] {
  const t = input.thread;
  if (!t) return [line(seg('no thread selected', 'dim'))];
  const w = t.wait;
  const sw = t.voluntarySwitchesPerSec === null ? '—' : (t.voluntarySwitchesPerSec + (t.involuntarySwitchesPerSec ?? 0)).toFixed(1);
  const group = input.groupSize > 1 ? ` · 1 of ${input.groupSize} in ${w.kind}` : '';
  const out: Line[] = [
    line(seg(`tid ${t.tid}`, 'bold'), ' ', seg(t.comm, 'bold'), ` · ${t.state} (${stateWord(t.state)}) · CPU ${formatPercent(t.cpuPercent)} · ${sw} sw/s${group}`),
    line(label('wait'), seg(w.kind, 'accent'), w.site && w.site !== w.kind ? ` (${w.site})` : '', seg(`  ${w.confidence}`, 'dim')),
    ...field('waits for', w.explanation.waitsFor, width, full),
    ...field('wakes when', w.explanation.wakesWhen, width, full),
  ];
  if (t.follow) out.push(...field('waits on', t.follow.summary, width, full, 'plain'), ...(full ? followDetail(t.follow) : []));
  const insight = full ? null : insightLine(input.insights, t.tid);
  if (insight) out.push(...field('insight', insight.text, width, false, insight.notable ? 'warn' : 'plain'));
  const fnText = w.function ? `${w.function}${w.sourceFile ? `  (${w.sourceFile})` : ''}` : waitNeedsRoot(t) ? 'needs root' : 'not seen (wchan 0)';
  out.push(...field('kernel', fnText, width, full, w.function ? 'plain' : 'warn'));
  const sys = w.syscall ? `${w.syscall.name} (nr ${w.syscall.nr})${w.argument ? ` · ${w.argument.name} = ${w.argument.value}` : ''}` : waitNeedsRoot(t) ? 'needs root' : 'none (not in a syscall)';
  out.push(...field('syscall', sys, width, full, w.syscall ? 'plain' : waitNeedsRoot(t) ? 'warn' : 'dim'));
  const gap = stackGap(t, input.snapshot);
  if (gap) out.push(line(label('stack'), seg(gap, gap === 'needs root' ? 'warn' : 'dim')));
  else if (!full) out.push(line(label('stack'), t.stack.join(' ← ')));
  else t.stack.forEach((frame, i) => out.push(line(label(i === 0 ? 'stack' : ''), frame)));
  if (full) {
    out.push(...field('cost', w.explanation.cost, width, true));
    out.push(...field('summary', w.summary, width, true));
    out.push(...field('decided by', w.basis.join(', ') || '—', width, true, 'dim'));
    if (w.missing.length > 0) out.push(...field('missing', w.missing.join('; '), width, true, 'warn'));
    if (t.runqueueDelayMsPerSec !== null) out.push(...field('runqueue', `${t.runqueueDelayMsPerSec.toFixed(1)} ms/s waiting for a CPU`, width, true));
    if (input.groupSize > 1) out.push(...field('same wait', `${input.groupSize} threads: ${input.groupTids.join(', ')}`, width, true, 'dim'));
    out.push(...insightDetailLines(input.insights, t.tid, width));
  }
  return out;
}

/** In the full view: the things the wait is on, one a line (epoll targets, children, the fd's peers). */
function followDetail(f: ThreadFollow): Line[] {
  const item = (text: string) => line(label(''), seg(`· ${text}`, 'dim'));
  switch (f.kind) {
    case 'epoll':
      return [...f.epoll.targets.slice(0, 12).map((x) => item(`fd ${x.fd}: ${x.text}`)), ...(f.epoll.watched > 12 ? [item(`… ${f.epoll.watched - 12} more`)] : [])];
    case 'children':
      return f.children.groups.slice(0, 12).map((g) => item(g.label));
    case 'fd':
      return 'peers' in f.target ? f.target.peers.slice(0, 12).map((p) => item(`held by pid ${p.pid} (${p.comm}) fd ${p.fd}${p.access ? ` for ${p.access}` : ''}`)) : [];
    case 'futex':
      return [];
  }
}

export function detailPanel(input: DetailInput, size: Size): PanelModel {
  return { title: 'selected thread — Enter for all of it', lines: fitPanel(detailLines(input, size.width, false), size) };
}
