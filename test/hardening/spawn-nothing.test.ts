/**
 * proctriage starts no program: it answers from /proc, and whoever controls PATH must not
 * decide what it runs as root. Every command runs under `strace -f -e trace=execve,execveat`,
 * and the only exec allowed is node's own start. The dashboards run in tmux, as a user would
 * (blessed asks tmux for its version there), and until the host line is drawn (the host facts
 * are read after the first frame).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSleeper, stopAll, type Spawned } from '../support/spawners.js';
import { Tmux, tmuxAvailable } from '../ui/support/tmux.js';
import { have, parseStrace, PROJECT, traceCli, type TracedCall } from './support.js';

const EXECS = ['execve', 'execveat'] as const;
const BIN = join(PROJECT, 'bin', 'proctriage');
const canTrace = have('strace');
if (!canTrace) console.warn('spawn-nothing.test.ts: skipped: install strace (apt-get install strace)');

const scratch = mkdtempSync(join(tmpdir(), 'proctriage-spawn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(stopAll);

/** The execs strace saw: the first is strace starting node; anything after is a program proctriage ran. */
function expectOnlyNodeStarted(calls: readonly TracedCall[]): void {
  const execs = calls.filter((c) => (EXECS as readonly string[]).includes(c.name));
  expect(execs.length, 'strace saw node start').toBeGreaterThanOrEqual(1);
  expect(execs[0]!.args).toContain(JSON.stringify(process.execPath));
  expect(execs.slice(1).map((c) => `${c.pid} ${c.name}(${c.args.slice(0, 200)})`)).toEqual([]);
}

describe.runIf(canTrace)('no command execs a program', () => {
  let sleeper: Spawned;
  beforeAll(async () => {
    sleeper = await spawnSleeper();
  });

  const traced = async (args: readonly string[]) => {
    const { result, calls } = await traceCli(args, { trace: EXECS });
    expect(result.code, result.stderr).toBe(0);
    expectOnlyNodeStarted(calls);
  };

  it('triage', () => traced(['triage', String(sleeper.pid), '--interval', '100']));
  it('top --once', () => traced(['top', '--once']));
  it('sample', () => traced(['sample', '--duration', '0.2']));
  it('capture, then triage --replay of it', async () => {
    const out = join(scratch, 'cap');
    await traced(['capture', String(sleeper.pid), '-o', out, '--samples', '2', '--interval', '100']);
    await traced(['triage', '--replay', out]);
  });
});

describe.runIf(canTrace && tmuxAvailable())('the dashboards in tmux exec no program', () => {
  const tmux = new Tmux();
  afterAll(() => tmux.killServer());

  /** Run a dashboard in tmux under strace until its host line shows, quit it, and return the execs traced. */
  async function dashboard(args: string, ready: RegExp): Promise<TracedCall[]> {
    const out = join(scratch, `trace-${args.split(' ')[0]}`);
    const pane = tmux.start(`strace -f -qq -e trace=${EXECS.join(',')} -o ${out} ${process.execPath} ${BIN} ${args}; echo "EXIT=$?"; sleep 600`, { cols: 120, rows: 40 });
    try {
      await pane.waitFor(ready, 20_000);
      pane.keys('q');
      const screen = await pane.waitFor(/EXIT=\d+/);
      expect(/EXIT=(\d+)/.exec(screen)![1]).toBe('0');
    } finally {
      pane.kill();
    }
    return parseStrace(readFileSync(out, 'utf8'));
  }

  it('attach, until the host line is drawn', async () => {
    const sleeper = await spawnSleeper();
    try {
      expectOnlyNodeStarted(await dashboard(`attach ${sleeper.pid}`, /host .*kernel /));
    } finally {
      await sleeper.stop();
    }
  });

  it('top, until the host line is drawn', async () => {
    expectOnlyNodeStarted(await dashboard('top --hz 2', /host .*kernel /));
  });
});
