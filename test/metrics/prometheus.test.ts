import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireProgram, scrape, startExporter, type RunningExporter } from '../support/exporter.js';
import { spawnStuck, stopAll, type Stuck } from '../support/spawners.js';

/**
 * A real Prometheus (Debian's `prometheus` package; .ci/run installs it) scraping `proctriage
 * serve` every second, with a known load: a process with 8 threads queued on one mutex and one
 * thread in D state (a vfork parent). The series are read back through Prometheus's HTTP API.
 */
const RULES = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus', 'rules.yml');
const NAME = `lockq${process.pid % 100_000}`;
/** What Prometheus 2.42 sends when it scrapes (seen on the wire). */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Series {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

let dir: string;
let stuck: Stuck;
let exporter: RunningExporter;
let prometheus: ChildProcess;
let api: string;
let promLog = '';

async function query(expr: string): Promise<Series[]> {
  const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data?: { result: Series[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error ?? res.status}`);
  return body.data!.result;
}

/** Polls a query until `ok` holds for its result (Prometheus needs a few scrapes). */
async function until(expr: string, ok: (r: Series[]) => boolean, timeoutMs = 30_000): Promise<Series[]> {
  const t0 = Date.now();
  let last: Series[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await query(expr);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${expr}: still ${JSON.stringify(last)} after ${timeoutMs} ms; prometheus said: ${promLog.slice(-2000)}`);
}

const valueOf = (r: Series[]) => (r.length === 1 ? Number(r[0]!.value[1]) : NaN);

beforeAll(async () => {
  const binary = requireProgram('prometheus', 'prometheus');
  dir = mkdtempSync(join(tmpdir(), 'proctriage-prometheus-'));
  stuck = await spawnStuck(NAME, 8);
  exporter = await startExporter(['serve', '--listen', '127.0.0.1:0', '--hz', '4', '--window', '5', '--pid', String(stuck.pid), '--verdict-interval', '1']);
  const target = exporter.url.replace('http://', '');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${RULES}\nscrape_configs:\n  - job_name: proctriage\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  prometheus.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-8192)));
  const t0 = Date.now();
  for (;;) {
    const ready = await fetch(`${api}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (prometheus.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`prometheus did not get ready: ${promLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const gone = new Promise((r) => prometheus.once('exit', r));
    prometheus.kill('SIGTERM');
    await gone;
  }
  await exporter?.stop();
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('a real Prometheus scraping proctriage serve', () => {
  it('scrapes the exporter and loads the shipped alert rules', async () => {
    await until('up{job="proctriage"}', (r) => valueOf(r) === 1);
    const rules = (await (await fetch(`${api}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string; name: string }[] }[] } };
    const all = rules.data.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const rule of all) expect(rule.health, rule.name).not.toBe('err');
  }, 60_000);

  it('holds 8 average active threads in futex for the stuck process\'s group, and a lock queue of 8', async () => {
    await until(`proctriage_average_active_threads{group="${NAME}",kind="futex"}`, (r) => valueOf(r) === 8);
    await until(`proctriage_lock_queue_threads{group="${NAME}"}`, (r) => valueOf(r) === 8);
    // The main thread sleeps (nanosleep), holding the mutex; the vfork parent is in D.
    await until(`proctriage_average_active_threads{group="${NAME}",kind="sleep"}`, (r) => valueOf(r) >= 1);
    await until(`sum(proctriage_average_active_threads{group="${NAME}",kind="vfork"})`, (r) => valueOf(r) === 1);
  }, 60_000);

  it('shows the thread in D state by wait site, and how long it has been there', async () => {
    const d = await until('proctriage_uninterruptible_threads{kind="vfork",site="vfork-wait"}', (r) => valueOf(r) >= 1);
    expect(d[0]!.metric.function).toMatch(/^(kernel_clone|wait_for_vfork_done|_do_fork|do_fork)$/);
    const first = valueOf(await until('proctriage_uninterruptible_longest_seconds{kind="vfork",site="vfork-wait"}', (r) => valueOf(r) > 0));
    await until('proctriage_uninterruptible_longest_seconds{kind="vfork",site="vfork-wait"}', (r) => valueOf(r) >= first + 1);
  }, 60_000);

  it('gives the selected process a verdict, with the numbers behind it', async () => {
    const pid = String(stuck.pid);
    const verdict = await until(`proctriage_verdict{pid="${pid}"}`, (r) => valueOf(r) === 1);
    expect(verdict[0]!.metric).toMatchObject({ comm: NAME });
    expect(verdict[0]!.metric.kind).toMatch(/^(lock-contention|kernel-blocked)$/);
    expect(['ok', 'warning', 'problem']).toContain(verdict[0]!.metric.severity);
    await until(`proctriage_target_lock_queue_threads{pid="${pid}"}`, (r) => valueOf(r) === 8);
    await until(`proctriage_target_threads{pid="${pid}",kind="futex"}`, (r) => valueOf(r) === 8);
    await until(`proctriage_target_threads{pid="${pid}",kind="vfork"}`, (r) => valueOf(r) === 1);
  }, 60_000);

  it('has system PSI as counters and gauges, and the exporter\'s own cost', async () => {
    await until('proctriage_pressure_avg10_ratio{resource="cpu",line="some"}', (r) => r.length === 1 && valueOf(r) >= 0 && valueOf(r) <= 1);
    await until('rate(proctriage_pressure_stalled_seconds_total{resource="cpu",line="some"}[10s])', (r) => r.length === 1 && valueOf(r) >= 0);
    await until('rate(proctriage_samples_total[5s])', (r) => valueOf(r) > 2);
    await until('proctriage_sample_duration_seconds_count', (r) => valueOf(r) > 4);
    await until('proctriage_exporter_cpu_seconds_total', (r) => valueOf(r) > 0);
  }, 60_000);

  it('promtool check metrics passes on the text format; Prometheus itself asks for (and ingested) OpenMetrics', async () => {
    const promtool = requireProgram('promtool', 'prometheus');
    const text = await scrape(exporter.url);
    expect(text.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const checked = spawnSync(promtool, ['check', 'metrics'], { input: text.body, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
    expect(checked.status).toBe(0);
    // promtool reads only the text format. Prometheus 2.42 scrapes with this header, so every
    // series the tests above found came through the OpenMetrics exposition.
    const om = await scrape(exporter.url, PROMETHEUS_ACCEPT);
    expect(om.contentType).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toMatch(/^# TYPE proctriage_samples counter\nproctriage_samples_total \d+$/m);
  }, 30_000);
});
