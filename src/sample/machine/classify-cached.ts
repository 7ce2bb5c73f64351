import { classifyThread, IO_URING_HELPER_COMM } from '../../classify/classify.js';
import { isSettled } from '../../classify/stack-policy.js';
import type { WaitClassification } from '../../kernel/wait-kinds.js';
import type { Arch } from '../../kernel/arch.js';
import type { KernelVersion } from '../../kernel/version.js';
import { syscallName } from '../../kernel/syscalls.js';
import { parseStack } from '../../parsers/stack.js';
import { parseSyscall } from '../../parsers/syscall.js';
import { parseWchan } from '../../parsers/wchan.js';
import { fail, ok, ParseError, type ReadError, type ReadResult } from '../../procfs/errors.js';
import type { TextOrError } from '../../procfs/procfs.js';
import type { MachineWait } from './types.js';

/** What was read of one thread; `stack` is read later, only when `needsStack` says so. */
export interface ThreadTexts {
  readonly state: string;
  readonly comm: string;
  readonly isKernelThread: boolean;
  /** null: not read (the state letter decides without it). */
  readonly wchan: TextOrError | null;
  readonly syscall: TextOrError | null;
  readonly stack: TextOrError | null;
}

export interface CachedWait {
  readonly wait: MachineWait;
  /** The kernel stack could change this answer (D state, or the wait channel does not decide). */
  readonly needsStack: boolean;
}

const NOT_READ: ReadError = { kind: 'unsupported', path: '', message: 'not read in a machine sample' };
const MAX_ENTRIES = 20_000;

/** States the letter alone decides (classify.ts classifyByState): no syscall needed; R needs no wchan either. */
export function needsWchan(state: string): boolean {
  return state !== 'R' && state !== 'Z' && state !== 'X';
}

export function needsSyscall(state: string, isKernelThread: boolean): boolean {
  return !isKernelThread && (state === 'S' || state === 'D');
}

/**
 * `classifyThread` memoised on exactly what it looks at: the state, whether the syscall file
 * is ignored, the wait channel, the syscall number (and the futex command, the one argument
 * that selects a catalog row) and the stack. Thousands of threads share a few dozen keys, so
 * a machine sample classifies each distinct wait once; the classifier itself is not duplicated.
 */
export class WaitCache {
  private readonly entries = new Map<string, CachedWait>();
  /**
   * The common case, a wait channel and nothing more (no syscall, no stack read), by state and
   * flags, then by the wait channel's text: no key string is built for most threads of a sample.
   */
  private readonly byWchan = new Map<string, Map<string, CachedWait>>();

  constructor(
    private readonly arch: Arch,
    private readonly kernel: KernelVersion | null = null,
  ) {}

  classify(texts: ThreadTexts): CachedWait {
    const helper = texts.isKernelThread || (texts.comm.startsWith('iou-') && IO_URING_HELPER_COMM.test(texts.comm));
    const prefix = `${texts.state}${helper ? 1 : 0}${texts.isKernelThread ? 1 : 0}`;
    if (typeof texts.wchan === 'string' && texts.syscall === null && texts.stack === null) {
      let byText = this.byWchan.get(prefix);
      if (byText === undefined) this.byWchan.set(prefix, (byText = new Map()));
      let hit = byText.get(texts.wchan);
      if (hit === undefined) {
        hit = this.compute(texts);
        if (byText.size >= MAX_ENTRIES) byText.clear();
        byText.set(texts.wchan, hit);
      }
      return hit;
    }
    const key = `${prefix}|${textKey(texts.wchan)}|${this.syscallKey(texts.syscall)}|${textKey(texts.stack)}`;
    let hit = this.entries.get(key);
    if (hit === undefined) {
      hit = this.compute(texts);
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, hit);
    }
    return hit;
  }

  /**
   * Whether reading the syscall file can change the kind, function or site: not when the
   * state letter and the wait channel alone already give a certain, specific answer (a
   * single, non-weak catalog symbol). Then the syscall read is skipped — a third of the files.
   */
  syscallMatters(texts: Omit<ThreadTexts, 'syscall' | 'stack'> & { readonly syscall?: null; readonly stack?: null }): boolean {
    if (!needsSyscall(texts.state, texts.isKernelThread)) return false;
    if (typeof texts.wchan !== 'string') return true;
    // The sampler passes texts with neither read yet: classified as they are, no copy.
    const alone = this.classify(texts.syscall === null && texts.stack === null ? (texts as ThreadTexts) : { ...texts, syscall: null, stack: null });
    return alone.needsStack || alone.wait.confidence !== 'certain';
  }

  private syscallKey(text: TextOrError | null): string {
    if (typeof text !== 'string') return textKey(text);
    const space = text.indexOf(' ');
    const nrToken = (space < 0 ? text : text.slice(0, space)).trim();
    const nr = Number(nrToken);
    const name = Number.isInteger(nr) && nr >= 0 ? syscallName(this.arch, nr) : null;
    if (name !== 'futex') return nrToken;
    // The low byte of the op argument holds the futex command (FUTEX_CMD_MASK 0x7f).
    const end = text.indexOf(' ', space + 1);
    const op = text.slice(space + 1, end < 0 ? undefined : end);
    return `${nrToken} ${op.slice(-2)}`;
  }

  private compute(texts: ThreadTexts): CachedWait {
    const c = classifyThread({
      state: texts.state,
      comm: texts.comm,
      isKernelThread: texts.isKernelThread,
      wchan: parsed(texts.wchan, parseWchan),
      stack: parsed(texts.stack, parseStack),
      syscall: parsed(texts.syscall, parseSyscall),
      arch: this.arch,
      kernel: this.kernel,
    });
    const needsStack = texts.stack === null && (texts.state === 'D' || !isSettled(c));
    return { wait: toMachineWait(c), needsStack };
  }
}


function textKey(text: TextOrError | null): string {
  if (text === null) return '-';
  if (typeof text === 'string') return text;
  return `!${text.kind}`;
}

function parsed<T>(text: TextOrError | null, parse: (t: string) => T): ReadResult<T> {
  if (text === null) return fail(NOT_READ);
  if (typeof text !== 'string') return fail(text);
  try {
    return ok(parse(text));
  } catch (err) {
    if (err instanceof ParseError) return fail({ kind: 'malformed', path: '', message: err.message });
    throw err;
  }
}

export function toMachineWait(c: WaitClassification): MachineWait {
  return { kind: c.kind, function: c.function, syscall: c.syscall?.name ?? null, site: c.site, confidence: c.confidence };
}
