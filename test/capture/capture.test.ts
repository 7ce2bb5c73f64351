import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureProcess } from '../../src/capture/capture.js';
import { loadCapture } from '../../src/capture/fixture.js';
import { createProcFs } from '../../src/procfs/procfs.js';
import { spawnPipeReader, spawnShortLived, spawnSleeper, stopAll } from '../support/spawners.js';
import { BIN, runCli } from '../cli/run-cli.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-capture-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

describe('capture', () => {
  it('writes raw /proc text laid out like /proc, fd links as symlinks, no environ, reduced cmdline', async () => {
    const reader = await spawnPipeReader();
    try {
      const out = join(scratch, 'pipe');
      const result = await captureProcess({ fs: createProcFs(), pid: reader.pid, outDir: out, samples: 2, intervalMs: 100, includeCmdline: false });
      expect(result.samples).toBe(2);
      const sample = join(out, 'samples', '0000', 'proc', String(reader.pid));
      expect(readFileSync(join(sample, 'stat'), 'utf8')).toMatch(new RegExp(`^${reader.pid} \\(cat\\) S `));
      expect(readFileSync(join(sample, 'task', String(reader.pid), 'wchan'), 'utf8')).toMatch(/pipe/);
      const fd0 = join(sample, 'fd', '0');
      expect(lstatSync(fd0).isSymbolicLink()).toBe(true);
      expect(readlinkSync(fd0)).toMatch(/^pipe:\[\d+\]$/);
      expect(readFileSync(join(sample, 'cmdline'), 'utf8')).toBe('cat\0');
      expect(walk(out).some((p) => p.endsWith('/environ'))).toBe(false);
      expect(existsSync(join(out, 'samples', '0000', 'errors.json'))).toBe(true);
      expect(existsSync(join(out, 'samples', '0000', 'proc', 'pressure', 'cpu'))).toBe(true);
      const meta = loadCapture(out).meta;
      expect(meta.pid).toBe(reader.pid);
      expect(meta.comm).toBe('cat');
      expect(meta.samples.map((s) => s.dir)).toEqual(['0000', '0001']);
      expect(meta.samples[1]!.tMonoMs - meta.samples[0]!.tMonoMs).toBeGreaterThanOrEqual(95);
      expect(meta.synthetic).toBe(false);
      expect(meta.fullCmdline).toBe(false);
      expect(readdirSync(scratch).some((n) => n.includes('.partial'))).toBe(false);
    } finally {
      await reader.stop();
    }
  });

  it('keeps the whole command line only with --include-cmdline', async () => {
    const sleeper = await spawnSleeper();
    try {
      const out = join(scratch, 'cmdline');
      await captureProcess({ fs: createProcFs(), pid: sleeper.pid, outDir: out, samples: 1, intervalMs: 10, includeCmdline: true });
      expect(readFileSync(join(out, 'samples', '0000', 'proc', String(sleeper.pid), 'cmdline'), 'utf8')).toBe('sleep\u00001000\u0000');
    } finally {
      await sleeper.stop();
    }
  });

  it('stops early and says so when the process exits between samples', async () => {
    const short = await spawnShortLived(250);
    const out = join(scratch, 'short');
    const result = await captureProcess({ fs: createProcFs(), pid: short.pid, outDir: out, samples: 5, intervalMs: 200, includeCmdline: false });
    expect(result.exitedEarly).toBe(true);
    expect(result.samples).toBeGreaterThanOrEqual(1);
    expect(result.samples).toBeLessThan(5);
    expect(loadCapture(out).meta.samples.filter((s) => !s.light)).toHaveLength(result.samples);
    expect(loadCapture(out).meta.samples.at(-1)!.light).toBeUndefined();
  });

  it('an interrupted capture leaves no fixture behind', async () => {
    const sleeper = await spawnSleeper();
    try {
      const out = join(scratch, 'interrupted');
      const child = spawn(process.execPath, [BIN, 'capture', String(sleeper.pid), '-o', out, '--samples', '20', '--interval', '200'], { stdio: 'ignore' });
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await sleep(700);
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(scratch).some((n) => n.includes('.partial'))).toBe(false);
    } finally {
      await sleeper.stop();
    }
  });

  it('a capture killed outright (SIGKILL) leaves its partial; the next capture beside it removes it and says so', async () => {
    const sleeper = await spawnSleeper();
    const parent = join(scratch, 'killed');
    // Only the capture's own directory is created (as mkdir does): its parent must exist.
    mkdirSync(parent);
    try {
      const child = spawn(process.execPath, [BIN, 'capture', String(sleeper.pid), '-o', join(parent, 'first'), '--samples', '20', '--interval', '200'], { stdio: 'ignore' });
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      let partial: string | undefined;
      for (let i = 0; partial === undefined; i++) {
        if (i > 1000) throw new Error('no partial directory appeared');
        await sleep(10);
        partial = existsSync(parent) ? readdirSync(parent).find((n) => n.startsWith('.first.partial-')) : undefined;
      }
      child.kill('SIGKILL');
      await closed;
      expect(readdirSync(parent)).toEqual([partial]);
      const next = await runCli(['capture', String(sleeper.pid), '-o', join(parent, 'second'), '--samples', '1']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toBe(`proctriage: removed a partial capture left in ${parent} by a proctriage that was killed or stopped at once: ${partial}\n`);
      expect(readdirSync(parent)).toEqual(['second']);
    } finally {
      await sleeper.stop();
    }
  });
});
