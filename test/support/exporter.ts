import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN } from '../cli/run-cli.js';

/** A running `proctriage serve` (or `watch --listen`) started by a test; stop() sends SIGTERM and waits. */
export interface RunningExporter {
  readonly url: string;
  readonly proc: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** SIGTERM, then the exit code and how long it took to exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  return env;
}

/** Start the built CLI with args (behind `wrap`, a command that runs it: unshare …) and wait for the line naming its /metrics URL. */
export function startExporter(args: readonly string[], timeoutMs = 20_000, wrap: readonly string[] = []): Promise<RunningExporter> {
  const [command, ...prefix] = [...wrap, process.execPath];
  const proc = spawn(command!, [...prefix, BIN, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  const exit = () => (exited ??= new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve({ code: proc.exitCode, signal: proc.signalCode }) : proc.once('exit', (code, signal) => resolve({ code, signal })))));
  exit();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no /metrics URL within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    const look = () => {
      const m = /(http:\/\/[^\s]+)\/metrics/.exec(stderr + stdout);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        proc,
        stderr: () => stderr,
        stdout: () => stdout,
        stop: async () => {
          const t0 = Date.now();
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
          const result = await exit();
          clearTimeout(killer);
          return { ...result, ms: Date.now() - t0 };
        },
      });
    };
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      look();
    });
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      look();
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before serving; stderr: ${stderr}`));
    });
  });
}

export async function scrape(url: string, accept?: string): Promise<{ status: number; contentType: string; body: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/metrics`, accept ? { headers: { accept } } : {});
  const body = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, ms: performance.now() - t0 };
}

/** The value of the one series of `name` whose labels include `labels`, or null. */
export function metricValue(body: string, name: string, labels: Readonly<Record<string, string>> = {}): number | null {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const brace = line.indexOf('{');
    const labelText = brace >= 0 && line.indexOf(' ') > brace ? line.slice(brace + 1, line.lastIndexOf('}')) : '';
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

/** A port free right now on 127.0.0.1 (for a program that cannot be told to pick its own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The path of a Debian package's program, or an error saying how to get it (CI installs it: .ci/run). */
export function requireProgram(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') throw new Error(`${name} is not installed: apt-get install ${debianPackage} (bash .ci/run installs it)`);
  return path;
}
