import { ParseError } from '../procfs/errors.js';

/** The fields of `/proc/<pid>/status` proctriage uses; every field is kept in `fields`. */
export interface ProcStatus {
  readonly name: string;
  /** e.g. `S (sleeping)`. */
  readonly state: string;
  readonly tgid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly tracerPid: number;
  /** Real, effective, saved, filesystem uid. */
  readonly uids: readonly number[];
  readonly gids: readonly number[];
  readonly threads: number | null;
  readonly vmRssKb: number | null;
  readonly vmSwapKb: number | null;
  readonly vmSizeKb: number | null;
  readonly voluntaryCtxtSwitches: number | null;
  readonly nonvoluntaryCtxtSwitches: number | null;
  readonly fields: Readonly<Record<string, string>>;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^(-?\d+)/.exec(value);
  return m ? Number(m[1]) : null;
}

type Fields = Readonly<Record<string, string>>;

function required(kv: Fields, key: string): number {
  const v = numberOrNull(kv[key]);
  if (v === null) throw new ParseError(`status has no numeric ${key}`);
  return v;
}

function idList(kv: Fields, key: string): number[] {
  const raw = kv[key];
  if (raw === undefined) throw new ParseError(`status has no ${key}`);
  const tokens = raw.split(/\s+/);
  if (tokens.some((t) => !/^\d+$/.test(t))) throw new ParseError(`status ${key} is not a list of ids: ${JSON.stringify(raw.slice(0, 60))}`);
  return tokens.map(Number);
}

/**
 * The `Name:` line holds the comm as `seq_escape_str(…, "\n\\")` prints it: only a newline
 * (`\n`) and a backslash (`\\`) are escaped, spaces and tabs are kept, so it is read from the
 * raw line (after the one tab) rather than trimmed.
 */
function statusName(rawValue: string): string {
  return rawValue.replace(/^\t/, '').replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/**
 * One pass over the lines into a plain object: status is parsed for every thread every
 * sample, so this avoids the generic Map-then-copy of parseKeyValueLines (same rules: a
 * non-empty line without a `key:` is malformed, values are trimmed).
 */
function statusFields(text: string): { fields: Record<string, string>; rawName: string | undefined } {
  // No prototype: a hostile `__proto__:` line must stay a plain key.
  const fields = Object.create(null) as Record<string, string>;
  let rawName: string | undefined;
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end) {
      if (text.slice(start, end).trim() !== '') throw new ParseError(`expected "key: value", got ${JSON.stringify(text.slice(start, Math.min(end, start + 60)))}`, lineNo);
    } else {
      const key = text.slice(start, colon).trim();
      if (key === '') throw new ParseError(`expected "key: value", got ${JSON.stringify(text.slice(start, Math.min(end, start + 60)))}`, lineNo);
      const value = text.slice(colon + 1, end);
      if (key === 'Name' && rawName === undefined) rawName = value;
      fields[key] = value.trim();
    }
    start = end + 1;
  }
  return { fields, rawName };
}

export function parseStatus(text: string): ProcStatus {
  const { fields: kv, rawName } = statusFields(text);
  if (rawName === undefined) throw new ParseError('status has no Name');
  const name = statusName(rawName);
  return {
    name,
    state: kv['State'] ?? '',
    tgid: required(kv, 'Tgid'),
    pid: required(kv, 'Pid'),
    ppid: required(kv, 'PPid'),
    tracerPid: numberOrNull(kv['TracerPid']) ?? 0,
    uids: idList(kv, 'Uid'),
    gids: idList(kv, 'Gid'),
    threads: numberOrNull(kv['Threads']),
    vmRssKb: numberOrNull(kv['VmRSS']),
    vmSwapKb: numberOrNull(kv['VmSwap']),
    vmSizeKb: numberOrNull(kv['VmSize']),
    voluntaryCtxtSwitches: numberOrNull(kv['voluntary_ctxt_switches']),
    nonvoluntaryCtxtSwitches: numberOrNull(kv['nonvoluntary_ctxt_switches']),
    fields: kv,
  };
}
