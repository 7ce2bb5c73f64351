import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCapture } from '../../src/capture/fixture.js';
import { createPartial } from '../../src/capture/partial.js';
import { BIN, runCli } from '../cli/run-cli.js';
import { AS_NOBODY, cliCopyForNobody, have, isRoot } from '../hardening/support.js';
import { spawnManyThreads, spawnSleeper, stopAll, type Spawned } from '../support/spawners.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-watch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `proctriage watch …` as a child, its stdout collected line by line. */
class Watch {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  /** `prefix`: a command that runs the CLI (setpriv …); `bin`: the CLI to run. */
  constructor(args: readonly string[], options: { bin?: string; prefix?: readonly string[] } = {}) {
    const [command, ...rest] = [...(options.prefix ?? []), process.execPath, options.bin ?? BIN, 'watch', ...args] as [string, ...string[]];
    this.child = spawn(command, rest, { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  async waitForLines(n: number, timeoutMs = 15_000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (this.lines.length < n) {
      if (Date.now() > until) throw new Error(`no ${n} capture line(s) after ${timeoutMs} ms; stdout ${JSON.stringify(this.stdout)} stderr ${JSON.stringify(this.stderr)}`);
      if (this.child.exitCode !== null) throw new Error(`watch exited ${this.child.exitCode}: ${this.stderr}`);
      await sleep(50);
    }
    return this.lines;
  }

  /** Resolves once the watch has installed its SIGTERM handler (SigCgt bit 15 in /proc/PID/status). */
  async ready(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const caught = BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
      if (caught & (1n << 14n)) return;
      if (Date.now() > until || this.child.exitCode !== null) throw new Error(`watch did not start: ${this.stderr}`);
      await sleep(50);
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Polls `probe` every few ms until it returns a value. */
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; await sleep(2)) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

function capturesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

async function withSleeper(body: (s: Spawned) => Promise<void>): Promise<void> {
  const s = await spawnSleeper();
  try {
    await body(s);
  } finally {
    process.kill(s.pid, 'SIGCONT');
    await s.stop();
  }
}

describe('proctriage watch (live)', () => {
  it('captures a process stopped then continued; the capture replays to "stopped" at the trigger sample', async () => {
    await withSleeper(async (s) => {
      const dir = join(scratch, 'stopped');
      const w = new Watch([String(s.pid), '--when', 'state:T', '--capture', dir, '--before', '2', '--after', '1', '--interval', '200']);
      try {
        await w.ready();
        await sleep(1500); // let the ring fill with samples of the sleep before the stop
        process.kill(s.pid, 'SIGSTOP');
        const [line] = await w.waitForLines(1, 30_000);
        process.kill(s.pid, 'SIGCONT');
        expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ captured ${dir}/0001 \\(state:T held \\d+\\.\\d s by tid ${s.pid}; pid ${s.pid} sleep; \\d+ samples, trigger at \\d+; [\\d.]+ MB\\)$`));
      } finally {
        expect(await w.stop()).toBe(0);
      }
      expect(w.lines).toHaveLength(1); // the cooldown (60 s) holds back a second capture
      expect(capturesIn(dir)).toEqual(['0001']); // and no partial directory is left
      const cap = loadCapture(join(dir, '0001'));
      const trigger = cap.meta.triggerSample!;
      expect(trigger).toBeGreaterThanOrEqual(3); // ~1.5 s of samples at 200 ms before the stop (ring of 11)
      expect(cap.meta.samples.length - 1 - trigger).toBe(5); // --after 1 s at 200 ms
      expect(cap.meta.scenario).toContain('--when state:T held at');
      const stateAt = (i: number) => readFileSync(join(cap.dir, 'samples', cap.meta.samples[i]!.dir, 'proc', String(s.pid), 'stat'), 'utf8').split(') ')[1]![0];
      expect(stateAt(0)).toBe('S');
      expect(stateAt(trigger)).toBe('T');

      const replay = await runCli(['triage', '--replay', join(dir, '0001'), '--json']);
      expect(replay.code).toBe(0);
      const d = JSON.parse(replay.stdout) as { verdict: { kind: string }; threads: { tid: number; wait: { kind: string } }[] };
      expect(d.threads.find((t) => t.tid === s.pid)?.wait.kind).toBe('stopped');
      expect(d.verdict.kind).toBe('stopped');
      // --sample picks another sample: the first is the sleep before it was stopped.
      const first = await runCli(['triage', '--replay', join(dir, '0001'), '--json', '--sample', '1']);
      expect((JSON.parse(first.stdout) as typeof d).threads[0]?.wait.kind).toBe('sleep');
      const past = await runCli(['triage', '--replay', join(dir, '0001'), '--sample', '999']);
      expect(past.code).toBe(2);
    });
  }, 60_000);

  it('keeps running after a capture and bounds the disk: --cooldown 0 --max-captures 2 keeps the newest two', async () => {
    await withSleeper(async (s) => {
      const dir = join(scratch, 'bounded');
      const w = new Watch([String(s.pid), '--when', 'state:S', '--capture', dir, '--before', '0', '--after', '0', '--interval', '100', '--cooldown', '0', '--max-captures', '2']);
      let lines: string[];
      try {
        lines = await w.waitForLines(4, 30_000);
      } finally {
        await w.stop();
      }
      expect(lines[2]).toContain(`deleted ${dir}/0001`);
      const kept = capturesIn(dir);
      expect(kept).toHaveLength(2);
      expect(kept.at(-1)).toBe(String(w.lines.length).padStart(4, '0'));
    });
  }, 60_000);

  it('SIGTERM while collecting the samples after a trigger writes the capture it has, marked cut short', async () => {
    await withSleeper(async (s) => {
      const dir = join(scratch, 'cut');
      const w = new Watch([String(s.pid), '--when', 'state:S', '--capture', dir, '--before', '1', '--after', '60', '--interval', '100']);
      await w.ready();
      await sleep(800);
      expect(await w.stop()).toBe(0);
      expect(w.lines).toHaveLength(1);
      expect(w.lines[0]).toContain('cut short');
      expect(capturesIn(dir)).toEqual(['0001']);
      expect(loadCapture(join(dir, '0001')).meta.samples.length).toBeGreaterThan(2);
    });
  }, 60_000);

  it('fires on system CPU pressure it causes, then holds back during the cooldown', async () => {
    // Busy loops on every CPU and then some: tasks wait for a CPU, so cpu "some" total rises.
    const burners = Array.from({ length: 3 }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    const dir = join(scratch, 'psi');
    // A small capture (two samples of the whole machine): writing thousands of small files is slow under load.
    const w = new Watch(['--when', 'psi:cpu.some.total>0us/s', '--capture', dir, '--before', '0', '--after', '0', '--interval', '250', '--cooldown', '60']);
    try {
      const [line] = await w.waitForLines(1, 45_000);
      expect(line).toMatch(/captured .*\/0001 \(psi:cpu\.some\.total [\d.]+ (ms|us)\/s \(>0us\/s\); /);
      await sleep(1500); // pressure goes on; the cooldown must hold
    } finally {
      for (const b of burners) b.kill('SIGKILL');
      await w.stop();
    }
    expect(w.lines).toHaveLength(1);
    const cap = loadCapture(join(dir, '0001'));
    const sampleDir = join(cap.dir, 'samples', cap.meta.samples[cap.meta.triggerSample!]!.dir, 'proc');
    expect(readFileSync(join(sampleDir, 'pressure', 'cpu'), 'utf8')).toMatch(/^some avg10=/);
    expect(existsSync(join(sampleDir, '1', 'task', '1', 'stat'))).toBe(true); // the machine's threads
    expect(existsSync(join(sampleDir, String(w.child.pid), 'task')), "proctriage's own threads are left out").toBe(false);
  }, 90_000);

  it('a watch killed (SIGKILL) while writing leaves a partial; the next watch removes it, and only it', async () => {
    // 50 threads, 21 samples: a capture of some 10,000 files, written over a while in the background.
    const target = await spawnManyThreads(50, 'nanosleep');
    const dir = join(scratch, 'killed');
    try {
      const killed = new Watch([String(target.pid), '--when', 'state:S>1s', '--capture', dir, '--before', '1', '--after', '0', '--interval', '50']);
      const starttime = await until('the watch in /proc', () => readFileSync(`/proc/${killed.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19]);
      const writing = (n: string) => n.startsWith('.0001.partial-') && existsSync(join(dir, n, 'samples', '0000'));
      const partial = await until('capture 1 being written', () => (existsSync(dir) ? readdirSync(dir).find(writing) : undefined));
      killed.child.kill('SIGKILL');
      await killed.exited;
      expect(partial).toBe(`.0001.partial-${killed.child.pid}-${starttime}`);
      expect(capturesIn(dir), 'killed before the capture was renamed').toEqual([partial]);
      // Left alone: a directory of the same name scheme holding files but no proctriage marker,
      // and a live writer's partial (this test's).
      const notOurs = `.0002.partial-${killed.child.pid}-${starttime}`;
      mkdirSync(join(dir, notOurs));
      writeFileSync(join(dir, notOurs, 'notes.txt'), 'not proctriage\'s');
      const live = createPartial(dir, '0003');

      const next = new Watch([String(target.pid), '--when', 'state:Z', '--capture', dir, '--interval', '100']);
      try {
        await until('the cleanup line', () => (next.stderr.includes('\n') ? true : undefined));
      } finally {
        expect(await next.stop()).toBe(0);
      }
      expect(next.stderr).toBe(`proctriage: removed a partial capture left in ${dir} by a proctriage that was killed or stopped at once: ${partial}\nproctriage: SIGTERM: sampling stops after the sample being read; a second signal stops at once\n`);
      expect(next.lines).toEqual([]);
      expect(capturesIn(dir)).toEqual([notOurs, live.slice(dir.length + 1)].sort());
    } finally {
      await target.stop();
    }
  }, 60_000);

  it('bad conditions and missing PIDs are one-line usage errors (exit 2)', async () => {
    const bad = await runCli(['watch', '--when', 'psi:cpu.some.avg11>3', '--capture', join(scratch, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown PSI field "avg11"/);
    const cpu = await runCli(['watch', '--when', 'cpu>50', '--capture', join(scratch, 'x')]);
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toBe('proctriage: --when cpu>50 is the CPU of one process: give a PID\n');
    const none = await runCli(['watch', '--capture', join(scratch, 'x')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--when/);
  });
});

describe.runIf(isRoot && have('setpriv'))('proctriage watch as uid 65534', () => {
  it('a capture directory it may not write: a warning at the start, a line per failed capture, and it goes on', async () => {
    const cli = cliCopyForNobody();
    const dir = mkdtempSync(join(tmpdir(), 'proctriage-watch-denied-'));
    chmodSync(dir, 0o755); // root's: nobody may read it, not write it
    const s = await spawnSleeper();
    try {
      const w = new Watch([String(s.pid), '--when', 'state:S', '--capture', dir, '--before', '0', '--after', '0', '--interval', '100', '--cooldown', '0'], { bin: cli.bin, prefix: AS_NOBODY });
      try {
        await until('two failed captures', () => (w.stderr.split('\n').length > 3 ? true : undefined));
      } finally {
        expect(await w.stop()).toBe(0);
      }
      const [warning, ...rest] = w.stderr.trimEnd().split('\n');
      // The stop (SIGTERM) says so in a line of its own, and writing what was collected may too.
      const failures = rest.filter((l) => !/^proctriage: (SIGTERM: sampling stops|writing )/.test(l));
      expect(rest).toContain('proctriage: SIGTERM: sampling stops after the sample being read; a second signal stops at once');
      expect(warning).toBe(`proctriage: warning: captures cannot be written to ${dir} (permission denied); watching anyway`);
      expect(failures.length).toBeGreaterThanOrEqual(2);
      for (const line of failures) {
        expect(line).toMatch(new RegExp(`^proctriage: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ could not write the capture of state:S held [\\d.]+ s by tid ${s.pid} to ${dir}/0001: permission denied; still watching$`));
      }
      expect(w.lines).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
      cli.remove();
    }
  }, 60_000);
});
