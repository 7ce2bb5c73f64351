import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStat } from '../parsers/stat.js';
import { errnoOf } from '../procfs/errors.js';
import { createProcFs, type ProcFs } from '../procfs/procfs.js';
import { parseResult } from '../readers/parsed.js';
import { readSmallFile } from './small-file.js';

/**
 * Captures are written into a hidden partial directory beside their final place and renamed
 * when complete. A writer killed outright (SIGKILL, OOM) leaves its partial behind; the next
 * `capture` or `watch` into that directory removes it, but only when it is sure the partial is
 * proctriage's and its writer is gone:
 *
 * - the name is `.NAME.partial-PID-STARTTIME` (the writer's pid and its `starttime`, stat field 22);
 * - it is a real directory (not a symlink), owned by the uid that runs the cleanup;
 * - it holds a regular file `.proctriage-partial` naming the same pid and starttime, the boot
 *   (`/proc/sys/kernel/random/boot_id`) and the pid namespace (`/proc/self/ns/pid`) — or it
 *   holds nothing but possibly an incomplete marker (the writer was killed between `mkdir` and
 *   finishing the marker; removing it destroys nothing);
 * - the writer is gone: another boot, or (same boot and pid namespace) `/proc/PID/stat` is
 *   missing or has another starttime (the pid was reused). A marked partial from another pid
 *   namespace is left alone: its pid means nothing here.
 *
 * The marker is removed just before the rename, so a finished capture does not hold it.
 */

/** The marker file inside a partial directory. */
export const PARTIAL_MARKER = '.proctriage-partial';
const PARTIAL_NAME = /^\.(.+)\.partial-(\d+)-(\d+)$/;

interface Writer {
  readonly pid: number;
  readonly starttime: number;
  readonly bootId: string;
  readonly pidNs: string;
}

/** The live /proc, whatever root the command samples: the writers are processes of this machine. */
let liveProc: ProcFs | null = null;
function proc(): ProcFs {
  liveProc ??= createProcFs({ root: '/proc', cgroupRoot: null });
  return liveProc;
}

function bootAndNamespace(fs: ProcFs): { bootId: string; pidNs: string } {
  const boot = fs.readText('sys/kernel/random/boot_id');
  const ns = fs.readLink('self/ns/pid');
  return { bootId: boot.ok ? boot.value.trim() : '', pidNs: ns.ok ? ns.value : '' };
}

let self: Writer | null | undefined;
/** This process as a writer; null if /proc does not say (its partials then carry no marker and are never removed by others). */
function thisWriter(): Writer | null {
  if (self !== undefined) return self;
  const stat = parseResult(proc().readText('self/stat'), 'self/stat', parseStat);
  self = stat.ok ? { pid: stat.value.pid, starttime: stat.value.starttime, ...bootAndNamespace(proc()) } : null;
  return self;
}

/**
 * Create this process's partial directory for a capture to be named `name` in `parent`
 * (owner-only: a capture taken as root holds what only root may read), with its marker.
 * A leftover of the same name can only be this process's own, and is replaced.
 */
export function createPartial(parent: string, name: string): string {
  const me = thisWriter();
  const tmp = join(parent, `.${name}.partial-${me?.pid ?? process.pid}-${me?.starttime ?? 0}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { mode: 0o700 });
  if (me) writeFileSync(join(tmp, PARTIAL_MARKER), `${JSON.stringify({ writer: 'proctriage', ...me })}\n`, { flag: 'wx', mode: 0o600 });
  return tmp;
}

/** Drop the marker and rename the finished partial into place. */
export function commitPartial(tmp: string, dest: string): void {
  rmSync(join(tmp, PARTIAL_MARKER), { force: true });
  renameSync(tmp, dest);
}

/**
 * Whose partial `path` (called `name`) is, if it is certainly one of proctriage's: a valid
 * marker for that name, or — a writer killed between creating the directory and finishing its
 * marker — nothing in it but possibly an incomplete marker. Null for anything else.
 */
function claimOf(path: string, name: string): { writer: Writer } | { pid: number; starttime: number } | null {
  const m = PARTIAL_NAME.exec(name);
  if (!m) return null;
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isDirectory() || st.uid !== process.getuid?.()) return null;
  let text: string | null;
  try {
    text = readSmallFile(join(path, PARTIAL_MARKER), 4096);
  } catch {
    return null; // a link, not a regular file, too big, unreadable: not ours
  }
  const pid = Number(m[2]);
  const starttime = Number(m[3]);
  let w: Record<string, unknown> | null = null;
  try {
    w = text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    // incomplete: see below
  }
  if (w === null) return readdirSync(path).every((n) => n === PARTIAL_MARKER) ? { pid, starttime } : null;
  const valid = w.writer === 'proctriage' && typeof w.bootId === 'string' && typeof w.pidNs === 'string' && w.pid === pid && w.starttime === starttime;
  return valid ? { writer: { pid, starttime, bootId: w.bootId as string, pidNs: w.pidNs as string } } : null;
}

/** Whether the writer is certainly gone (`fs` is the live /proc; a fake one in tests). */
function writerGone(claim: NonNullable<ReturnType<typeof claimOf>>, fs: ProcFs): boolean {
  if ('writer' in claim) {
    const here = bootAndNamespace(fs);
    if (claim.writer.bootId !== here.bootId) return here.bootId !== '' && claim.writer.bootId !== '';
    if (claim.writer.pidNs !== here.pidNs || here.pidNs === '') return false;
  }
  const { pid, starttime } = 'writer' in claim ? claim.writer : claim;
  const stat = parseResult(fs.readText(`${pid}/stat`), `${pid}/stat`, parseStat);
  if (stat.ok) return stat.value.starttime !== starttime;
  return stat.error.kind === 'vanished';
}

/**
 * Remove the partial directories in `parent` that a killed proctriage left (see above);
 * returns their names. Anything else — other names, links, other owners, another writer's
 * marker, a directory with files in it but no marker, a live writer, a directory that cannot
 * be read — is left as it is.
 */
export function removeStalePartials(parent: string, fs: ProcFs = proc()): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return []; // no such directory yet, or not readable: nothing of ours to remove
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => PARTIAL_NAME.test(n)).sort()) {
    const path = join(parent, name);
    try {
      // Another proctriage starting beside this one may remove it first: that entry is skipped.
      const claim = claimOf(path, name);
      if (!claim || !writerGone(claim, fs)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // unreadable, gone, or a file in it the cleanup may not remove: left for the next start
    }
  }
  return removed;
}

/** At the start of a command that writes captures into `parent`: remove stale partials, and say so in one line. */
export function cleanStalePartials(parent: string, say: (line: string) => void = (line) => process.stderr.write(line)): void {
  const removed = removeStalePartials(parent);
  if (removed.length === 0) return;
  const what = removed.length === 1 ? 'a partial capture' : `${removed.length} partial captures`;
  say(`proctriage: removed ${what} left in ${parent} by a proctriage that was killed or stopped at once: ${removed.join(', ')}\n`);
}

/** Why a capture could not be written, in words (the errno code where there are none). */
export function writeFailure(err: unknown): string {
  const code = errnoOf(err);
  const why: Readonly<Record<string, string>> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a part of the path is a file',
    EEXIST: 'a part of the path is a file',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOENT: 'a directory on the way does not exist',
    EIO: 'input/output error',
  };
  if (code === undefined) return err instanceof Error ? err.message : String(err);
  return why[code] ?? code;
}
