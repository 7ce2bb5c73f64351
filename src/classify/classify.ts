import { isSkipped, type ReadError } from '../procfs/errors.js';
import { intArg } from '../parsers/syscall.js';
import { syscallName } from '../kernel/syscalls.js';
import { argIndex, intArgOf, type ArgRole } from '../kernel/syscall-signatures.js';
import { kindOfFdType, WAIT_KIND_INFO } from '../kernel/wait-kind-info.js';
import { formatKernelVersion } from '../kernel/version.js';
import {
  IO_FRAME_PREFIXES,
  SCHEDULER_FUNCTIONS,
  SHARED_SYMBOLS,
  WAIT_SITES,
  findKernelSymbol,
  symbolKnownOn,
  matchingCaller,
  siteById,
  siteSymbol,
  sitesForSymbol,
  sitesForSyscall,
  type WaitSite,
} from '../kernel/wait-sites.js';
import type { WaitArgument, WaitClassification, WaitExplanation, WaitInputGap, WaitKind } from '../kernel/wait-kinds.js';
import type { ClassifyInput } from '../classify/input.js';

/**
 * Thread → what it waits on, from the state letter, `wchan`, `stack` (root only) and
 * `syscall`, using the catalog in ../kernel/wait-sites.ts. Pure: no I/O, no printing.
 *
 * Order of evidence: the state letter decides Z/T/t/R/I/P outright; otherwise the top
 * kernel frame (stack, else wchan) is looked up in the catalog, shared helpers are resolved
 * by deeper frames and then by the syscall; with no symbol at all, the syscall alone gives
 * a `likely` answer; with nothing readable the answer is `unknown`, never `running`.
 */
export function classifyThread(input: ClassifyInput): WaitClassification {
  const seen = observe(input);
  return (
    classifyByState(seen) ??
    classifyHelperThread(seen) ??
    classifyByTopSymbol(seen) ??
    classifyWithoutSymbol(seen)
  );
}

// ---------------------------------------------------------------------------------------
// What could be seen

interface SyscallCall {
  readonly nr: number;
  readonly name: string;
  readonly args: readonly bigint[];
}

interface Observation {
  readonly input: ClassifyInput;
  readonly state: string;
  /** Stack symbols (suffix stripped), scheduler functions removed; empty when unreadable or empty. */
  readonly frames: readonly string[];
  /** The topmost meaningful symbol: `frames[0]`, else wchan; null when neither shows one. */
  readonly top: string | null;
  readonly topSource: 'stack' | 'wchan' | null;
  /** The syscall the thread sleeps in, when its file is readable and trustworthy. */
  readonly call: SyscallCall | null;
  /** Kernel threads and io_uring workers show a syscall that is not theirs. */
  readonly syscallIgnored: boolean;
  readonly gaps: readonly WaitInputGap[];
}

/** io-wq workers and SQPOLL threads are user threads whose syscall file shows their creator's io_uring call. */
export const IO_URING_HELPER_COMM = /^iou-(wrk|sqp)-\d+$/;

/** 5.12-5.15 could print a raw address in wchan when no symbol was found (`%ps`); it names nothing. */
const RAW_ADDRESS = /^(0x)?[0-9a-f]{8,16}$/;

function observe(input: ClassifyInput): Observation {
  const syscallIgnored = input.isKernelThread || IO_URING_HELPER_COMM.test(input.comm);
  const frames = input.stack.ok ? input.stack.value.map((f) => f.base).filter((s) => !SCHEDULER_FUNCTIONS.has(s)) : [];
  const wchan = input.wchan.ok ? input.wchan.value.base : null;
  const usableWchan = wchan !== null && !SCHEDULER_FUNCTIONS.has(wchan) && !RAW_ADDRESS.test(wchan) ? wchan : null;
  const top = frames[0] ?? usableWchan;
  return {
    input,
    state: input.state,
    frames,
    top,
    topSource: frames[0] !== undefined ? 'stack' : usableWchan !== null ? 'wchan' : null,
    call: syscallIgnored ? null : syscallCall(input),
    syscallIgnored,
    gaps: inputGaps(input, syscallIgnored),
  };
}

function syscallCall(input: ClassifyInput): SyscallCall | null {
  if (!input.syscall.ok || input.syscall.value.kind !== 'in-syscall') return null;
  const { nr, args } = input.syscall.value;
  return { nr, name: syscallName(input.arch, nr) ?? `syscall_${nr}`, args };
}

const SLEEPING_STATES = 'SD';

function inputGaps(input: ClassifyInput, syscallIgnored: boolean): WaitInputGap[] {
  const gaps: WaitInputGap[] = [];
  const sleeping = SLEEPING_STATES.includes(input.state);
  if (!input.wchan.ok) gaps.push({ file: 'wchan', reason: input.wchan.error.kind });
  else if (sleeping && input.wchan.value.symbol === null) gaps.push({ file: 'wchan', reason: 'reads-zero' });
  else if (input.wchan.value.base !== null && RAW_ADDRESS.test(input.wchan.value.base)) gaps.push({ file: 'wchan', reason: 'raw-address' });
  // A stack left unread on purpose (the wait channel already decides) is no gap.
  if (!input.stack.ok && !isSkipped(input.stack)) gaps.push({ file: 'stack', reason: input.stack.error.kind });
  if (!syscallIgnored && !input.syscall.ok) gaps.push({ file: 'syscall', reason: input.syscall.error.kind });
  return gaps;
}

function gapWords(gap: WaitInputGap, input: ClassifyInput): string {
  if (gap.reason === 'reads-zero') return 'wchan: reads 0 although the thread sleeps';
  if (gap.reason === 'raw-address') return 'wchan: a raw address, not a symbol';
  const result = input[gap.file];
  return `${gap.file}: ${result.ok ? gap.reason : readErrorReason(result.error)}`;
}

function readErrorReason(error: ReadError): string {
  switch (error.kind) {
    case 'denied':
      return 'permission denied';
    case 'vanished':
      return 'the thread exited';
    case 'unsupported':
      return 'not provided by this kernel';
    case 'malformed':
      return `unreadable (${error.message})`;
    case 'io':
      return error.message;
  }
}

// ---------------------------------------------------------------------------------------
// Building a classification

interface Verdict {
  readonly kind: WaitKind;
  readonly site: WaitSite | null;
  readonly function: string | null;
  readonly sourceFile: string | null;
  readonly explanation: WaitExplanation;
  readonly confidence: WaitClassification['confidence'];
  readonly basis: readonly string[];
  /** Summary without the syscall, e.g. `kernel lock (mmap_lock)`; the call is appended. */
  readonly label: string;
  /** The decoded call alone makes a good summary (`epoll_wait(epfd=5, timeout=∞)`). */
  readonly callSaysIt?: boolean;
}

/** One step less sure: what a symbol outside its known kernels costs a reading. */
const LOWER: Readonly<Record<WaitClassification['confidence'], WaitClassification['confidence']>> = { certain: 'likely', likely: 'guess', guess: 'guess' };

/**
 * The catalog entry of the function a verdict names, when the running kernel is outside the
 * versions the catalog knows it from: the symbol moved (a rename, an inlining), so the row is
 * less sure to be the wait.
 */
function outsideKnownKernels(seen: Observation, verdict: Verdict): WaitClassification['outsideKnownKernels'] {
  const kernel = seen.input.kernel;
  const fn = verdict.function;
  if (!kernel || fn === null) return null;
  const entry = verdict.site ? siteSymbol(verdict.site, fn) : findKernelSymbol(fn);
  if (!entry || symbolKnownOn(entry, kernel)) return null;
  return {
    symbol: fn,
    kernel: formatKernelVersion(kernel),
    since: entry.since ? formatKernelVersion(entry.since) : null,
    until: entry.until ? formatKernelVersion(entry.until) : null,
  };
}

function rangeWords(r: NonNullable<WaitClassification['outsideKnownKernels']>): string {
  if (r.since && r.until) return `from ${r.since} to ${r.until}`;
  if (r.since) return `from ${r.since} on`;
  return r.until ? `up to ${r.until}` : 'on other kernels';
}

function finish(seen: Observation, chosen: Verdict): WaitClassification {
  const decoded = seen.call ? decodeCall(seen.call) : null;
  const outside = outsideKnownKernels(seen, chosen);
  const verdict: Verdict = outside
    ? {
        ...chosen,
        confidence: LOWER[chosen.confidence],
        basis: [...chosen.basis, `kernel ${outside.kernel}: ${outside.symbol} is known ${rangeWords(outside)}`],
        explanation: {
          ...chosen.explanation,
          waitsFor: `${chosen.explanation.waitsFor} On this kernel (${outside.kernel}) the wait shows as ${outside.symbol}, which the catalog knows only ${rangeWords(outside)}: the reading is less sure.`,
        },
      }
    : chosen;
  return {
    kind: verdict.kind,
    site: verdict.site?.id ?? null,
    function: verdict.function,
    sourceFile: verdict.sourceFile,
    syscall: seen.call ? { nr: seen.call.nr, name: seen.call.name } : null,
    argument: decoded?.argument ?? null,
    futexCommand: seen.call && verdict.kind === 'futex' ? futexCommand(seen.call) : null,
    explanation: verdict.explanation,
    summary: summarize(verdict, decoded?.text ?? null),
    confidence: verdict.confidence,
    basis: verdict.basis,
    missing: seen.gaps.map((g) => gapWords(g, seen.input)),
    gaps: seen.gaps,
    outsideKnownKernels: outside,
  };
}

function summarize(verdict: Verdict, callText: string | null): string {
  if (callText === null) return verdict.label;
  return verdict.callSaysIt ? callText : `${verdict.label}: ${callText}`;
}

/** A verdict from a catalog row, where `symbol` is what was seen (or null: the row's first symbol stands in). */
function siteVerdict(
  seen: Observation,
  site: WaitSite,
  symbol: string | null,
  confidence: Verdict['confidence'],
  basis: readonly string[],
  note?: string,
): Verdict {
  const entry = symbol !== null ? siteSymbol(site, symbol) : site.symbols[0];
  const label = withNote(site.label, note ?? entry?.note);
  return {
    kind: site.kind,
    site,
    function: entry?.name ?? symbol,
    sourceFile: entry?.file ?? null,
    explanation: site.explanation,
    confidence,
    basis,
    label: symbol === null || seen.call ? label : `${label} (${symbol})`,
    callSaysIt: site.syscallSaysIt === true,
  };
}

function withNote(label: string, note: string | undefined): string {
  return note ? `${label} (${note})` : label;
}

function requireSite(id: string): WaitSite {
  const site = siteById(id);
  if (!site) throw new Error(`wait-sites catalog has no row ${id}`);
  return site;
}

function topBasis(seen: Observation): string[] {
  return seen.topSource ? [seen.topSource] : [];
}

// ---------------------------------------------------------------------------------------
// 1. The state letter alone

function classifyByState(seen: Observation): WaitClassification | null {
  switch (seen.state) {
    case 'Z':
      return finish(seen, siteVerdict(seen, requireSite('zombie'), null, 'certain', ['state']));
    case 'X':
      return finish(seen, { ...siteVerdict(seen, requireSite('zombie'), null, 'certain', ['state']), label: 'dead (being reaped)' });
    case 'R':
      return finish(seen, runningVerdict());
    case 'T':
      return finish(seen, stopVerdict(seen, seen.top === 'ptrace_stop' ? 'ptrace-stop' : 'signal-stop'));
    case 't':
      return finish(seen, stopVerdict(seen, 'ptrace-stop'));
    case 'I':
    case 'P':
      return finish(seen, idleVerdict(seen));
    default:
      return null;
  }
}

function runningVerdict(): Verdict {
  const site = requireSite('running');
  // Nothing to point at: a running thread is not waiting in any kernel function.
  return {
    kind: 'running',
    site,
    function: null,
    sourceFile: null,
    explanation: site.explanation,
    confidence: 'certain',
    basis: ['state'],
    label: 'running',
  };
}

function stopVerdict(seen: Observation, id: 'signal-stop' | 'ptrace-stop'): Verdict {
  const site = requireSite(id);
  const seenSymbol = seen.top !== null && siteSymbol(site, seen.top) ? seen.top : null;
  return siteVerdict(seen, site, seenSymbol, 'certain', seenSymbol ? ['state', ...topBasis(seen)] : ['state']);
}

function idleVerdict(seen: Observation): Verdict {
  const site = seen.top !== null ? sitesForSymbol(seen.top).find((row) => row.kind === 'idle') : undefined;
  if (site) return siteVerdict(seen, site, seen.top, 'certain', ['state', ...topBasis(seen)]);
  const generic = requireSite('kthread-idle-other');
  return {
    kind: 'idle',
    site: null,
    function: seen.top,
    sourceFile: seen.top !== null ? findKernelSymbol(seen.top)?.file ?? null : null,
    explanation: generic.explanation,
    confidence: seen.state === 'I' || seen.state === 'P' ? 'certain' : 'likely',
    basis: ['state', ...topBasis(seen)],
    label: seen.top !== null ? `idle (${seen.top})` : 'idle',
  };
}

// ---------------------------------------------------------------------------------------
// 2. Kernel threads and io_uring helpers: their syscall file is meaningless

function classifyHelperThread(seen: Observation): WaitClassification | null {
  if (!seen.syscallIgnored) return null;
  const idleSite = seen.top !== null ? sitesForSymbol(seen.top).find((row) => row.kind === 'idle') : undefined;
  // A kernel thread asleep in S is waiting for work whatever the symbol; only D needs a closer look.
  if (idleSite || seen.state === 'S') return finish(seen, idleVerdict(seen));
  return null;
}

// ---------------------------------------------------------------------------------------
// 3. The top kernel frame

function classifyByTopSymbol(seen: Observation): WaitClassification | null {
  if (seen.top === null) return null;
  const candidates = sitesForSymbol(seen.top).filter((site) => !contradictedWeakMatch(seen, site));
  if (candidates.length === 0) return finish(seen, uncataloguedVerdict(seen, seen.top));
  return finish(seen, lockIfOutOfState(seen, resolveCandidates(seen, seen.top, candidates)));
}

/** A weak symbol (`kernel_clone`) does not mean this row when the thread is in another syscall. */
function contradictedWeakMatch(seen: Observation, site: WaitSite): boolean {
  const entry = seen.top !== null ? siteSymbol(site, seen.top) : undefined;
  return entry?.weak === true && seen.call !== null && site.syscalls.length > 0 && !site.syscalls.includes(seen.call.name);
}

function resolveCandidates(seen: Observation, top: string, candidates: readonly WaitSite[]): Verdict {
  const [only] = candidates;
  if (only && candidates.length === 1) return singleSiteVerdict(seen, top, only);
  return (
    resolveByCaller(seen, top, candidates) ??
    resolveBySyscall(seen, top, candidates) ??
    resolveByFdTarget(seen, top, candidates) ??
    unresolvedSharedVerdict(seen, top, candidates)
  );
}

function singleSiteVerdict(seen: Observation, top: string, site: WaitSite): Verdict {
  const weak = siteSymbol(site, top)?.weak === true;
  const confirmedBySyscall = weak && seen.call !== null && site.syscalls.includes(seen.call.name);
  const confidence = !weak || confirmedBySyscall ? 'certain' : 'likely';
  const basis = [...topBasis(seen), ...(confirmedBySyscall ? ['syscall'] : [])];
  return siteVerdict(seen, site, top, confidence, basis, firstCallerBelowTop(seen, [site])?.pattern.note);
}

interface CallerHit {
  readonly site: WaitSite;
  readonly pattern: { readonly name: string; readonly note?: string };
  readonly frame: string;
  /** 0-based index in `frames`. */
  readonly index: number;
}

/** The first frame under the top one that some candidate lists as a caller: the nearest caller is the most specific. */
function firstCallerBelowTop(seen: Observation, candidates: readonly WaitSite[]): CallerHit | null {
  for (let index = 1; index < seen.frames.length; index++) {
    const frame = seen.frames[index]!;
    for (const site of candidates) {
      const pattern = matchingCaller(site, frame);
      if (pattern) return { site, pattern, frame, index };
    }
  }
  return null;
}

function resolveByCaller(seen: Observation, top: string, candidates: readonly WaitSite[]): Verdict | null {
  const hit = firstCallerBelowTop(seen, candidates);
  if (!hit) return null;
  const basis = ['stack', `stack: ${hit.frame} (frame ${hit.index + 1})`];
  return siteVerdict(seen, hit.site, top, 'certain', basis, hit.pattern.note);
}

function resolveBySyscall(seen: Observation, top: string, candidates: readonly WaitSite[]): Verdict | null {
  const call = seen.call;
  if (!call) return null;
  const matching = candidates.filter((site) => site.syscalls.includes(call.name) && futexCommandFits(site, call));
  const [only] = matching;
  if (!only || matching.length > 1) return null;
  return siteVerdict(seen, only, top, 'likely', [...topBasis(seen), 'syscall']);
}

/** The wait kind an fd's type implies for a read-like wait on it (WAIT_KIND_INFO's fdTypes). */
function kindOfFd(target: NonNullable<ClassifyInput['fdTarget']>): WaitKind | null {
  return kindOfFdType(target.type === 'anon_inode' ? `anon_inode:${target.anonKind ?? ''}` : target.type);
}

/** Without a stack, what the syscall's fd points to picks among rows sharing the symbol (socket vs tty vs inotify). */
function resolveByFdTarget(seen: Observation, top: string, candidates: readonly WaitSite[]): Verdict | null {
  const target = seen.input.fdTarget;
  const call = seen.call;
  if (!target || !call) return null;
  const kind = kindOfFd(target);
  if (kind === null) return null;
  const matching = candidates.filter((site) => site.kind === kind && site.syscalls.includes(call.name));
  const basis = [...topBasis(seen), 'syscall', `fd: ${target.target}`];
  const [only] = matching;
  if (only && matching.length === 1) return siteVerdict(seen, only, top, 'likely', basis);
  if (matching.length === 0) return null;
  return { ...unresolvedSharedVerdict(seen, top, matching), kind, confidence: 'likely', basis };
}

function unresolvedSharedVerdict(seen: Observation, top: string, candidates: readonly WaitSite[]): Verdict {
  const shared = SHARED_SYMBOLS[top];
  const call = seen.call;
  // Rows that list the thread's syscall are the plausible ones, even when more than one is.
  const plausible = call ? candidates.filter((site) => site.syscalls.includes(call.name)) : [];
  const shown = plausible.length > 0 ? plausible : candidates;
  const kinds = new Set(shown.map((site) => site.kind));
  const [onlyKind] = kinds;
  const kind = kinds.size === 1 && onlyKind ? onlyKind : shared?.kind ?? 'other';
  return {
    kind,
    site: null,
    function: top,
    sourceFile: findKernelSymbol(top)?.file ?? null,
    explanation: shared?.explanation ?? kindExplanation(kind),
    confidence: kinds.size === 1 ? 'likely' : 'guess',
    basis: plausible.length > 0 ? [...topBasis(seen), 'syscall'] : topBasis(seen),
    label: `${top} (${[...new Set(shown.map((site) => site.label))].join(' / ')})`,
  };
}

/**
 * A row that only ever sleeps interruptibly (S) seen in D means the thread is not at that
 * wait but blocked on a lock the same function takes first (the pipe mutex in pipe_read).
 */
function lockIfOutOfState(seen: Observation, verdict: Verdict): Verdict {
  if (seen.state !== 'D' || !verdict.site || verdict.site.states !== 'S') return verdict;
  const mutex = requireSite('mutex-wait');
  return {
    ...verdict,
    kind: 'kernel-lock',
    site: mutex,
    explanation: mutex.explanation,
    confidence: 'likely',
    basis: ['state', ...verdict.basis],
    label: `kernel lock (taken in ${verdict.function ?? verdict.site.label})`,
    callSaysIt: false,
  };
}

// ---------------------------------------------------------------------------------------
// 3b. A top frame the catalog does not know

function uncataloguedVerdict(seen: Observation, top: string): Verdict {
  if (seen.state !== 'D') return otherVerdict(seen, top);
  return (
    deeperFrameVerdict(seen, top) ??
    syscallEntryLockVerdict(seen, top) ??
    // Without a stack an unknown symbol says little; the syscall may still name the kind (read in D: disk I/O).
    (seen.frames.length === 0 ? syscallOnlyVerdict(seen, top) : null) ??
    uninterruptibleVerdict(seen, top)
  );
}

function otherVerdict(seen: Observation, top: string): Verdict {
  return {
    kind: 'other',
    site: null,
    function: top,
    sourceFile: null,
    explanation: {
      waitsFor: `Something the catalog does not know: the kernel function ${top} put it to sleep.`,
      wakesWhen: 'Unknown: look up the function in the kernel source for what wakes it.',
      cost: 'A sleeping thread (S) uses no CPU and does not count in the load average.',
    },
    confidence: 'guess',
    basis: topBasis(seen),
    label: `sleeping in ${top}`,
  };
}

/**
 * D with an unknown top: reclaim anywhere on the stack decides first (it is why the I/O
 * happens), then block I/O. Without a stack only the top symbol (wchan) can be checked.
 */
function deeperFrameVerdict(seen: Observation, top: string): Verdict | null {
  const frames = seen.frames.length > 0 ? seen.frames : [top];
  const reclaim = requireSite('memory-reclaim');
  const reclaimIndex = frames.findIndex((frame) => isReclaimFrame(reclaim, frame));
  if (reclaimIndex >= 0) return frameVerdict(seen, top, 'reclaim', reclaim, frames, reclaimIndex);
  const ioIndex = frames.findIndex(isIoFrame);
  if (ioIndex >= 0) return frameVerdict(seen, top, 'disk-io', diskSiteOfFrame(frames[ioIndex]!), frames, ioIndex);
  return null;
}

function frameVerdict(
  seen: Observation,
  top: string,
  kind: WaitKind,
  site: WaitSite | null,
  frames: readonly string[],
  index: number,
): Verdict {
  const frame = frames[index]!;
  const deeper = index > 0;
  return {
    kind,
    site,
    function: top,
    sourceFile: null,
    explanation: site?.explanation ?? kindExplanation(kind),
    confidence: 'likely',
    basis: deeper ? ['state', 'stack', `stack: ${frame} (frame ${index + 1})`] : ['state', ...topBasis(seen)],
    label: `${site?.label ?? kind} (${deeper ? `${top} via ${frame}` : top})`,
  };
}

const DISK_SITES: readonly WaitSite[] = WAIT_SITES.filter((site) => site.kind === 'disk-io');

function isReclaimFrame(reclaim: WaitSite, frame: string): boolean {
  // The shared page-wait helpers are not evidence of reclaim on their own.
  return matchingCaller(reclaim, frame) !== undefined || (siteSymbol(reclaim, frame) !== undefined && !(frame in SHARED_SYMBOLS));
}

function isIoFrame(frame: string): boolean {
  return diskSiteOfFrame(frame) !== null || IO_FRAME_PREFIXES.some((prefix) => frame.startsWith(prefix));
}

function diskSiteOfFrame(frame: string): WaitSite | null {
  const owners = DISK_SITES.filter((site) => siteSymbol(site, frame) || matchingCaller(site, frame));
  return owners.length === 1 ? owners[0]! : null;
}

/** Syscall entry functions contain no wait of their own: in D they sleep on a lock their body took (rwsem/mutex slow paths are hidden). */
const SYSCALL_ENTRY = /^(__x64_sys_|__ia32_sys_|__arm64_sys_|__do_sys_|__se_sys_|SyS_|sys_|ksys_)/;

function syscallEntryLockVerdict(seen: Observation, top: string): Verdict | null {
  if (!SYSCALL_ENTRY.test(top)) return null;
  return {
    kind: 'kernel-lock',
    site: null,
    function: top,
    sourceFile: null,
    explanation: kindExplanation('kernel-lock'),
    confidence: 'likely',
    basis: ['state', ...topBasis(seen)],
    label: `kernel lock (taken in ${top})`,
  };
}

function uninterruptibleVerdict(seen: Observation, top: string | null): Verdict {
  return {
    kind: 'uninterruptible',
    site: null,
    function: top,
    sourceFile: top !== null ? findKernelSymbol(top)?.file ?? null : null,
    explanation: kindExplanation('uninterruptible'),
    confidence: top !== null ? 'likely' : 'guess',
    basis: ['state', ...topBasis(seen)],
    label: top !== null ? `uninterruptible in ${top}` : 'uninterruptible',
  };
}

// ---------------------------------------------------------------------------------------
// 4. No kernel symbol at all

function classifyWithoutSymbol(seen: Observation): WaitClassification {
  const syscall = seen.input.syscall;
  if (seen.syscallIgnored || !syscall.ok) return finish(seen, hiddenVerdict(seen));
  if (seen.call) return finish(seen, syscallOnlyVerdict(seen, null) ?? ambiguousSyscallVerdict(seen, seen.call));
  return finish(seen, outsideSyscallVerdict(seen, syscall.value.kind === 'running'));
}

/** Asleep with no symbol and no syscall: `-1 sp pc` (a page fault, a stop from user mode), or a wake-up race. */
function outsideSyscallVerdict(seen: Observation, syscallSaysRunning: boolean): Verdict {
  const where = syscallSaysRunning
    ? 'as it woke up (its syscall file already says running)'
    : 'outside a syscall (in a page fault, or paused from user mode)';
  const kind = seen.state === 'D' ? 'uninterruptible' : 'other';
  return {
    kind,
    site: null,
    function: null,
    sourceFile: null,
    explanation: { ...kindExplanation(kind), waitsFor: `Unknown: it sleeps ${where} and no wait channel is visible.` },
    confidence: 'guess',
    basis: ['state', 'syscall'],
    label: `sleeping ${where}`,
  };
}

/**
 * Nothing names the wait. wchan `0` for a sleeping task plus a denied syscall file is what
 * another user's task looks like: say so, never call it running.
 */
function hiddenVerdict(seen: Observation): Verdict {
  const otherUser = seen.input.wchan.ok && !seen.input.syscall.ok && seen.input.syscall.error.kind === 'denied';
  const whose = seen.input.isKernelThread ? 'a kernel thread (owned by root)' : 'another user’s task';
  const waitsFor = otherUser
    ? `Cannot be seen: this is ${whose}, so the kernel hides its wait channel (wchan reads 0) and denies its syscall and stack files. Run as root, or as that user, to see it.`
    : `Cannot be seen: ${seen.gaps.map((g) => gapWords(g, seen.input)).join('; ') || 'no wait channel, stack or syscall was available'}.`;
  return {
    kind: 'unknown',
    site: null,
    function: null,
    sourceFile: null,
    explanation: {
      waitsFor,
      wakesWhen: 'Unknown.',
      cost: seen.state === 'D' ? 'In D it counts in the load average; no CPU is used while it sleeps.' : 'A sleeping thread uses no CPU.',
    },
    confidence: 'guess',
    basis: ['state'],
    label: otherUser ? `hidden (${whose})` : 'hidden',
  };
}

/** Which rows a thread sleeping in this syscall, in this state, can be at. */
function syscallCandidates(seen: Observation, call: SyscallCall): WaitSite[] {
  return sitesForSyscall(call.name).filter((site) => site.states.includes(seen.state) && futexCommandFits(site, call));
}

/** From the syscall alone: one row, or several rows of one kind, give a `likely` answer. */
function syscallOnlyVerdict(seen: Observation, top: string | null): Verdict | null {
  const call = seen.call;
  if (!call) return null;
  const candidates = syscallCandidates(seen, call);
  const kinds = new Set(candidates.map((site) => site.kind));
  const [kind] = kinds;
  if (!kind || kinds.size > 1) return null;
  const [only] = candidates;
  const site = only && candidates.length === 1 ? only : null;
  const basis = top !== null ? ['state', ...topBasis(seen), 'syscall'] : ['state', 'syscall'];
  return {
    kind,
    site,
    function: top,
    sourceFile: top === null && site ? commonSourceFile(site) : null,
    explanation: site?.explanation ?? kindExplanation(kind),
    confidence: 'likely',
    basis,
    label: site?.label ?? kind,
    callSaysIt: site?.syscallSaysIt === true,
  };
}

/** When every symbol of a row lives in one file, the file is known even if the symbol is not. */
function commonSourceFile(site: WaitSite): string | null {
  const files = new Set(site.symbols.map((s) => s.file));
  const [file] = files;
  return files.size === 1 && file ? file : null;
}

function ambiguousSyscallVerdict(seen: Observation, call: SyscallCall): Verdict {
  const kinds = [...new Set(syscallCandidates(seen, call).map((site) => site.kind))];
  const fd = intArgOf(call.name, call.args, 'fd');
  const which = kinds.length > 0 ? `It may be a ${kinds.join(', ')} wait.` : 'The catalog has no wait for this syscall.';
  const lookAt =
    fd !== null ? ` The type of fd ${fd} (ls -l /proc/PID/fd/${fd}) or the kernel stack (root) says which.` : ' The kernel stack (root) says which.';
  return {
    kind: seen.state === 'D' ? 'uninterruptible' : 'other',
    site: null,
    function: null,
    sourceFile: null,
    explanation: {
      waitsFor: `Sleeping in ${call.name}() without a visible wait channel. ${which}${lookAt}`,
      wakesWhen: 'Unknown.',
      cost: kindExplanation(seen.state === 'D' ? 'uninterruptible' : 'other').cost,
    },
    confidence: 'guess',
    basis: ['state', 'syscall'],
    label: 'sleeping',
  };
}

// ---------------------------------------------------------------------------------------
// Futex operations

const FUTEX_COMMANDS: Readonly<Record<number, string>> = {
  0: 'WAIT',
  1: 'WAKE',
  2: 'FD',
  3: 'REQUEUE',
  4: 'CMP_REQUEUE',
  5: 'WAKE_OP',
  6: 'LOCK_PI',
  7: 'UNLOCK_PI',
  8: 'TRYLOCK_PI',
  9: 'WAIT_BITSET',
  10: 'WAKE_BITSET',
  11: 'WAIT_REQUEUE_PI',
  12: 'CMP_REQUEUE_PI',
  13: 'LOCK_PI2',
};
const FUTEX_PRIVATE_FLAG = 0x80;
const FUTEX_CLOCK_REALTIME = 0x100;
const FUTEX_CMD_MASK = 0x7f;

/** futex(2)'s op argument; futex_wait(2) (455) always waits. */
function futexCommand(call: SyscallCall): number | null {
  if (call.name === 'futex') return Number(BigInt.asUintN(32, call.args[1] ?? 0n)) & FUTEX_CMD_MASK;
  return call.name === 'futex_wait' ? 0 : null;
}

function futexCommandFits(site: WaitSite, call: SyscallCall): boolean {
  const command = futexCommand(call);
  return !site.futexCommands || command === null || site.futexCommands.includes(command);
}

function futexOpName(op: number, withClock: boolean): string {
  const command = op & FUTEX_CMD_MASK;
  const name = `FUTEX_${FUTEX_COMMANDS[command] ?? `OP_${command}`}${op & FUTEX_PRIVATE_FLAG ? '_PRIVATE' : ''}`;
  return withClock && op & FUTEX_CLOCK_REALTIME ? `${name}|FUTEX_CLOCK_REALTIME` : name;
}

function futexVerb(command: number): string {
  if (command === 0 || command === 9) return 'futex wait';
  if (command === 11) return 'futex wait-requeue-pi';
  if (command === 6 || command === 13) return 'futex lock-pi';
  return 'futex';
}

// ---------------------------------------------------------------------------------------
// Decoding the syscall argument that matters

interface DecodedCall {
  readonly text: string;
  readonly argument: WaitArgument | null;
}

type Decoder = (call: SyscallCall) => DecodedCall;

/** The argument of `role` (SYSCALL_SIGNATURES); 0 when the call has none. */
function arg(call: SyscallCall, role: ArgRole): bigint {
  const index = argIndex(call.name, role);
  return index === null ? 0n : call.args[index] ?? 0n;
}

function hex(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

function argument(name: string, value: string, raw: string | number): WaitArgument {
  return { name, value, raw: String(raw) };
}

/** A duration in milliseconds, compact: `250 ms`, `1.5 s`, `5 min`, `11.6 d`. */
export function formatMilliseconds(ms: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${ms} ms`;
}

/** A timeout for the summary (`short`) and for the argument (`detail`). */
interface Timeout {
  readonly short: string;
  readonly detail: string;
}

/** An `int` timeout in milliseconds where negative means forever (poll, epoll_wait). */
function msTimeout(value: bigint): Timeout {
  const ms = intArg(value);
  const text = ms < 0 ? '∞' : ms === 0 ? '0 (no wait)' : formatMilliseconds(ms);
  return { short: text, detail: text };
}

/** A pointer to a timespec/timeval: NULL means forever; otherwise the value is in user memory, which we do not read. */
function pointerTimeout(value: bigint): Timeout {
  if (value === 0n) return { short: '∞', detail: '∞' };
  return { short: 'finite', detail: `finite, at ${hex(value)} in user memory (not read)` };
}

function describePid(pid: number): string | null {
  if (pid === -1) return 'any child';
  if (pid === 0) return 'any child in its process group';
  return pid < -1 ? `any child in process group ${-pid}` : null;
}

const decodeWait4: Decoder = (call) => {
  const pid = intArg(arg(call, 'pid'));
  const meaning = describePid(pid);
  return {
    text: `waitpid(pid=${pid}${meaning ? ` ${meaning}` : ''})`,
    argument: argument('pid', meaning ? `${pid} (${meaning})` : String(pid), pid),
  };
};

const WAITID_TYPES: Readonly<Record<number, string>> = { 0: 'P_ALL', 1: 'P_PID', 2: 'P_PGID', 3: 'P_PIDFD' };

const decodeWaitid: Decoder = (call) => {
  const idtype = intArg(arg(call, 'idtype'));
  const id = intArg(arg(call, 'id'));
  const type = WAITID_TYPES[idtype] ?? `idtype ${idtype}`;
  const value =
    idtype === 0
      ? 'P_ALL (any child)'
      : idtype === 2
        ? `P_PGID ${id} (${id === 0 ? 'any child in its process group' : `any child in process group ${id}`})`
        : `${type} ${id}`;
  return { text: `waitid(${value})`, argument: argument('idtype/id', value, id) };
};

const decodeFutex: Decoder = (call) => {
  const address = hex(arg(call, 'futex-word'));
  const op = intArg(arg(call, 'futex-op'));
  return {
    text: `${futexVerb(op & FUTEX_CMD_MASK)} ${address} (${futexOpName(op, false)})`,
    argument: argument('futex address', `${address} (${futexOpName(op, true)})`, address),
  };
};

const FUTEX2_SIZES = ['FUTEX2_SIZE_U8', 'FUTEX2_SIZE_U16', 'FUTEX2_SIZE_U32', 'FUTEX2_SIZE_U64'];
const FUTEX2_NUMA = 0x4;

const decodeFutex2Wait: Decoder = (call) => {
  const address = hex(arg(call, 'futex-word'));
  const flags = intArg(arg(call, 'futex2-flags'));
  const names = [
    FUTEX2_SIZES[flags & 3]!,
    ...(flags & FUTEX2_NUMA ? ['FUTEX2_NUMA'] : []),
    ...(flags & FUTEX_PRIVATE_FLAG ? ['FUTEX2_PRIVATE'] : []),
  ].join('|');
  return { text: `futex wait ${address} (${names})`, argument: argument('futex address', `${address} (${names})`, address) };
};

const decodeFutexWaitv: Decoder = (call) => {
  const count = intArg(arg(call, 'futex-count'));
  return { text: `futex_waitv(${count} futexes)`, argument: argument('futexes', `${count} at ${hex(arg(call, 'futex-vector'))}`, count) };
};

/** epoll_wait(epfd, …, timeout), poll(fds, nfds, timeout), select(nfds, …, timeout): one number and a timeout. */
function readinessDecoder(label: 'epfd' | 'nfds'): Decoder {
  return (call) => {
    const value = intArg(arg(call, label === 'epfd' ? 'epoll-fd' : 'nfds'));
    const timeout = argIndex(call.name, 'timeout-ms') !== null ? msTimeout(arg(call, 'timeout-ms')) : pointerTimeout(arg(call, 'timeout-ptr'));
    return {
      text: `${call.name}(${label}=${value}, timeout=${timeout.short})`,
      argument: argument(label === 'epfd' ? 'epoll fd' : 'nfds', `${value} (timeout ${timeout.detail})`, value),
    };
  };
}

const CLOCKS: Readonly<Record<number, string>> = {
  0: 'CLOCK_REALTIME',
  1: 'CLOCK_MONOTONIC',
  2: 'CLOCK_PROCESS_CPUTIME_ID',
  3: 'CLOCK_THREAD_CPUTIME_ID',
  4: 'CLOCK_MONOTONIC_RAW',
  5: 'CLOCK_REALTIME_COARSE',
  6: 'CLOCK_MONOTONIC_COARSE',
  7: 'CLOCK_BOOTTIME',
  8: 'CLOCK_REALTIME_ALARM',
  9: 'CLOCK_BOOTTIME_ALARM',
  11: 'CLOCK_TAI',
};
const TIMER_ABSTIME = 1;

function sleepArgument(clock: string, clockId: number, absolute: boolean): WaitArgument {
  const how = absolute
    ? 'TIMER_ABSTIME (the wake-up time is in user memory, which is not read)'
    : 'relative (the duration is in user memory, which is not read)';
  return argument('clock', `${clock}, ${how}`, clockId);
}

const decodeNanosleep: Decoder = () => ({
  // nanosleep(2) always measures against CLOCK_MONOTONIC.
  text: 'nanosleep(CLOCK_MONOTONIC, relative)',
  argument: sleepArgument('CLOCK_MONOTONIC', 1, false),
});

const decodeClockNanosleep: Decoder = (call) => {
  const clockId = intArg(arg(call, 'clock'));
  const clock = CLOCKS[clockId] ?? (clockId < 0 ? `CPU clock ${clockId}` : `clock ${clockId}`);
  const absolute = (intArg(arg(call, 'clock-flags')) & TIMER_ABSTIME) !== 0;
  return {
    text: `clock_nanosleep(${clock}, ${absolute ? 'TIMER_ABSTIME' : 'relative'})`,
    argument: sleepArgument(clock, clockId, absolute),
  };
};

const decodeIoUringEnter: Decoder = (call) => {
  const fd = intArg(arg(call, 'fd'));
  const minComplete = Number(BigInt.asUintN(32, arg(call, 'min-complete')));
  return {
    text: `io_uring_enter(fd=${fd}, min_complete=${minComplete})`,
    argument: argument('fd', `${fd} (min_complete ${minComplete})`, fd),
  };
};

/** A call named by one argument (an fd or an id), with an optional detail from another. */
function firstArgDecoder(argName: string, role: ArgRole, detail?: (call: SyscallCall) => string): Decoder {
  return (call) => {
    const value = intArg(arg(call, role));
    const extra = detail?.(call);
    return {
      text: `${call.name}(${argName}=${value}${extra ? `, ${extra}` : ''})`,
      argument: argument(argName, extra ? `${value} (${extra})` : String(value), value),
    };
  };
}

const FCNTL_COMMANDS: Readonly<Record<number, string>> = {
  5: 'F_GETLK',
  6: 'F_SETLK',
  7: 'F_SETLKW',
  36: 'F_OFD_GETLK',
  37: 'F_OFD_SETLK',
  38: 'F_OFD_SETLKW',
};

function fcntlCommand(call: SyscallCall): string {
  const command = intArg(arg(call, 'fcntl-cmd'));
  return FCNTL_COMMANDS[command] ?? `cmd ${command}`;
}

function flockOperation(call: SyscallCall): string {
  const op = intArg(arg(call, 'flock-op'));
  const base = op & 2 ? 'LOCK_EX' : op & 1 ? 'LOCK_SH' : op & 8 ? 'LOCK_UN' : `op ${op}`;
  return op & 4 ? `${base}|LOCK_NB` : base;
}


const decodeFd = firstArgDecoder('fd', 'fd');

const DECODERS: Readonly<Record<string, Decoder>> = {
  wait4: decodeWait4,
  waitid: decodeWaitid,
  epoll_wait: readinessDecoder('epfd'),
  epoll_pwait: readinessDecoder('epfd'),
  epoll_pwait2: readinessDecoder('epfd'),
  futex: decodeFutex,
  futex_wait: decodeFutex2Wait,
  futex_waitv: decodeFutexWaitv,
  poll: readinessDecoder('nfds'),
  ppoll: readinessDecoder('nfds'),
  select: readinessDecoder('nfds'),
  pselect6: readinessDecoder('nfds'),
  nanosleep: decodeNanosleep,
  clock_nanosleep: decodeClockNanosleep,
  io_uring_enter: decodeIoUringEnter,
  fcntl: firstArgDecoder('fd', 'fd', fcntlCommand),
  flock: firstArgDecoder('fd', 'fd', flockOperation),
  msgrcv: firstArgDecoder('msqid', 'msqid'),
  msgsnd: firstArgDecoder('msqid', 'msqid'),
  semop: firstArgDecoder('semid', 'semid'),
  semtimedop: firstArgDecoder('semid', 'semid'),
};

function decodeCall(call: SyscallCall): DecodedCall {
  const decoder = DECODERS[call.name] ?? (argIndex(call.name, 'fd') !== null ? decodeFd : null);
  return decoder ? decoder(call) : { text: `${call.name}()`, argument: null };
}

// ---------------------------------------------------------------------------------------
// Explanations for kinds reached without a catalog row

function kindExplanation(kind: WaitKind): WaitExplanation {
  return WAIT_KIND_INFO[kind].explanation;
}
