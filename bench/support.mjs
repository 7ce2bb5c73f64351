// What the benches share: their own load (processes × threads parked in futex, nanosleep,
// epoll, pipe and poll waits, from test/support/c/waiters.c), medians, timing a command, and
// reading a process's CPU and memory from /proc. Timed runs leave NODE_EXTRA_CA_CERTS out.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(root, 'bin', 'proctriage');
export const KINDS = ['mutex', 'nanosleep', 'epoll', 'pipe', 'poll'];
export const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

/**
 * Run this bench in a pid namespace of its own, with its own /proc (`unshare --pid --fork
 * --mount-proc`, as root): what it counts and times is then its own load alone, whatever else
 * runs on the machine (other work's threads would otherwise be read too, by proctriage and by
 * ps and process-exporter alike). The kernel's work per /proc file is the same. BENCH_SHARED=1,
 * or no root or no unshare, runs it on the machine as it is, and says so.
 */
export function isolate(name) {
  if (process.env.PROCTRIAGE_BENCH_NS === '1') {
    console.log(`${name}: in a pid namespace of its own (its /proc shows its own load only)`);
    return;
  }
  const unshare = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim();
  if (process.env.BENCH_SHARED === '1' || process.getuid?.() !== 0 || unshare === '') {
    console.log(`${name}: on the machine as it is (${machineThreads()} threads before its load)`);
    return;
  }
  const r = spawnSync(unshare, ['--pid', '--fork', '--mount-proc', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...env, PROCTRIAGE_BENCH_NS: '1' } });
  process.exit(r.status ?? 1);
}

/** A scratch directory removed at exit, and the C helpers compiled into it. */
export function workDir(name) {
  const work = join(tmpdir(), `proctriage-${name}-bench-${process.pid}`);
  mkdirSync(work, { recursive: true });
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  return work;
}

export function compile(work, source, out, flags = ['-O1', '-pthread']) {
  const exe = join(work, out);
  execFileSync('gcc', [...flags, '-o', exe, join(root, source)]);
  return exe;
}

/** Processes the bench started; all SIGKILLed at exit. */
const started = [];
process.on('exit', () => {
  for (const p of started) if (p.exitCode === null) p.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

export function track(child) {
  started.push(child);
  return child;
}

export async function stop(children) {
  for (const p of children) if (p.exitCode === null) p.kill('SIGKILL');
  await Promise.all(children.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null)));
}

function readdirNumeric(path) {
  try {
    return readdirSync(path).filter((s) => /^\d+$/.test(s));
  } catch {
    return [];
  }
}

export function machineThreads() {
  let n = 0;
  for (const pid of readdirNumeric('/proc')) n += readdirNumeric(`/proc/${pid}/task`).length;
  return n;
}

/** Waits for a line on a child's stdout. */
export function lineFrom(child, re, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited early (${code})`)));
  });
}

/** Processes of about 500 threads each, cycling through the kinds, until `threads` more in all. */
export async function startLoad(waitersExe, threads) {
  // The machine may already hold as many threads (other work): then it adds none.
  if (threads < 50) return { children: [], processes: 0, perProcess: 0 };
  const processes = Math.max(KINDS.length, Math.round(threads / 500));
  const perProcess = Math.round(threads / processes);
  const children = [];
  for (let i = 0; i < processes; i++) {
    const child = track(spawn(waitersExe, [KINDS[i % KINDS.length], String(perProcess), 'sleeping'], { stdio: ['ignore', 'pipe', 'inherit'] }));
    children.push(child);
    await lineFrom(child, /\n/, 'waiters');
  }
  await sleep(500); // let the workers park
  return { children, processes, perProcess };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** Wall (performance.now) and CPU + peak RSS (/usr/bin/time) of one command, output to /dev/null. */
export function timed(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [u, s, m] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wallMs, cpuMs: (u + s) * 1000, rssKb: m };
}

/** utime + stime of a process, seconds (USER_HZ 100); the comm is cut at the last ')'. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A `Key: N kB` line of /proc/<pid>/status, in MB. */
export function statusMb(pid, key) {
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}
