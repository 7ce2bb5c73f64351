// Cost of `proctriage watch` sampling: CPU time per tick on a process with 100 threads
// parked in futex waits, and on the whole machine (no PID). Run: npm run build && node bench/watch.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProcFs } from '../dist/procfs/procfs.js';
import { parseCondition } from '../dist/watch/conditions.js';
import { runWatch } from '../dist/watch/recorder.js';

const THREADS = 100;
const SECONDS = Number(process.env.SECONDS ?? 10);

async function measure(label, pid, when, intervalMs) {
  const dir = mkdtempSync(join(tmpdir(), 'watch-bench-'));
  const cond = parseCondition(when);
  if (!cond.ok) throw new Error(cond.message);
  const controller = new AbortController();
  const ticks = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  setTimeout(() => controller.abort(), SECONDS * 1000);
  const result = await runWatch({
    fs: createProcFs(), pid, conditions: [cond.condition], captureDir: dir, intervalMs, beforeMs: 10_000, afterMs: 5000,
    cooldownMs: 60_000, maxCaptures: 5, maxBytes: 1 << 30, howMade: 'bench', signal: controller.signal,
    onCapture: () => {}, onCaptureFailed: (f) => console.error(`capture failed: ${f.reason}`), onTick: (s) => ticks.push(s.lastTickMs),
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mem = process.memoryUsage().rss / 2 ** 20;
  ticks.sort((a, b) => a - b);
  console.log(`${label}: ${result.samples} ticks in ${wall.toFixed(1)} s, CPU ${(cpuMs / wall / 10).toFixed(2)} % of one core, ${(cpuMs / result.samples).toFixed(1)} ms CPU/tick, tick wall p50 ${ticks[ticks.length >> 1]?.toFixed(1)} ms, RSS ${mem.toFixed(0)} MiB`);
  rmSync(dir, { recursive: true, force: true });
}

const py = spawn('python3', ['-c', `import threading,time\nev=threading.Event()\nfor _ in range(${THREADS - 1}): threading.Thread(target=ev.wait,daemon=True).start()\nprint('ready',flush=True)\ntime.sleep(3600)`], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => py.stdout.once('data', r));
await sleep(200);
try {
  await measure(`pid ${py.pid} (${THREADS} threads), --interval 1000`, py.pid, 'state:D>500ms', 1000);
  await measure(`pid ${py.pid} (${THREADS} threads), --interval 200`, py.pid, 'state:D>500ms', 200);
  await measure(`pid ${py.pid} (${THREADS} threads), threads:futex>=1000, --interval 1000`, py.pid, 'threads:futex>=1000', 1000);
  await measure('machine (no PID), --interval 1000', null, 'state:D>60s', 1000);
} finally {
  py.kill('SIGKILL');
}
