#!/usr/bin/env node
// Large inputs (issue 15, point 3), measured, not timed by a test:
// - `proctriage triage PID --json` of a live 10,000-thread process: wall time and peak RSS
//   (targets 2 s and 200 MB, with the default 1 s interval);
// - `proctriage attach PID` on it, in a real terminal (tmux), for 20 s: peak RSS (target 200 MB);
// - `proctriage triage --replay` of a capture whose process lists 100,000 task entries: wall
//   time and peak RSS (bounded by the 16,384-thread read cap, with a line saying what was left out).
// The process is test/support/c/waiters.c (10,000 threads parked on one condition variable),
// started and ended here; runs are repeated (medians) and NODE_EXTRA_CA_CERTS is left out.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'proctriage');
const THREADS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

const work = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `proctriage-large-bench-${process.pid}`);
mkdirSync(work, { recursive: true });
const socket = join(work, 'tmux.sock');
let target;
function cleanup() {
  spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  if (target && target.exitCode === null) target.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const statusKb = (pid, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** Wall ms and peak RSS (KiB, from GNU time) of one CLI run. */
function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, bin, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`proctriage ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-300)}`);
  return { ms, rssKb: Number(/maxrss (\d+)/.exec(r.stderr)?.[1]), stdout: r.stdout };
}

// The process: 10,000 threads on one condition variable.
const exe = join(work, 'waiters');
execFileSync('gcc', ['-O1', '-pthread', '-o', exe, join(root, 'test', 'support', 'c', 'waiters.c')]);
target = spawn(exe, ['cond', String(THREADS), 'sleeping'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  let out = '';
  target.stdout.on('data', (d) => {
    out += d;
    if (out.includes('ready')) resolve();
  });
  target.on('exit', () => reject(new Error('waiters exited early')));
  setTimeout(() => reject(new Error('waiters did not start')), 60_000);
});
await sleep(2000);
const pid = target.pid;

console.log(`large inputs: ${THREADS} threads (pid ${pid}), ${RUNS} runs each, medians`);
const triage = Array.from({ length: RUNS }, () => timed(['triage', String(pid), '--json']));
const triageMs = median(triage.map((r) => r.ms));
const triageMb = median(triage.map((r) => r.rssKb)) / 1024;
console.log(`  triage --json (1 s interval): ${(triageMs / 1000).toFixed(2)} s wall, ${triageMb.toFixed(0)} MB peak RSS  (targets 2 s, 200 MB: ${triageMs <= 2000 ? 'met' : 'not met'}, ${triageMb <= 200 ? 'met' : 'not met'})`);

if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0) {
  execFileSync('tmux', ['-S', socket, 'new-session', '-d', '-x', '160', '-y', '50', `exec env -u NODE_EXTRA_CA_CERTS ${process.execPath} ${bin} attach ${pid}`]);
  const attachPid = Number(execFileSync('tmux', ['-S', socket, 'list-panes', '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim());
  await sleep(20_000);
  const hwm = statusKb(attachPid, 'VmHWM') / 1024;
  execFileSync('tmux', ['-S', socket, 'send-keys', 'q']);
  console.log(`  attach, 20 s at 1 s: ${hwm.toFixed(0)} MB peak RSS  (target 200 MB: ${hwm <= 200 ? 'met' : 'not met'})`);
} else {
  console.log('  attach: skipped (tmux is not installed)');
}

// A capture whose process lists 100,000 task entries.
const cap = join(work, 'cap');
cpSync(join(root, 'fixtures', 'nanosleep'), cap, { recursive: true });
const meta = JSON.parse(readFileSync(join(cap, 'meta.json'), 'utf8'));
const task = join(cap, 'samples', meta.samples.at(-1).dir, 'proc', String(meta.pid), 'task');
for (let i = 0; i < 100_000; i++) mkdirSync(join(task, String(1_000_000 + i)));
const replay = Array.from({ length: RUNS }, () => timed(['triage', '--replay', cap]));
const left = /(\d+) of its (\d+) threads: proctriage reads at most (\d+)/.exec(replay[0].stdout);
console.log(`  triage --replay of 100,000 task entries: ${(median(replay.map((r) => r.ms)) / 1000).toFixed(2)} s wall, ${(median(replay.map((r) => r.rssKb)) / 1024).toFixed(0)} MB peak RSS; ${left ? `says ${left[1]} of ${left[2]} threads were left out (cap ${left[3]})` : 'NO line about the threads left out'}`);
