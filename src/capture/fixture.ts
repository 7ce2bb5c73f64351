import { lstatSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../procfs/errors.js';
import { createFixtureProcFs, type ProcFs, type RecordedError } from '../procfs/procfs.js';
import { readSmallFile } from './small-file.js';
import { CAPTURE_FORMAT_VERSION, type CaptureMeta, type CaptureSampleMeta, type ErrorsFile } from './format.js';

/** meta.json and errors.json are small; anything bigger is not ours. */
const MAX_META_BYTES = 1024 * 1024;

export interface LoadedCapture {
  readonly dir: string;
  readonly meta: CaptureMeta;
  /** A ProcFs over sample `index`, re-raising that sample's recorded errors. */
  procFs(index: number): ProcFs;
}

/** Exit code 4 (README "Exit codes"): the capture cannot be used. */
const BAD_CAPTURE_EXIT = 4;

/** PID_MAX_LIMIT on 64-bit kernels; 0 is a machine capture's "no process in focus". */
const MAX_PID = 4_194_304;

/** The capture in `dir` cannot be used, and why: one line, exit 4. */
export function bad(dir: string, why: string): UserError {
  return new UserError(`${dir}: not a usable capture: ${why}`, BAD_CAPTURE_EXIT);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a message quotes it: short (a capture may hold megabytes in one field). */
function quoted(value: unknown): string {
  return (typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)).slice(0, 40);
}

/** The latest time a Date can hold (ECMAScript: 8.64e15 ms since 1970). */
const LATEST_DATE_MS = 8.64e15;

function checkSample(dir: string, s: unknown, i: number, before: CaptureSampleMeta | undefined): CaptureSampleMeta {
  if (!isRecord(s) || typeof s.dir !== 'string' || typeof s.tMonoMs !== 'number' || typeof s.tWallMs !== 'number') {
    throw bad(dir, `meta.json samples[${i}] needs dir, tMonoMs and tWallMs`);
  }
  if (!/^\d{4}$/.test(s.dir)) throw bad(dir, `meta.json samples[${i}].dir must be four digits, got ${quoted(s.dir)}`);
  if (!(s.tWallMs >= 0 && s.tWallMs <= LATEST_DATE_MS)) throw bad(dir, `meta.json samples[${i}].tWallMs must be a time in milliseconds since 1970 (0 to 8.64e15), got ${quoted(s.tWallMs)}`);
  if (!(s.tMonoMs >= 0 && s.tMonoMs <= LATEST_DATE_MS)) throw bad(dir, `meta.json samples[${i}].tMonoMs must be milliseconds of a monotonic clock (0 to 8.64e15), got ${quoted(s.tMonoMs)}`);
  // Rates divide by the time between samples: it must be positive.
  if (before && !(s.tMonoMs > before.tMonoMs)) {
    throw bad(dir, `meta.json samples[${i}].tMonoMs (${quoted(s.tMonoMs)}) is not after samples[${i - 1}].tMonoMs (${quoted(before.tMonoMs)}): the samples' times go backwards`);
  }
  return { dir: s.dir, tMonoMs: s.tMonoMs, tWallMs: s.tWallMs, ...(s.light === true ? { light: true } : {}) };
}

/** A whole number in [min, max], or the capture is refused naming the field. */
function wholeNumber(dir: string, raw: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(dir, `meta.json field ${key} must be a whole number from ${min} to ${max}, got ${quoted(v)}`);
  return v;
}

export function validateMeta(dir: string, raw: unknown): CaptureMeta {
  if (!isRecord(raw)) throw bad(dir, 'meta.json is not a JSON object');
  if (raw.format !== 'proctriage-capture') throw bad(dir, 'meta.json is not a proctriage capture (format field)');
  if (typeof raw.formatVersion !== 'number') throw bad(dir, 'meta.json has no formatVersion');
  if (raw.formatVersion > CAPTURE_FORMAT_VERSION) {
    throw bad(dir, `it is format ${raw.formatVersion}, newer than this proctriage understands (${CAPTURE_FORMAT_VERSION}); upgrade proctriage`);
  }
  const need = (key: string, type: 'string' | 'number' | 'boolean') => {
    if (typeof raw[key] !== type) throw bad(dir, `meta.json field ${key} must be a ${type}`);
  };
  need('pid', 'number');
  need('kernelRelease', 'string');
  need('clockTicksPerSecond', 'number');
  // Implausible numbers are refused, never computed with (NaN %, a negative interval, a pid no kernel gives).
  wholeNumber(dir, raw, 'pid', 0, MAX_PID);
  wholeNumber(dir, raw, 'clockTicksPerSecond', 1, 10_000);
  if (raw.cpuCount !== undefined) wholeNumber(dir, raw, 'cpuCount', 1, 65_536);
  if (raw.intervalMs !== undefined && !(typeof raw.intervalMs === 'number' && raw.intervalMs >= 0 && raw.intervalMs <= 3_600_000)) {
    throw bad(dir, `meta.json field intervalMs must be a number of milliseconds from 0 to 3600000, got ${quoted(raw.intervalMs)}`);
  }
  if (raw.arch !== 'x86_64' && raw.arch !== 'aarch64') throw bad(dir, `meta.json arch must be x86_64 or aarch64, got ${quoted(raw.arch)}`);
  if (!Array.isArray(raw.samples) || raw.samples.length === 0) throw bad(dir, 'meta.json lists no samples');
  const samples: CaptureSampleMeta[] = [];
  for (const [i, s] of raw.samples.entries()) samples.push(checkSample(dir, s, i, samples[i - 1]));
  return {
    format: 'proctriage-capture',
    formatVersion: raw.formatVersion,
    toolVersion: typeof raw.toolVersion === 'string' ? raw.toolVersion : 'unknown',
    pid: raw.pid as number,
    comm: typeof raw.comm === 'string' ? raw.comm : '?',
    kernelRelease: raw.kernelRelease as string,
    arch: raw.arch,
    clockTicksPerSecond: raw.clockTicksPerSecond as number,
    cpuCount: typeof raw.cpuCount === 'number' ? raw.cpuCount : 1,
    intervalMs: typeof raw.intervalMs === 'number' ? raw.intervalMs : 0,
    samples,
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '',
    howMade: typeof raw.howMade === 'string' ? raw.howMade : '',
    synthetic: raw.synthetic === true,
    ...(typeof raw.source === 'string' ? { source: raw.source } : {}),
    ...(typeof raw.scenario === 'string' ? { scenario: raw.scenario } : {}),
    fullCmdline: raw.fullCmdline === true,
    ...(raw.scope === 'machine' ? { scope: 'machine' as const } : {}),
    ...(raw.machineCounters === true ? { machineCounters: true } : {}),
    ...(Number.isInteger(raw.triggerSample) && (raw.triggerSample as number) >= 0 && (raw.triggerSample as number) < samples.length
      ? { triggerSample: raw.triggerSample as number }
      : {}),
  };
}

function parseJson(dir: string, name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw bad(dir, `${name} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The text of meta.json or errors.json, without a UTF-8 byte order mark (an editor may add one). */
function readJsonText(dir: string, path: string): string | null {
  try {
    return readSmallFile(path, MAX_META_BYTES)?.replace(/^\uFEFF/, '') ?? null;
  } catch (err) {
    throw bad(dir, err instanceof Error ? err.message : String(err));
  }
}

function loadErrors(dir: string, sampleDir: string): ErrorsFile {
  const text = readJsonText(dir, join(sampleDir, 'errors.json'));
  if (text === null) return {};
  const raw = parseJson(dir, `${sampleDir}/errors.json`, text);
  if (!isRecord(raw)) throw bad(dir, 'errors.json is not a JSON object');
  const out: ErrorsFile = {};
  const kinds = new Set(['vanished', 'denied', 'unsupported', 'malformed', 'io']);
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value) || typeof value.kind !== 'string' || !kinds.has(value.kind)) throw bad(dir, `errors.json entry ${JSON.stringify(key).slice(0, 60)} has no valid kind`);
    out[key] = { kind: value.kind as RecordedError['kind'], message: typeof value.message === 'string' ? value.message : '', ...(typeof value.errno === 'string' ? { errno: value.errno } : {}) };
  }
  return out;
}

/** Open a capture directory: validate meta.json, refuse anything that is not a real directory. */
export function loadCapture(dir: string): LoadedCapture {
  let real: string;
  try {
    if (!lstatSync(dir).isDirectory()) throw bad(dir, 'not a directory');
    real = realpathSync(dir);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw bad(dir, 'no such directory');
  }
  const metaText = readJsonText(dir, join(real, 'meta.json'));
  if (metaText === null) throw bad(dir, 'no meta.json (was it written by `proctriage capture`?)');
  const meta = validateMeta(dir, parseJson(dir, 'meta.json', metaText));
  return {
    dir: real,
    meta,
    procFs(index: number): ProcFs {
      const s = meta.samples[index];
      if (!s) throw bad(dir, `it has no sample ${index}`);
      const sampleDir = join(real, 'samples', s.dir);
      try {
        if (!lstatSync(sampleDir).isDirectory()) throw bad(dir, `samples/${s.dir} is not a directory`);
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw bad(dir, `samples/${s.dir} is missing`);
      }
      return createFixtureProcFs({ sampleDir, recordedErrors: loadErrors(dir, sampleDir) });
    },
  };
}
