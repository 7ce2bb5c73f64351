import { ParseError } from '../procfs/errors.js';
import { stripSymbolSuffix } from './wchan.js';

export interface StackFrame {
  /** As printed, e.g. `do_sigtimedwait.isra.0`. */
  readonly symbol: string;
  /** Without clone suffixes, e.g. `do_sigtimedwait`. */
  readonly base: string;
  readonly offset: number | null;
  readonly size: number | null;
}

const FRAME = /^\[<([0-9a-fA-F]+)>\]\s+(?:(\S+?)\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)(?:\s+\[[^\]]+\])?|(\S+))\s*$/;

const END_MARKER = '0xffffffffffffffff';

/**
 * `/proc/<pid>/task/<tid>/stack`: one frame per line, top first. 4.15+ prints `[<0>] sym+0xoff/0xsize`;
 * older kernels print the address (`[<ffffffff810a1b2c>]`). Module symbols carry ` [module]`.
 * An empty file (running task, zombie) is an empty stack.
 */
export function parseStack(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = FRAME.exec(line);
    if (!m) throw new ParseError(`not a stack frame: ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    const symbol = m[2] ?? m[5]!;
    // Kernels before ~5.0 end the trace with a ULONG_MAX marker: not a frame.
    if (symbol === END_MARKER) continue;
    frames.push({
      symbol,
      base: stripSymbolSuffix(symbol),
      offset: m[3] !== undefined ? parseInt(m[3], 16) : null,
      size: m[4] !== undefined ? parseInt(m[4], 16) : null,
    });
  }
  return frames;
}
