#!/usr/bin/env node
// The exporter, measured (issue 11): with its own load at about 2,000 and about 10,000 threads
// (test/support/c/waiters.c), side by side in one run:
//   1. `proctriage serve --hz 1`: CPU of the whole process over BENCH_SERVE_SECONDS (default 60)
//      after a 15 s warm-up, scraped every 15 s as Prometheus would: % of one core (targets: ≤ 1 %
//      at 2,000 threads, ≤ 5 % at 10,000), its CPU per sample, and /metrics latency (30 scrapes;
//      target: < 100 ms at 10,000 threads);
//   2. one whole-machine snapshot against one scrape of Debian's prometheus-process-exporter
//      (`-threads=true`, every process tracked, its defaults otherwise), interleaved A B A B:
//      serve's steady sample (incremental), and a cold one-shot sample (a fresh sampler, what
//      `top --once` reads); target ≤ 1/10 of a process-exporter scrape. The bench installs
//      nothing: without the package it says so (apt-get install prometheus-process-exporter);
//   3. memory under churn (BENCH_CHURN_SECONDS, default 180): serve at its default rate while
//      processes named churn-<n>, never the same twice, start and end 200 times a second and a
//      process creates and ends threads: RSS every 10 s, peak RSS, and the series it exposes.
// BENCH_LEVELS=2000,10000 overrides the levels.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bin, compile, cpuSeconds, env, fmt, isolate, lineFrom, machineThreads, median, root, startLoad, statusMb, stop, track, workDir } from './support.mjs';

isolate('serve bench');

const LEVELS = (process.env.BENCH_LEVELS ?? '2000,10000').split(',').map(Number);
const SERVE_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 60);
const CHURN_SECONDS = Number(process.env.BENCH_CHURN_SECONDS ?? 180);
const PE_RUNS = Number(process.env.BENCH_RUNS ?? 7);
const work = workDir('serve');
const waitersExe = compile(work, 'test/support/c/waiters.c', 'waiters');
const churnExe = compile(work, 'bench/c/proc-churn.c', 'proc-churn');
const threadChurnExe = compile(work, 'test/support/c/churn.c', 'churn');

/** `proctriage serve` with args; resolves with its URL once it serves. */
async function startServe(args) {
  const child = track(spawn(process.execPath, [bin, 'serve', '--listen', '127.0.0.1:0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /(http:\/\/\S+)\/metrics/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, url, stderr: () => err };
}

async function scrape(url) {
  const t0 = performance.now();
  const body = await (await fetch(`${url}/metrics`)).text();
  return { body, ms: performance.now() - t0 };
}

function value(body, name) {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(body);
  return m ? Number(m[1]) : NaN;
}

const series = (body) => body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

/** The process-exporter, if installed: every process tracked by comm, threads on. */
const PE = spawnSync('sh', ['-c', 'command -v prometheus-process-exporter'], { encoding: 'utf8' }).stdout.trim() || null;
async function startProcessExporter() {
  const config = join(work, 'process-exporter.yml');
  writeFileSync(config, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n      - \'.+\'\n');
  // A port the kernel picks, found as its listening socket.
  const child = track(spawn(PE, ['-threads=true', `-config.path=${config}`, '-web.listen-address=127.0.0.1:0'], { stdio: 'ignore' }));
  for (let i = 0; i < 100; i++) {
    const port = listeningPort(child.pid);
    if (port !== null && (await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.ok, () => false))) return { child, url: `http://127.0.0.1:${port}` };
    await sleep(100);
  }
  throw new Error('process-exporter did not start');
}

/** The port of a process's listening TCP socket (its fd links against /proc/net/tcp), or null. */
function listeningPort(pid) {
  let inodes;
  try {
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]).filter(Boolean));
  } catch {
    return null;
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && inodes.has(f[9])) return parseInt(f[1].split(':')[1], 16);
  }
  return null;
}

/** CPU of a fresh process's first whole-machine sample (what `top --once` reads), ms. */
function coldSample() {
  const probe = `import { sampleMachineOnce } from ${JSON.stringify(join(root, 'dist', 'sample', 'machine', 'parallel.js'))};
const s = await sampleMachineOnce({ procRoot: '/proc' });
console.log(JSON.stringify({ cpuMs: s.stats.cpuMs, threads: s.stats.threads }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).cpuMs;
}

const summary = [];
if (!PE) console.log('prometheus-process-exporter is not installed: the comparison is left out (apt-get install prometheus-process-exporter; .ci/run does not install it).');

for (const level of LEVELS) {
  const base = machineThreads();
  const load = await startLoad(waitersExe, Math.max(0, level - base));
  const total = machineThreads();
  console.log(`\n--- load: ${load.processes} processes × ${load.perProcess} threads; machine total ${total} threads`);
  const row = { level, threads: total };

  // 1. serve --hz 1, and /metrics latency.
  const serve = await startServe(['--hz', '1']);
  await sleep(15_000);
  const first = await scrape(serve.url);
  const cpu0 = cpuSeconds(serve.child.pid);
  const t0 = performance.now();
  for (let left = SERVE_SECONDS; left > 0; left -= 15) {
    await sleep(Math.min(15, left) * 1000);
    await scrape(serve.url);
  }
  const share = (cpuSeconds(serve.child.pid) - cpu0) / ((performance.now() - t0) / 1000);
  const last = await scrape(serve.url);
  row.serveCpuPercent = share * 100;
  row.samplingMsPerSample = ((value(last.body, 'proctriage_sampling_cpu_seconds_total') - value(first.body, 'proctriage_sampling_cpu_seconds_total')) / (value(last.body, 'proctriage_samples_total') - value(first.body, 'proctriage_samples_total'))) * 1000;
  const latencies = [];
  for (let i = 0; i < 30; i++) latencies.push((await scrape(serve.url)).ms);
  row.scrapeMedianMs = median(latencies);
  row.scrapeMaxMs = Math.max(...latencies);
  row.series = series(last.body);
  row.serveRssMb = statusMb(serve.child.pid, 'VmHWM');
  console.log(`serve --hz 1: ${fmt(row.serveCpuPercent, 2)} % of one core over ${SERVE_SECONDS} s (${fmt(row.samplingMsPerSample, 2)} ms CPU of sampling per sample); /metrics median ${fmt(row.scrapeMedianMs)} ms, max ${fmt(row.scrapeMaxMs)} ms, ${row.series} series; peak RSS ${fmt(row.serveRssMb, 0)} MB`);

  // 2. One snapshot against one process-exporter scrape, interleaved.
  if (PE) {
    const pe = await startProcessExporter();
    await fetch(`${pe.url}/metrics`).then((r) => r.text()); // its first scrape builds its tables
    const peScrapes = [];
    const serveSamples = [];
    const colds = [];
    for (let i = 0; i < PE_RUNS; i++) {
      const c0 = cpuSeconds(pe.child.pid);
      await fetch(`${pe.url}/metrics`).then((r) => r.text());
      peScrapes.push((cpuSeconds(pe.child.pid) - c0) * 1000);
      const s0 = await scrape(serve.url);
      await sleep(2100);
      const s1 = await scrape(serve.url);
      serveSamples.push(((value(s1.body, 'proctriage_sampling_cpu_seconds_total') - value(s0.body, 'proctriage_sampling_cpu_seconds_total')) / (value(s1.body, 'proctriage_samples_total') - value(s0.body, 'proctriage_samples_total'))) * 1000);
      colds.push(coldSample());
    }
    await stop([pe.child]);
    row.peScrapeMs = median(peScrapes);
    row.serveSampleMs = median(serveSamples);
    row.coldSampleMs = median(colds);
    console.log(`process-exporter -threads=true: ${fmt(row.peScrapeMs)} ms CPU a scrape (median of ${PE_RUNS}); proctriage: ${fmt(row.serveSampleMs, 2)} ms a steady sample (${fmt(row.peScrapeMs / row.serveSampleMs, 0)}× less), ${fmt(row.coldSampleMs)} ms a cold one-shot sample (${fmt(row.peScrapeMs / row.coldSampleMs, 1)}× less)`);
  }
  await stop([serve.child]);
  summary.push(row);
  await stop(load.children);
}

// 3. Memory under churn: new process names all the time, threads created and ended.
const churn = track(spawn(churnExe, ['200', '50'], { stdio: ['ignore', 'pipe', 'inherit'] }));
await lineFrom(churn, /ready/, 'proc-churn');
const threadChurn = track(spawn(threadChurnExe, ['300', '5000'], { stdio: ['ignore', 'pipe', 'inherit'] }));
await lineFrom(threadChurn, /ready/, 'churn');
const serve = await startServe([]);
const rss = [];
const seriesSeen = [];
for (let t = 0; t < CHURN_SECONDS; t += 10) {
  await sleep(10_000);
  rss.push(statusMb(serve.child.pid, 'VmRSS'));
  seriesSeen.push(series((await scrape(serve.url)).body));
}
const churnHwm = statusMb(serve.child.pid, 'VmHWM');
const end = await scrape(serve.url);
await stop([serve.child, churn, threadChurn]);
const processesMade = Math.round(CHURN_SECONDS * 200);
console.log(`\nchurn (${processesMade} processes of distinct names over ${CHURN_SECONDS} s, and 300 threads a second): RSS every 10 s ${rss.map((m) => fmt(m, 0)).join(' ')} MB; peak ${fmt(churnHwm, 0)} MB; series ${Math.min(...seriesSeen)}–${Math.max(...seriesSeen)}; samples ${value(end.body, 'proctriage_samples_total')}`);

console.log('\n=== summary (README "Performance")');
console.log('| threads | serve --hz 1 CPU | sampling per sample | /metrics median / max | series | serve peak RSS | process-exporter scrape | proctriage steady sample | cold one-shot sample |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of summary) {
  console.log(
    `| ${r.threads} | ${fmt(r.serveCpuPercent, 2)} % | ${fmt(r.samplingMsPerSample, 2)} ms | ${fmt(r.scrapeMedianMs)} / ${fmt(r.scrapeMaxMs)} ms | ${r.series} | ${fmt(r.serveRssMb, 0)} MB | ${PE ? `${fmt(r.peScrapeMs)} ms` : 'n/a'} | ${PE ? `${fmt(r.serveSampleMs, 2)} ms (${fmt(r.peScrapeMs / r.serveSampleMs, 0)}×)` : 'n/a'} | ${PE ? `${fmt(r.coldSampleMs)} ms (${fmt(r.peScrapeMs / r.coldSampleMs, 1)}×)` : 'n/a'} |`,
  );
}
for (const r of summary) {
  const limit = r.level <= 2000 ? 1 : 5;
  console.log(`target: serve --hz 1 ≤ ${limit} % of one core at ${r.threads} threads: ${r.serveCpuPercent <= limit ? 'met' : 'NOT met'} (${fmt(r.serveCpuPercent, 2)} %)`);
  if (r.level >= 10000) console.log(`target: /metrics within 100 ms at ${r.threads} threads: ${r.scrapeMaxMs < 100 ? 'met' : 'NOT met'} (max ${fmt(r.scrapeMaxMs)} ms)`);
  if (PE) console.log(`target: one snapshot ≤ 1/10 of a process-exporter scrape at ${r.threads} threads: ${r.serveSampleMs * 10 <= r.peScrapeMs ? 'met' : 'NOT met'} (steady ${fmt(r.peScrapeMs / r.serveSampleMs, 0)}×, cold ${fmt(r.peScrapeMs / r.coldSampleMs, 1)}×)`);
}
console.log(`churn: RSS first ${fmt(rss[0], 0)} MB, last ${fmt(rss[rss.length - 1], 0)} MB, peak ${fmt(churnHwm, 0)} MB`);
