import { ParseError } from '../procfs/errors.js';
import { parseKeyValueLines } from './keyvalue.js';

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

function required(kv: Map<string, string>, key: string): number {
  const v = numberOrNull(kv.get(key));
  if (v === null) throw new ParseError(`status has no numeric ${key}`);
  return v;
}

function idList(kv: Map<string, string>, key: string): number[] {
  const raw = kv.get(key);
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
function statusName(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith('Name:'));
  if (line === undefined) return undefined;
  const raw = line.slice('Name:'.length).replace(/^\t/, '');
  return raw.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

export function parseStatus(text: string): ProcStatus {
  const kv = parseKeyValueLines(text);
  const name = statusName(text);
  if (name === undefined) throw new ParseError('status has no Name');
  return {
    name,
    state: kv.get('State') ?? '',
    tgid: required(kv, 'Tgid'),
    pid: required(kv, 'Pid'),
    ppid: required(kv, 'PPid'),
    tracerPid: numberOrNull(kv.get('TracerPid')) ?? 0,
    uids: idList(kv, 'Uid'),
    gids: idList(kv, 'Gid'),
    threads: numberOrNull(kv.get('Threads')),
    vmRssKb: numberOrNull(kv.get('VmRSS')),
    vmSwapKb: numberOrNull(kv.get('VmSwap')),
    vmSizeKb: numberOrNull(kv.get('VmSize')),
    voluntaryCtxtSwitches: numberOrNull(kv.get('voluntary_ctxt_switches')),
    nonvoluntaryCtxtSwitches: numberOrNull(kv.get('nonvoluntary_ctxt_switches')),
    fields: Object.fromEntries(kv),
  };
}
