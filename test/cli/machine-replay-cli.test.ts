/**
 * Issue 13, point 3: a machine capture (sample --capture) replays through every documented
 * command, and options that do not apply are refused with one line rather than ignored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSleeper, stopAll, type Spawned } from '../support/spawners.js';
import { ensureBuilt } from '../ui/support/build.js';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'proctriage-machine-replay-'));
const dir = join(work, 'cap');
let sleeper: Spawned;

beforeAll(async () => {
  ensureBuilt();
  sleeper = await spawnSleeper();
  const r = await runCli(['sample', '--duration', '1', '--hz', '3', '--capture', dir]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
});

describe('a machine capture', () => {
  it('triage --replay lists the processes it holds, the one the test started among them', async () => {
    const r = await runCli(['triage', '--replay', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${dir} is a machine capture: 3 samples of every thread, no process in focus`);
    expect(r.stdout).toMatch(new RegExp(`^ +${sleeper.pid} +1 +1S +sleep$`, 'm'));
    expect(r.stdout).toContain(`Diagnose one: proctriage triage --replay ${dir} --pid PID`);
    expect(r.stdout + r.stderr).not.toContain('came from');
  });

  it('triage --replay --pid diagnoses one of them (text and JSON)', async () => {
    const text = await runCli(['triage', '--replay', dir, '--pid', String(sleeper.pid)]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/sleep \(hrtimer_nanosleep\)|in sleep/);
    const json = await runCli(['triage', '--replay', dir, '--pid', String(sleeper.pid), '--json']);
    expect(json.code, json.stderr).toBe(0);
    const d = JSON.parse(json.stdout) as { process: { pid: number }; threads: { wait: { kind: string } }[] };
    expect(d.process.pid).toBe(sleeper.pid);
    expect(d.threads[0]!.wait.kind).toBe('sleep');
  });

  it('triage --replay --pid of a process it does not hold: one line, exit 2', async () => {
    const r = await runCli(['triage', '--replay', dir, '--pid', '4000000']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('holds no process 4000000');
  });

  it('sample --replay prints its distribution as sample does, text and JSON', async () => {
    const text = await runCli(['sample', '--replay', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^proctriage sample --replay .*: 3 samples over [\d.]+ s — average active threads by wait/);
    // The test's sleeper is in a `sleep` group (alone, or with the machine's other sleeps).
    expect(text.stdout).toMatch(/ sleep +\S+ +sleep +(pid \d+|\d+ processes)/);
    const json = await runCli(['sample', '--replay', dir, '--json']);
    expect((JSON.parse(json.stdout) as { samples: number }).samples).toBe(3);
  });

  it('the dashboards need a terminal, and say which command works without one', async () => {
    for (const args of [['replay', dir], ['top', '--replay', dir]]) {
      const r = await runCli(args);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`proctriage sample --replay ${dir}`);
    }
  });
});

describe('options that do not apply are refused with one line, exit 2', () => {
  it.each([
    [['triage', '--replay', 'X', '--interval', '300'], '--interval does not apply with --replay'],
    [['top', '--once', '--hz', '3'], '--hz does not apply with --once'],
    [['top', '--replay', 'X', '--hz', '3'], '--hz does not apply with --replay'],
    [['sample', '--replay', 'X', '--duration', '3'], '--duration does not apply with --replay'],
    [['sample', '--replay', 'X', '--hz', '3', '--capture', 'Y'], '--hz and --capture do not apply with --replay'],
    [['triage', '--pid', '1'], '--pid needs --replay DIR'],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`proctriage: ${message}${message.startsWith('--pid') ? r.stderr.trim().slice(`proctriage: ${message}`.length) : ''}`]);
  });
});
