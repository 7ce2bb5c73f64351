import type { Diagnosis, GapReason, PressureView, ThreadDiagnosis } from '../diagnose/types.js';
import { followLines } from '../diagnose/follow/lines.js';
import { cgroupLines } from './cgroup.js';
import { insightLines } from './insight-lines.js';
import { formatByteRate, formatBytes, formatDuration, formatPercent, formatRate, padEnd } from './format.js';
import type { Style } from './style.js';

export interface TextReportOptions {
  readonly style: Style;
  /** How many threads to list individually (the groups always cover all of them). */
  readonly maxThreads?: number;
  readonly verbose?: boolean;
}

function severityColor(d: Diagnosis, s: Style): (t: string) => string {
  return d.verdict.severity === 'problem' ? s.red : d.verdict.severity === 'warning' ? s.yellow : s.green;
}

function pressureLines(view: PressureView, s: Style): string[] {
  const title = view.scope === 'system' ? '  system' : `  cgroup ${view.path ?? '/'}`;
  if (view.unavailable) return [`${title}: ${s.dim(`unavailable: ${view.unavailable}`)}`];
  const fmt = (label: string, v: { avg10: number; avg60: number; avg300: number } | null) =>
    v ? `${label} ${v.avg10.toFixed(2).padStart(6)} ${v.avg60.toFixed(2).padStart(6)} ${v.avg300.toFixed(2).padStart(6)}` : `${label}      -      -      -`;
  return [
    title,
    ...view.readings.map((r) => {
      if (r.unavailable) return `    ${padEnd(r.resource, 7)} ${s.dim(`n/a: ${r.unavailable}`)}`;
      const line = `    ${padEnd(r.resource, 7)} ${fmt('some', r.some)}   ${fmt('full', r.full)}`;
      return r.contended ? s.red(`${line}  > ${view.threshold} %`) : line;
    }),
  ];
}

function threadLine(t: ThreadDiagnosis): string {
  const cpu = t.cpuPercent === null ? '    -' : t.cpuPercent.toFixed(1).padStart(5);
  return `  ${String(t.tid).padStart(7)}  ${padEnd(t.comm, 15)} ${t.state}  ${padEnd(t.wait.kind, 15)} ${padEnd(t.wait.function ?? '-', 24)} ${cpu}  ${t.wait.summary}`;
}

/** "On whom": each distinct follow answer once (threads sharing it listed), then futex groups, network and memory. */
function onWhomLines(d: Diagnosis, s: Style): string[] {
  const out: string[] = ['', s.bold('On whom')];
  const seen = new Map<string, { tids: number[]; lines: string[] }>();
  for (const t of d.threads) {
    const lines = followLines(t.follow);
    if (lines.length === 0 || t.follow?.kind === 'futex') continue;
    const key = lines.join('\n');
    const hit = seen.get(key);
    if (hit) hit.tids.push(t.tid);
    else seen.set(key, { tids: [t.tid], lines });
  }
  for (const { tids, lines } of seen.values()) {
    out.push(`  ${tids.length === 1 ? `thread ${tids[0]}` : `${tids.length} threads (${tids.slice(0, 4).join(', ')}${tids.length > 4 ? ', …' : ''})`}: ${lines[0]}`);
    for (const l of lines.slice(1)) out.push(`    ${l.trimStart()}`);
  }
  // Groups of several waiters are the story; lone waiters (each on its own futex) are one line.
  const groups = d.futexGroups ?? [];
  for (const g of groups.filter((x) => x.count > 1)) out.push(`  futex ${g.id}: ${g.summary}`, s.dim(`    why: ${g.basis}`));
  const lone = groups.filter((x) => x.count <= 1);
  if (lone.length > 0) out.push(`  ${lone.length} more thread${lone.length === 1 ? '' : 's'} each wait${lone.length === 1 ? 's' : ''} on a futex of ${lone.length === 1 ? 'its' : 'their'} own (${lone.slice(0, 4).map((g) => g.id).join(', ')}${lone.length > 4 ? ', …' : ''}; --json lists them)`);
  const n = d.network;
  if (n?.sockets && n.sockets.tcp + n.sockets.udp + n.sockets.unix > 0) {
    const states = Object.entries(n.byState).map(([k, v]) => `${k} ${v}`).join(', ');
    out.push(`  network: ${n.sockets.tcp} TCP, ${n.sockets.udp} UDP, ${n.sockets.unix} unix${states ? ` (${states})` : ''}; queued send ${n.sendQueueBytes} B, receive ${n.recvQueueBytes} B`);
    if (n.rates) out.push(`    namespace TCP: retransmits ${formatRate(n.rates.retransSegsPerSec)}, listen overflows ${formatRate(n.rates.listenOverflowsPerSec)}, listen drops ${formatRate(n.rates.listenDropsPerSec)}`);
  }
  const m = d.memory;
  if (m?.cgroup) {
    const c = m.cgroup;
    const lim = (v: number | null) => (v === null ? 'max' : formatBytes(v));
    out.push(
      c.unavailable
        ? `  memory: cgroup ${c.path}: ${s.dim(c.unavailable)}`
        : `  memory: cgroup ${c.path} uses ${formatBytes(c.currentBytes)} (high ${lim(c.highBytes)}, max ${lim(c.maxBytes)}); events oom ${c.events?.oom ?? 0}, oom_kill ${c.events?.oom_kill ?? 0}, high ${c.events?.high ?? 0}`,
    );
  }
  return out.length > 2 ? out : [];
}

const PARTIAL_WORDS: Readonly<Partial<Record<GapReason, string>>> = {
  'not-root': 'not root',
  'root-only': 'some files are root-only',
  'ptrace-scope': "Yama's ptrace_scope",
  'no-cap-sys-ptrace': 'no CAP_SYS_PTRACE',
  denied: 'denied',
};

function partialWhy(d: Diagnosis): string {
  const reasons = [...new Set(d.missing.flatMap((m) => (PARTIAL_WORDS[m.reason] ? [PARTIAL_WORDS[m.reason]!] : [])))];
  return reasons.join(', ') || 'files were denied';
}

/** The human report of `proctriage triage`. */
export function renderTextReport(d: Diagnosis, options: TextReportOptions): string {
  const s = options.style;
  const p = d.process;
  const out: string[] = [];
  const mode = d.source.mode === 'replay' ? ` ${s.cyan('[REPLAY')} ${s.cyan(`${d.source.procRoot}]`)}` : '';
  out.push(s.bold(`${p.comm} (pid ${p.pid})`) + `  state ${p.state}  ${p.threadCount} thread${p.threadCount === 1 ? '' : 's'}  age ${formatDuration(p.ageSeconds)}  uid ${p.uid ?? '?'}${mode}`);
  out.push(s.dim(`kernel ${d.source.kernelRelease} ${d.source.arch}, sampled ${d.source.sampledAt}${d.source.intervalMs !== null ? `, rates over ${(d.source.intervalMs / 1000).toFixed(2)} s` : ', one sample (no rates)'}${d.source.complete ? '' : `, PARTIAL view (${partialWhy(d)})`}`));
  out.push('');
  out.push(severityColor(d, s)(s.bold(`Verdict: ${d.verdict.summary}`)));
  for (const f of d.verdict.facts.slice(0, options.verbose ? Infinity : 5)) out.push(s.dim(`  · ${f.label}: ${f.value}  [${f.source}]`));
  for (const list of d.verdict.culprits) {
    out.push(`  Top users of ${list.resource} by ${list.by} over the interval: ${list.top.map((c) => `${c.isTarget ? s.bold(`${c.comm} (${c.pid})`) : `${c.comm} (${c.pid})`} ${c.sharePercent.toFixed(0)} %`).join(', ')}`);
  }
  const shares = p.shares;
  if (shares && shares.running !== null) {
    const parts = [`${shares.running.toFixed(2)} running`, `${(shares.runnable ?? 0).toFixed(2)} waiting for a CPU`, ...shares.waits.slice(0, 5).map((w) => `${w.avgThreads.toFixed(2)} ${w.kind}${w.function ? ` (${w.function})` : ''}`)];
    out.push(s.dim(`  Average threads over ${(shares.intervalMs / 1000).toFixed(2)} s (${shares.looks} looks${shares.looksPerSecond !== null ? `, ${shares.looksPerSecond.toFixed(0)}/s` : ''}): ${parts.join(', ')}`));
  }
  out.push('');
  out.push(s.bold('Decision tree'));
  d.path.forEach((step, i) => {
    out.push(`  ${i + 1}. ${step.question}`);
    out.push(`     → ${step.answer}`);
    const ev = options.verbose ? step.evidence : step.evidence.slice(0, 4);
    for (const e of ev) out.push(s.dim(`       · ${e.label}: ${e.value}  [${e.source}]`));
  });
  out.push('');
  out.push(s.bold('Next'));
  if (d.next.length === 0) out.push('  nothing to chase: it looks healthy.');
  for (const n of d.next) out.push(`  $ ${s.cyan(n.command)}\n      ${s.dim(n.why)}`);
  out.push('');
  out.push(s.bold('Pressure (PSI %, avg10 avg60 avg300)'));
  out.push(...pressureLines(d.pressure.system, s));
  if (d.pressure.cgroup) out.push(...pressureLines(d.pressure.cgroup, s));
  out.push('');
  out.push(s.bold('Process'));
  out.push(`  CPU ${formatPercent(p.cpuPercent)}   RSS ${formatBytes(p.rssKb === null ? null : p.rssKb * 1024)}   swap ${formatBytes(p.swapKb === null ? null : p.swapKb * 1024)}   major faults ${formatRate(p.majorFaultsPerSec)}`);
  out.push(`  disk read ${formatByteRate(p.readBytesPerSec)}   write ${formatByteRate(p.writeBytesPerSec)}   syscalls (read+write) ${formatRate(p.syscallsPerSec)}   ctx switches ${formatRate(p.voluntarySwitchesPerSec)} vol, ${formatRate(p.involuntarySwitchesPerSec)} invol`);
  const fdTypes = Object.entries(p.fdTypes).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`  open fds ${p.fdCount ?? 'n/a'}${p.fdSoftLimit !== null ? ` of ${p.fdSoftLimit}` : ''}${fdTypes ? ` (${fdTypes})` : ''}`);
  out.push(...cgroupLines(d, s));
  out.push('');
  out.push(s.bold('Waits'));
  for (const g of d.waitGroups) out.push(`  ${g.label}${g.avgThreads !== null && g.avgThreads !== undefined ? s.dim(` — ${g.avgThreads.toFixed(2)} on average over the interval`) : ''}`);
  out.push('');
  const max = options.maxThreads ?? 40;
  out.push(s.bold(`Threads${d.threads.length > max ? ` (first ${max} of ${d.threads.length}; --all for every one)` : ''}`));
  out.push(s.dim(`  ${'TID'.padStart(7)}  ${padEnd('COMM', 15)} S  ${padEnd('WAIT', 15)} ${padEnd('KERNEL FUNCTION', 24)}  CPU%  WHAT`));
  for (const t of d.threads.slice(0, max)) out.push(threadLine(t));
  out.push(...onWhomLines(d, s));
  out.push(...insightLines(d, s, options.verbose));
  const explained = new Set<string>();
  out.push('');
  out.push(s.bold('What the waits mean'));
  for (const t of d.threads) {
    const key = `${t.wait.kind}/${t.wait.function ?? ''}`;
    if (explained.has(key)) continue;
    explained.add(key);
    const where = t.wait.function ? ` — ${t.wait.function}${t.wait.sourceFile ? ` in ${t.wait.sourceFile}` : ''}` : '';
    out.push(`  ${s.bold(t.wait.kind)}${where}`);
    out.push(`    waits for: ${t.wait.explanation.waitsFor}`);
    out.push(`    wakes when: ${t.wait.explanation.wakesWhen}`);
    out.push(`    cost: ${t.wait.explanation.cost}`);
  }
  if (d.missing.length > 0) {
    out.push('');
    out.push(s.yellow(s.bold('Could not see')));
    for (const m of d.missing) out.push(`  - ${m.what}: ${m.why}\n    weakens: ${m.weakens}${m.fix ? `\n    to see it: ${m.fix}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
