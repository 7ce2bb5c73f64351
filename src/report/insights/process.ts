import type { MemoryMixInsight, RateFinding, RateInsight } from '../../diagnose/insights/types.js';
import { formatBytes } from '../format.js';
import { evidence, kb, kernelWords, pct, rate, type InsightText } from './words.js';

function rateSentence(r: RateInsight, f: RateFinding): string {
  const top = r.topSwitchers[0];
  const mostly = top && r.topSwitchers.length > 1 ? ` (most from tid ${top.tid}, ${top.comm}: ${rate(top.voluntary + top.involuntary)})` : '';
  switch (f) {
    case 'small-syscalls':
      return `${rate(r.syscallsPerSec)} read/write syscalls of ${formatBytes(r.bytesPerSyscall)} each on average: each pays the kernel entry and exit (100–200 ns) for little data; batching (readv/writev, bigger buffers), io_uring or mmap would cut this.`;
    case 'cpu-contention':
      return `${rate(r.involuntarySwitchesPerSec)} involuntary context switches against ${rate(r.voluntarySwitchesPerSec)} voluntary: its threads are preempted while they still want the CPU — CPU contention on this process${mostly}.`;
    case 'blocking-chatter':
      return `${rate(r.voluntarySwitchesPerSec)} voluntary context switches: blocking I/O chatter — each is a call that slept and a wake-up, with its cold cache afterwards${mostly}.`;
  }
}

/** The rates worth a word, each with its figure; null when none is. */
export function ratesText(r: RateInsight): InsightText | null {
  if (r.findings.length === 0) return null;
  const [first, ...rest] = r.findings.map((f) => rateSentence(r, f));
  return {
    topic: 'rates',
    headline: first!,
    detail: [...rest, '/proc/PID/status counts the main thread only: the switches are summed over task/*/status. io counts read- and write-like calls only (not poll, fsync, accept).'],
    evidence: [
      evidence('read+write syscalls', `${rate(r.syscallsPerSec)}, ${formatBytes(r.bytesPerSyscall)} each`, '/proc/PID/io syscr+syscw, rchar+wchar'),
      evidence('context switches', `${rate(r.voluntarySwitchesPerSec)} voluntary, ${rate(r.involuntarySwitchesPerSec)} involuntary`, '/proc/PID/task/*/status, summed'),
    ],
    kernel: kernelWords(r.kernel),
    confidence: r.confidence,
    notable: true,
    tids: [],
  };
}

function mostlyWords(m: MemoryMixInsight, total: number): string {
  const of = (part: number | null) => `${kb(part)} of ${kb(m.rssKb)} (${pct(part ?? 0, total)})`;
  switch (m.mostly) {
    case 'file':
      return `RSS is mostly file-backed page cache, reclaimable: ${of(m.fileKb)} are file pages the kernel can drop (clean) or write back (dirty) under pressure.`;
    case 'anon':
      return `RSS is mostly anonymous, not reclaimable without swap: ${of(m.anonKb)} are anonymous pages (heap, stacks, private copies)${(m.swapKb ?? 0) > 0 ? `, and ${kb(m.swapKb)} more is in swap now` : ''}.`;
    case 'shmem':
      return `RSS is mostly shared memory (shmem, tmpfs), reclaimable only to swap: ${of(m.shmemKb)}.`;
    default:
      return `RSS (${kb(m.rssKb)}) is ${kb(m.anonKb)} anonymous (reclaimable only to swap), ${kb(m.fileKb)} file-backed page cache (reclaimable) and ${kb(m.shmemKb)} shmem.`;
  }
}

/** "RSS is mostly file-backed page cache, reclaimable" or "anonymous, not reclaimable without swap", with PSS against RSS. */
export function memoryText(m: MemoryMixInsight): InsightText | null {
  const total = (m.anonKb ?? 0) + (m.fileKb ?? 0) + (m.shmemKb ?? 0);
  if (m.mostly === null || total === 0) return null;
  const detail: string[] = [];
  if (m.pssKb !== null && m.rssKb !== null && m.rssKb > 0) {
    const shared = m.pssKb < m.rssKb * 0.8;
    detail.push(
      shared
        ? `PSS ${kb(m.pssKb)} against RSS ${kb(m.rssKb)}: ${kb(m.sharedKb)} of its pages are shared with other processes (libraries, or memory shared with its parent or siblings after fork), so its own share is ${pct(m.pssKb, m.rssKb)} of RSS.`
        : `PSS ${kb(m.pssKb)} against RSS ${kb(m.rssKb)}: little of it is shared with other processes.`,
    );
  } else if (m.rollupUnavailable) {
    detail.push(`PSS and swap were not read (${m.rollupUnavailable}).`);
  }
  if (m.swapKb !== null && m.swapKb > 0 && m.mostly !== 'anon') detail.push(`${kb(m.swapKb)} is in swap${m.swapPssKb !== null ? ` (its share: ${kb(m.swapPssKb)})` : ''}.`);
  return {
    topic: 'memory',
    headline: mostlyWords(m, total),
    detail,
    evidence: [
      evidence('RSS split', `anon ${kb(m.anonKb)}, file ${kb(m.fileKb)}, shmem ${kb(m.shmemKb)}`, '/proc/PID/status RssAnon RssFile RssShmem'),
      ...(m.pssKb !== null ? [evidence('PSS', `${kb(m.pssKb)}${m.pssAnonKb !== null ? ` (anon ${kb(m.pssAnonKb)}, file ${kb(m.pssFileKb)}, shmem ${kb(m.pssShmemKb)})` : ''}`, '/proc/PID/smaps_rollup')] : []),
      ...(m.swapKb !== null ? [evidence('swap', kb(m.swapKb), m.pssKb !== null ? '/proc/PID/smaps_rollup Swap' : '/proc/PID/status VmSwap')] : []),
    ],
    kernel: kernelWords(m.kernel),
    confidence: m.confidence,
    notable: false,
    tids: [],
  };
}
