/**
 * Running the built CLI the hard way: as another user (setpriv) and under strace, to prove
 * what it opens and which signals or ptrace calls it makes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnosis } from '../../src/diagnose/types.js';
import type { CliResult } from '../cli/run-cli.js';

export const PROJECT = realpathSync(join(import.meta.dirname, '..', '..'));
export const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;

export function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Run a command without a shell; NO_COLOR so the report is plain. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The runtime dependencies of the CLI: package.json dependencies and theirs, as installed. */
function dependencyClosure(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const manifest = join(PROJECT, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return; // optional or nested elsewhere: the CLI fails loudly if it needs it
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  const root = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(root.dependencies ?? {})) visit(dep);
  return [...seen];
}

/**
 * A copy of the built CLI that uid 65534 can read: a checkout under /root (CI) is not
 * traversable by nobody. Holds bin/, dist/, package.json and the runtime dependencies.
 */
export function cliCopyForNobody(): { bin: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'proctriage-nobody-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(PROJECT, part), join(dir, part), { recursive: true });
  for (const dep of dependencyClosure()) cpSync(join(PROJECT, 'node_modules', dep), join(dir, 'node_modules', dep), { recursive: true, verbatimSymlinks: true });
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  chmodSync(dir, 0o755);
  return { bin: join(dir, 'bin', 'proctriage'), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const AS_NOBODY = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] as const;

/** Run the CLI copy as uid/gid 65534 with no supplementary groups. */
export function runCliAsNobody(bin: string, args: readonly string[]): Promise<CliResult> {
  const [setpriv, ...privArgs] = AS_NOBODY;
  return run(setpriv, [...privArgs, process.execPath, bin, ...args], { cwd: '/' });
}

export function parseDiagnosis(result: CliResult): Diagnosis {
  if (result.code !== 0) throw new Error(`CLI exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Diagnosis;
}

/** One system call strace saw. */
export interface TracedCall {
  readonly pid: number;
  readonly name: string;
  /** The raw argument text (up to the first `)` or `<unfinished`). */
  readonly args: string;
  /** For open calls: the path and the flags. */
  readonly path?: string;
  readonly flags?: string;
}

export const TRACED = ['open', 'openat', 'openat2', 'creat', 'kill', 'tkill', 'tgkill', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'pidfd_send_signal', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo'];

/**
 * Parse `strace -f -o FILE` output. A call split by another thread (`<unfinished ...>`) keeps
 * its arguments on the first line, which is all this needs; `<... resumed>` lines are skipped.
 */
export function parseStrace(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+([a-z_0-9]+)\((.*)$/.exec(line);
    if (!m) continue;
    const [, pid, name, rest] = m as unknown as [string, string, string, string];
    const args = rest.replace(/\s*<unfinished \.\.\.>$/, '');
    const open = /^(?:AT_FDCWD|-?\d+(?:<[^>]*>)?), "((?:[^"\\]|\\.)*)", ([A-Z0-9_|]+)/.exec(args) ?? /^"((?:[^"\\]|\\.)*)", ([A-Z0-9_|]+)/.exec(args);
    calls.push({ pid: Number(pid), name, args, ...(open && name.startsWith('open') ? { path: open[1]!, flags: open[2]! } : {}) });
  }
  return calls;
}

/**
 * Run the CLI (as root) under strace; returns the result, the calls seen, and the CLI's pid.
 * `trace`: the system calls to watch (default TRACED).
 */
export async function traceCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; trace?: readonly string[] } = {}): Promise<{ result: CliResult; calls: TracedCall[]; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'proctriage-strace-'));
  try {
    const out = join(dir, 'trace');
    const result = await run('strace', ['-f', '-qq', '-s', '4096', '-e', `trace=${(options.trace ?? TRACED).join(',')}`, '-o', out, process.execPath, join(PROJECT, 'bin', 'proctriage'), ...args], options);
    const text = readFileSync(out, 'utf8');
    const calls = parseStrace(text);
    const first = /^(\d+)\s/.exec(text);
    if (!first) throw new Error(`strace wrote nothing usable: ${text.slice(0, 300)}`);
    return { result, calls, pid: Number(first[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const WRITE_FLAGS = /\b(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND)\b/;
