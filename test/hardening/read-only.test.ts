/**
 * The tool is read-only, and captures leak nothing by default. strace watches `triage`,
 * `capture` and `triage --replay`: no file under /proc or /sys is opened for writing, no
 * signal is sent to another process, nothing is ptraced or read through process_vm_readv.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../cli/run-cli.js';
import { spawnEpollIdle, spawnSleeper, stopAll } from '../support/spawners.js';
import { have, traceCli, WRITE_FLAGS, type TracedCall } from './support.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-readonly-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hasStrace = have('strace');
if (!hasStrace) console.warn('read-only.test.ts: the strace checks are skipped: install strace (apt-get install strace)');

/** Waits until the capture has started writing its partial directory (its signal handlers are set by then). */
/** The capture is under way once its hidden partial directory exists (samples are written into it at the end). */
async function capturing(prefix: string): Promise<void> {
  for (let i = 0; !readdirSync(scratch).some((n) => n.startsWith(prefix)); i++) {
    if (i > 500) throw new Error(`no ${prefix}* directory appeared in ${scratch}`);
    await sleep(10);
  }
}

const SIGNALS = new Set(['kill', 'tkill', 'tgkill', 'pidfd_send_signal', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo']);
const NEVER = new Set(['ptrace', 'process_vm_readv', 'process_vm_writev']);

/**
 * No write-mode open below /proc or /sys (nor anywhere but `writable`), no ptrace, and signals
 * only to itself: the first argument of kill/tgkill is the CLI's own pid, of tkill one of its threads.
 */
function expectReadOnly(calls: readonly TracedCall[], pid: number, writable: (path: string) => boolean = () => false): void {
  const ownThreads = new Set(calls.map((c) => c.pid));
  const bad = calls.filter((c) => {
    if (NEVER.has(c.name)) return true;
    if (SIGNALS.has(c.name)) {
      const target = Number(/^(-?\d+)/.exec(c.args)?.[1]);
      return c.name === 'tkill' ? !ownThreads.has(target) : target !== pid;
    }
    if (c.path === undefined) return false;
    const writes = c.name === 'creat' || WRITE_FLAGS.test(c.flags ?? '');
    return writes && (/^\/(proc|sys)(\/|$)/.test(c.path) || !writable(c.path));
  });
  expect(bad.map((c) => `${c.pid} ${c.name}(${c.args.slice(0, 160)})`)).toEqual([]);
  // It did read /proc: the trace saw the reads it is about.
  expect(calls.some((c) => c.path?.startsWith('/proc/') && c.flags?.startsWith('O_RDONLY'))).toBe(true);
}

describe.runIf(hasStrace)('read-only under strace', () => {
  it('triage of a live process: opens /proc read-only, sends no signal, never ptraces', async () => {
    const target = await spawnEpollIdle();
    try {
      const { result, calls, pid } = await traceCli(['triage', String(target.pid), '--interval', '200']);
      expect(result.code, result.stderr).toBe(0);
      expectReadOnly(calls, pid);
      expect(calls.some((c) => c.path?.startsWith(`/proc/${target.pid}/task/`))).toBe(true);
    } finally {
      await target.stop();
    }
  });

  it('capture writes only into its own partial directory, then renames it; replay of it writes nothing', async () => {
    const target = await spawnSleeper();
    try {
      const out = join(scratch, 'traced-capture');
      const partial = join(dirname(out), `.${'traced-capture'}.partial-`);
      const { result, calls, pid } = await traceCli(['capture', String(target.pid), '-o', out, '--samples', '2', '--interval', '100']);
      expect(result.code, result.stderr).toBe(0);
      expectReadOnly(calls, pid, (path) => path.startsWith(partial));
      expect(calls.some((c) => c.path?.startsWith(partial) && WRITE_FLAGS.test(c.flags ?? ''))).toBe(true);

      const replay = await traceCli(['triage', '--replay', out, '--json']);
      expect(replay.result.code, replay.result.stderr).toBe(0);
      const opens = replay.calls.filter((c) => c.path !== undefined && (c.name === 'creat' || WRITE_FLAGS.test(c.flags ?? '')));
      expect(opens.map((c) => c.path)).toEqual([]);
      expect(replay.calls.filter((c) => NEVER.has(c.name) || (SIGNALS.has(c.name) && !c.args.startsWith(String(replay.pid))))).toEqual([]);
    } finally {
      await target.stop();
    }
  });
});

describe('captures leak nothing by default', () => {
  it('no environ, cmdline reduced, and the capture is readable by its owner only', async () => {
    const target = await spawnSleeper();
    try {
      const out = join(scratch, 'private');
      const r = await runCli(['capture', String(target.pid), '-o', out, '--samples', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(out).mode & 0o077).toBe(0);
      const files = (function walk(dir: string): string[] {
        return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      })(out);
      expect(files.filter((f) => /\/(environ|mem|auxv|maps|smaps|pagemap|mountinfo)$/.test(f))).toEqual([]);
      expect(readFileSync(join(out, 'samples', '0000', 'proc', String(target.pid), 'cmdline'), 'utf8')).toBe('sleep\0');
    } finally {
      await target.stop();
    }
  });

  /** Captures a sleeper into scratch/name and sends `signal` once the capture is writing. */
  async function interruptedCapture(name: string, signal: NodeJS.Signals): Promise<{ out: string; code: number | null }> {
    const target = await spawnSleeper();
    try {
      const out = join(scratch, name);
      const child = spawn(process.execPath, [BIN, 'capture', String(target.pid), '-o', out, '--samples', '20', '--interval', '200'], { stdio: 'ignore' });
      const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      await capturing(`.${name}.partial-`);
      child.kill(signal);
      return { out, code: await closed };
    } finally {
      await target.stop();
    }
  }

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('a capture stopped by %s leaves nothing that replays (exit %i)', async (signal, code) => {
    const stopped = await interruptedCapture(`stopped-${signal}`, signal);
    expect(stopped.code).toBe(code);
    expect(existsSync(stopped.out)).toBe(false);
    expect(readdirSync(scratch).filter((n) => n.startsWith(`.stopped-${signal}`))).toEqual([]);
  });

  it('a capture killed outright (SIGKILL) leaves only a hidden partial directory, which replay refuses', async () => {
    const killed = await interruptedCapture('killed', 'SIGKILL');
    expect(existsSync(killed.out)).toBe(false);
    const partial = readdirSync(scratch).filter((n) => n.startsWith('.killed.partial-'));
    expect(partial).toHaveLength(1);
    const r = await runCli(['triage', '--replay', join(scratch, partial[0]!)]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^proctriage: .*not a usable capture: no meta\.json/);
  });
});
