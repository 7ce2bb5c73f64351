import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { metricValue, scrape, startExporter, type RunningExporter } from '../support/exporter.js';
import { spawnStuck, stopAll } from '../support/spawners.js';

const running: RunningExporter[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 30_000);

async function serve(args: readonly string[]): Promise<RunningExporter> {
  const r = await startExporter(['serve', '--listen', '127.0.0.1:0', ...args]);
  running.push(r);
  return r;
}

describe('proctriage serve', () => {
  it('serves the text format, and OpenMetrics when asked; says where it listens', async () => {
    const r = await serve(['--hz', '2']);
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const text = await scrape(r.url);
    expect(text.status).toBe(200);
    expect(text.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metricValue(text.body, 'proctriage_samples_total')).toBeGreaterThanOrEqual(1);
    const om = await scrape(r.url, 'application/openmetrics-text; version=1.0.0');
    expect(om.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect((await fetch(`${r.url}/nope`)).status).toBe(404);
    expect((await fetch(`${r.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${r.url}/`)).text()).toContain('/metrics');
  }, 30_000);

  it('exposes no command line and no socket address unless asked', async () => {
    const secret = `token-${process.pid}-secret`;
    const sh = spawn('sh', ['-c', `sleep 30 # ${secret}`], { stdio: 'ignore' });
    try {
      const plain = await serve(['--hz', '2']);
      const body = (await scrape(plain.url)).body;
      expect(body).not.toContain(secret);
      expect(body).not.toMatch(/address="/);
      expect(body).toMatch(/proctriage_tcp_listen_sockets\{family="tcp",port="\d+"\} \d+/);
      const port = plain.url.split(':').pop();
      const asked = await serve(['--hz', '2', '--expose-addresses']);
      expect((await scrape(asked.url)).body).toContain(`proctriage_tcp_listen_sockets{family="tcp",port="${port}",address="127.0.0.1"} 1`);
    } finally {
      sh.kill('SIGKILL');
    }
  }, 30_000);

  it('never samples on request: 40 scrapes at once see the same sample count', async () => {
    // One sample at the start, the next 10 s later: any sample in between would be a scrape's.
    const r = await serve(['--hz', '0.1']);
    const counts = await Promise.all(Array.from({ length: 40 }, () => scrape(r.url).then((s) => metricValue(s.body, 'proctriage_samples_total'))));
    expect(new Set(counts)).toEqual(new Set([1]));
  }, 30_000);

  it('a stuck scraper (a request it never reads, a request it never finishes) stalls neither sampling nor other scrapes', async () => {
    const r = await serve(['--hz', '5']);
    const { hostname, port } = new URL(r.url);
    const stuck = new Socket();
    await new Promise<void>((resolve) => stuck.connect(Number(port), hostname, resolve));
    stuck.pause();
    stuck.write(`GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(50));
    const half = new Socket();
    await new Promise<void>((resolve) => half.connect(Number(port), hostname, resolve));
    half.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    try {
      const before = metricValue((await scrape(r.url)).body, 'proctriage_samples_total')!;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = await scrape(r.url);
      expect(metricValue(after.body, 'proctriage_samples_total')! - before).toBeGreaterThanOrEqual(5);
      expect(after.ms).toBeLessThan(2000);
    } finally {
      stuck.destroy();
      half.destroy();
    }
  }, 30_000);

  it('SIGTERM stops it cleanly: exit 0, the port closed', async () => {
    const r = await startExporter(['serve', '--listen', '127.0.0.1:0', '--hz', '2']);
    const end = await r.stop();
    expect(end).toMatchObject({ code: 0, signal: null });
    expect(end.ms).toBeLessThan(3000);
    await expect(fetch(`${r.url}/metrics`)).rejects.toThrow();
  }, 30_000);

  it('bad flags are one-line errors with exit 2', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      for (const args of [['--listen', 'nope'], ['--hz', '0'], ['--comm', '('], ['--cgroup', 'system.slice'], ['--window', '0'], ['--pid', 'x'], ['--listen', `127.0.0.1:${port}`], ['--budget', '200']]) {
        const r = await runCli(['serve', ...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr).toMatch(/^proctriage: /);
      }
      expect((await runCli(['serve', '--listen', `127.0.0.1:${port}`])).stderr).toContain('the address is in use');
    } finally {
      busy.close();
    }
  }, 60_000);

  it('--help shows examples', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--proc-root /host/proc');
  });
});

describe('proctriage watch --listen', () => {
  it('exposes its captures by condition, and the newest capture\'s number (and directory, when asked)', async () => {
    const stuckProcess = await spawnStuck(`wl${process.pid % 100_000}`, 2);
    const dir = mkdtempSync(join(tmpdir(), 'proctriage-watch-listen-'));
    dirs.push(dir);
    const w = await startExporter(['watch', String(stuckProcess.pid), '--when', 'state:D', '--when', 'threads:zombie>=100', '--capture', dir, '--interval', '200', '--before', '0.2', '--after', '0.2', '--listen', '127.0.0.1:0', '--expose-paths']);
    running.push(w);
    let body = '';
    for (let i = 0; i < 100 && metricValue(body, 'proctriage_watch_captures_total', { condition: 'state:D' }) !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = (await scrape(w.url)).body;
    }
    expect(metricValue(body, 'proctriage_watch_captures_total', { condition: 'state:D' })).toBe(1);
    expect(metricValue(body, 'proctriage_watch_captures_total', { condition: 'threads:zombie>=100' })).toBe(0);
    expect(metricValue(body, 'proctriage_watch_last_capture_number', { condition: 'state:D' })).toBe(1);
    expect(metricValue(body, 'proctriage_watch_last_capture_info', { condition: 'state:D', dir: join(dir, '0001') })).toBe(1);
    expect(metricValue(body, 'proctriage_watch_samples_total')).toBeGreaterThan(1);
    expect((await w.stop()).code).toBe(0);
    expect(w.stdout()).toContain(`captured ${join(dir, '0001')}`);
    await stuckProcess.stop();
  }, 60_000);
});
