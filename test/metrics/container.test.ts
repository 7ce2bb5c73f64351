import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue, requireProgram, scrape, startExporter, type RunningExporter } from '../support/exporter.js';
import { spawnStuck, stopAll } from '../support/spawners.js';

/**
 * `--proc-root /host/proc` as in the DaemonSet: serve runs in its own pid and mount namespaces
 * (unshare, as root), with its own /proc, and the host's /proc and /sys/fs/cgroup bind-mounted
 * at <dir>/host/… — a container without hostPID, on the host's network.
 */
const dir = mkdtempSync(join(tmpdir(), 'proctriage-container-'));
let exporter: RunningExporter | null = null;
afterAll(async () => {
  await exporter?.stop();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('serve inside a container-like namespace, reading the host through --proc-root /host/proc', () => {
  it('sees the host\'s processes by their host pids, and stops cleanly on SIGTERM as the namespace\'s pid 1', async () => {
    const unshare = requireProgram('unshare', 'util-linux');
    const host = join(dir, 'host');
    mkdirSync(join(host, 'proc'), { recursive: true });
    mkdirSync(join(host, 'sys', 'fs', 'cgroup'), { recursive: true });
    const name = `ct${process.pid % 100_000}`;
    const stuck = await spawnStuck(name, 3);
    const script = [
      `mount --bind /proc ${host}/proc`,
      `mount --rbind /sys/fs/cgroup ${host}/sys/fs/cgroup`,
      'mount -t proc proc /proc',
      'exec "$@"',
    ].join(' && ');
    exporter = await startExporter(
      ['serve', '--listen', '127.0.0.1:0', '--hz', '4', '--window', '2', '--proc-root', `${host}/proc`, '--cgroup-root', `${host}/sys/fs/cgroup`, '--pid', String(stuck.pid), '--verdict-interval', '1'],
      20_000,
      [unshare, '--mount', '--pid', '--fork', '--propagation', 'private', '--kill-child=SIGTERM', 'sh', '-c', script, 'sh'],
    );
    let body = '';
    for (let i = 0; i < 60 && metricValue(body, 'proctriage_verdict', { pid: String(stuck.pid) }) === null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      body = (await scrape(exporter.url)).body;
    }
    expect(metricValue(body, 'proctriage_average_active_threads', { group: name, kind: 'futex' })).toBe(3);
    expect(metricValue(body, 'proctriage_verdict', { pid: String(stuck.pid), comm: name })).toBe(1);
    expect(metricValue(body, 'proctriage_target_lock_queue_threads', { pid: String(stuck.pid) })).toBe(3);
    expect(metricValue(body, 'proctriage_threads')).toBeGreaterThan(20);
    expect(exporter.stderr()).toMatch(/proctriage serve: http:\/\/127\.0\.0\.1:\d+\/metrics \(\d+ threads/);
    // SIGTERM, as the kubelet sends it to the container's pid 1 (unshare itself waits on): a clean exit.
    const inside = Number(readFileSync(`/proc/${exporter.proc.pid}/task/${exporter.proc.pid}/children`, 'utf8').trim());
    expect(inside).toBeGreaterThan(0);
    process.kill(inside, 'SIGTERM');
    const end = await exporter.stop();
    expect(end.code).toBe(0);
    expect(end.ms).toBeLessThan(5000);
    exporter = null;
    await stuck.stop();
  }, 60_000);
});
