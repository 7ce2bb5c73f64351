/**
 * The dashboard in a real terminal: tmux runs `proctriage attach` on live processes this file
 * starts, and `proctriage replay` on a capture it makes; `capture-pane -p` is what a user sees.
 * Needs tmux (CI: apt-get install -y tmux) and gcc (the spawners compile small C programs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { AS_NOBODY, cliCopyForNobody } from '../hardening/support.js';
import { spawnEpollIdle, spawnFutexLockQueue, spawnManyThreads, spawnSleeper, spawnThreadChurn, spawnWaitpidParent, stopAll, type Spawned } from '../support/spawners.js';
import { BIN, ensureBuilt } from './support/build.js';
import { Tmux, tmuxAvailable, type TmuxPane } from './support/tmux.js';

const tmux = new Tmux();
const work = mkdtempSync(join(tmpdir(), 'proctriage-ui-e2e-'));

/**
 * Run the CLI in a pane; after it ends the pane prints its exit code and the terminal modes.
 * `bin`: another copy of the CLI (one another user can read, for `prefix: setpriv …`).
 */
function open(args: string, options: { cols?: number; rows?: number; env?: Record<string, string>; prefix?: string; bin?: string } = {}): TmuxPane {
  const line = `${options.prefix ?? ''}${process.execPath} ${options.bin ?? BIN} ${args}; echo "EXIT=$?"; stty -a; sleep 600`;
  return tmux.start(line, options);
}

/** After the dashboard ends: its exit code, and whether the terminal is back in cooked mode with echo. */
async function ended(pane: TmuxPane): Promise<{ code: number; screen: string }> {
  const screen = await pane.waitFor(/EXIT=\d+[\s\S]*icanon/);
  pane.kill();
  return { code: Number(/EXIT=(\d+)/.exec(screen)![1]), screen };
}

function terminalRestored(screen: string): boolean {
  // stty -a prints `-icanon`/`-echo` while a program holds the terminal raw.
  return /(^|\s)icanon(\s|$)/m.test(screen) && /(^|\s)echo(\s|$)/m.test(screen) && !screen.includes('─ threads') && !screen.includes('─ waits');
}

/** The dashboard's own pid: the node child of the pane's shell. */
function dashboardPid(pane: TmuxPane): number {
  const children = readFileSync(`/proc/${pane.pid()}/task/${pane.pid()}/children`, 'utf8').trim().split(/\s+/);
  return Number(children[0]);
}

/** Ways to end a dashboard other than q, and the exit code each gives. */
const stops: [string, (pane: TmuxPane) => void, number][] = [
  ['Ctrl-C', (pane) => pane.keys('C-c'), 0],
  ['SIGTERM', (pane) => void process.kill(dashboardPid(pane), 'SIGTERM'), 143],
  ['SIGHUP', (pane) => void process.kill(dashboardPid(pane), 'SIGHUP'), 129],
];

beforeAll(() => {
  if (!tmuxAvailable()) throw new Error('tmux is needed for the dashboard end-to-end tests (apt-get install -y tmux)');
  ensureBuilt();
}, 120_000);

afterAll(async () => {
  tmux.killServer();
  await stopAll();
  rmSync(work, { recursive: true, force: true });
});

describe('proctriage attach in tmux', () => {
  let parent: Spawned;
  beforeAll(async () => {
    parent = await spawnWaitpidParent();
  });

  it('shows a parent in waitpid with its explanation, and q exits with the terminal restored', async () => {
    const pane = open(`attach ${parent.pid}`);
    const screen = await pane.waitFor('waits for  A child process');
    expect(screen).toContain(`pid ${parent.pid} sh`);
    expect(screen).toMatch(new RegExp(`▶${parent.pid}\\s+sh\\s+S waitpid\\s+do_wait`));
    expect(screen).toContain('kernel     do_wait');
    expect(screen).toContain('syscall    wait4 (nr 61)');
    expect(screen).toMatch(/─ PSI — /);
    expect(screen).toContain('─ decision tree');
    expect(screen).toContain('→ next');
    expect(screen).toMatch(/q quit\s+\? help/);
    await pane.waitFor(/host .*kernel /); // the host facts, read once after the first frame
    pane.keys('q');
    const end = await ended(pane);
    expect(end.code).toBe(0);
    expect(terminalRestored(end.screen)).toBe(true);
  });

  it.each(stops)('%s ends it with the terminal restored', async (_, stop, code) => {
    const pane = open(`attach ${parent.pid}`);
    await pane.waitFor('waitpid');
    stop(pane);
    const end = await ended(pane);
    expect(end.code).toBe(code);
    expect(terminalRestored(end.screen)).toBe(true);
  });

  it('a pid that does not exist: one line, exit 3, the screen never taken over', async () => {
    const end = await ended(open('attach 4000000'));
    expect(end.code).toBe(3);
    expect(end.screen).toContain('proctriage: no process with pid 4000000');
    expect(terminalRestored(end.screen)).toBe(true);
  });

  it('re-lays out on resize and says when the terminal is too small', async () => {
    const pane = open(`attach ${parent.pid}`, { cols: 120, rows: 40 });
    await pane.waitFor('waitpid');
    pane.resize(70, 20);
    await pane.waitFor('the terminal is too small');
    expect(pane.screen()).toContain('it is 70×20; the dashboard needs at least 80×24');
    pane.resize(100, 30);
    const screen = await pane.waitFor('─ threads');
    expect(screen.split('\n').filter((l) => l.length > 0).length).toBeLessThanOrEqual(30);
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  });

  it('as another user, shows what it cannot read as needs root', async () => {
    if (spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error('setpriv (util-linux) is needed');
    // The checkout may sit where uid 65534 cannot read (under a 0700 directory): run a copy it can.
    const cli = cliCopyForNobody();
    try {
      const pane = open(`attach ${parent.pid}`, { prefix: `${AS_NOBODY.join(' ')} `, bin: cli.bin });
      const screen = await pane.waitFor('open fds needs root');
      expect(screen).toContain('view: partial — needs root');
      expect(screen).toMatch(/S unknown\s+needs root/);
      expect(screen).toContain('stack      needs root');
      expect(screen).toContain('read needs root');
      pane.keys('q');
      expect((await ended(pane)).code).toBe(0);
    } finally {
      cli.remove();
    }
  });
});

describe('attach: keys on an idle event loop and a lock queue', () => {
  it('arrows and j/k move the selection, Enter opens the detail, Esc closes it', async () => {
    const idle = await spawnEpollIdle();
    const pane = open(`attach ${idle.pid} --interval 500`);
    let screen = await pane.waitFor('do_epoll_wait');
    expect(screen).toMatch(/S epoll\s+do_epoll_wait/);
    const selected = () => /▶(\d+)/.exec(pane.screen())?.[1];
    const first = selected();
    pane.keys('Down');
    await pane.waitFor((s) => /▶(\d+)/.exec(s)?.[1] !== first);
    const second = selected();
    pane.keys('k');
    await pane.waitFor((s) => /▶(\d+)/.exec(s)?.[1] === first);
    pane.keys('j');
    await pane.waitFor((s) => /▶(\d+)/.exec(s)?.[1] === second);
    pane.keys('Enter');
    screen = await pane.waitFor(`thread ${second} explained`);
    expect(screen).toContain('wakes when');
    expect(screen).toContain('decided by');
    pane.keys('Escape');
    await pane.waitFor((s) => !s.includes('explained'));
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  });

  it('groups threads on the same lock, sorts, pauses, and writes a capture on c', async () => {
    const queue = await spawnFutexLockQueue(6);
    const pane = open(`attach ${queue.pid} --capture-dir ${work}`, { cols: 160, rows: 45 });
    await pane.waitFor('futex');
    pane.keys('g');
    let screen = await pane.waitFor(/6 ×\s+\S+\s+S futex\s+futex_\w+/);
    expect(screen).toContain('threads (7, 2 groups)');
    pane.keys('s');
    await pane.waitFor('by CPU %');
    pane.keys('p');
    await pane.waitFor('PAUSED');
    pane.keys('p');
    await pane.waitFor((s) => !s.includes('PAUSED'));
    pane.keys('c');
    screen = await pane.waitFor(/capture written to (\S+)/, 15_000);
    const dir = /capture written to (\S+)/.exec(screen)![1]!;
    expect(dir.startsWith(work)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).pid).toBe(queue.pid);
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  });

  it('keys answer while c writes a capture of a big process: it says how far it is, c cancels it leaving nothing, q quits at once', async () => {
    const big = await spawnManyThreads(3000, 'futex');
    const dirs = () => readdirSync(work).filter((n) => n.includes(`proctriage-${big.pid}-`));
    const before = dirs();
    const pane = open(`attach ${big.pid} --capture-dir ${work}`, { cols: 160, rows: 45 });
    await pane.waitFor('threads (3001', 20_000);
    pane.keys('c');
    await pane.waitFor(/capturing pid \d+: (sample \d of 2|writing \d+ of \d+ files) .* c or Esc cancels/, 20_000);
    pane.keys('c');
    await pane.waitFor('capture cancelled: nothing was written', 10_000);
    expect(dirs()).toEqual(before);
    expect(readdirSync(work).some((n) => n.includes('.partial'))).toBe(false);
    pane.keys('c');
    await pane.waitFor(/capturing pid \d+/, 10_000);
    const asked = Date.now();
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
    // A quit during a capture answers at once: the capture is cancelled and its partial removed.
    expect(Date.now() - asked).toBeLessThan(5_000);
    await big.stop();
    expect(readdirSync(work).some((n) => n.includes('.partial'))).toBe(false);
  }, 90_000);

  it('on a process churning 300 threads a second, keys answer during a capture and the capture replays', async () => {
    const churn = await spawnThreadChurn(300);
    const dirs = () => readdirSync(work).filter((n) => n.startsWith(`proctriage-${churn.pid}-`));
    try {
      const pane = open(`attach ${churn.pid} --capture-dir ${work}`, { cols: 160, rows: 45 });
      await pane.waitFor('threads (', 20_000);
      pane.keys('c');
      await pane.waitFor(/capturing pid \d+/, 10_000);
      pane.keys('?');
      await pane.waitFor('help — ? or Esc closes', 5_000);
      pane.keys('Escape');
      const screen = await pane.waitFor(/capture written to \S+/, 30_000);
      const written = /capture written to (\S+)/.exec(screen)![1]!;
      expect(dirs().length).toBe(1);
      pane.keys('q');
      expect((await ended(pane)).code).toBe(0);
      const replay = await runCli(['triage', '--replay', written]);
      expect(replay.code, replay.stderr).toBe(0);
    } finally {
      await churn.stop();
    }
  }, 90_000);

  it('freezes on the last sample, marked EXITED, when the process exits', async () => {
    const sleeper = await spawnSleeper();
    const pane = open(`attach ${sleeper.pid} --interval 200`);
    await pane.waitFor('sleep');
    await sleeper.stop();
    const screen = await pane.waitFor('EXITED');
    expect(screen).toContain(`process ${sleeper.pid} exited`);
    expect(screen).toMatch(/S sleep\s+hrtimer_nanosleep|S sleep/); // the last sample stays on screen
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  });
});

describe('proctriage replay in tmux', () => {
  let capture: string;
  let pid: number;
  beforeAll(async () => {
    const queue = await spawnFutexLockQueue(3);
    pid = queue.pid;
    capture = join(work, 'replay-cap');
    const r = await runCli(['capture', String(queue.pid), '-o', capture, '--samples', '3', '--interval', '200']);
    expect(r.code, r.stderr).toBe(0);
    await queue.stop();
  }, 60_000);

  it('opens on the last sample, marked REPLAY with the capture time and kernel, and steps with ← →', async () => {
    const pane = open(`replay ${capture}`);
    let screen = await pane.waitFor('REPLAY 3/3');
    const meta = JSON.parse(readFileSync(join(capture, 'meta.json'), 'utf8')) as { kernelRelease: string };
    expect(screen).toContain(`kernel ${meta.kernelRelease}`);
    expect(screen).toMatch(/capture \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(screen).toContain(`pid ${pid}`);
    expect(screen).toMatch(/S futex\s+futex_\w+/);
    expect(screen).toContain('waits for  A user-space lock');
    pane.keys('Left');
    screen = await pane.waitFor('REPLAY 2/3');
    pane.keys('Left', 'Left');
    screen = await pane.waitFor('REPLAY 1/3');
    expect(screen).toContain('measuring…'); // the first sample has no rates
    pane.keys('Right');
    await pane.waitFor('REPLAY 2/3');
    pane.keys('q');
    const end = await ended(pane);
    expect(end.code).toBe(0);
    expect(terminalRestored(end.screen)).toBe(true);
  });

  it('without colour under NO_COLOR, with colour otherwise', async () => {
    const colourCodes = /\u001b\[(?:[0-9;]*;)?3[1-7](?:;[0-9;]*)?m/;
    const plain = open(`replay ${capture}`, { env: { NO_COLOR: '1' } });
    await plain.waitFor('REPLAY 3/3');
    expect(plain.screenWithEscapes()).not.toMatch(colourCodes);
    plain.keys('q');
    await ended(plain);
    const coloured = open(`replay ${capture}`);
    await coloured.waitFor('REPLAY 3/3');
    await sleep(100);
    expect(coloured.screenWithEscapes()).toMatch(colourCodes);
    coloured.keys('q');
    await ended(coloured);
  });
});

describe('proctriage top in tmux', () => {
  // A known load: 6 threads queued on one mutex (comm `waiters`, wait futex), parked before the test goes on.
  let queue: Spawned;
  beforeAll(async () => {
    queue = await spawnFutexLockQueue(6);
  });
  const groupRow = /^│(.)\s*\d+\.\d+ futex\s+futex_\w+\s+waiters\s/m;
  // A fixed 2 Hz: on a quiet machine the adaptive rate reaches 20 Hz, and a screen that is
  // redrawn every 50 ms never holds still long enough to be read as one whole frame.
  const TOP = 'top --hz 2';

  /** Move the selection onto the row that matches `row` (a /m pattern), however the rows are ordered (they move with the load). */
  async function selectRow(pane: TmuxPane, row: RegExp): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = (await pane.waitFor(row)).split('\n');
      const target = rows.findIndex((l) => row.test(l));
      const selected = rows.findIndex((l) => l.startsWith('│▶'));
      if (target === selected) return rows.join('\n');
      if (Date.now() > deadline) throw new Error(`could not select ${String(row)}; the screen showed:\n${rows.join('\n')}`);
      const delta = target - selected;
      pane.keys(...Array.from({ length: Math.abs(delta) }, () => (delta > 0 ? 'Down' : 'Up')));
      await pane.waitFor((s) => s.split('\n').findIndex((l) => l.startsWith('│▶')) !== selected, 5_000).catch(() => '');
    }
  }
  const processRow = () => new RegExp(`^│.\\s+\\d+\\.\\d+\\s+${queue.pid} waiters`, 'm');

  it('groups a known load, shows help on ?, lists a group\'s processes on Enter, Esc goes back, q exits cleanly', async () => {
    const pane = open(TOP, { cols: 160, rows: 50 });
    let screen = await pane.waitFor(groupRow, 20_000);
    // attach's look: a LIVE badge, bordered panels with titles, the keys on the bottom line.
    expect(screen).toMatch(/^ LIVE [\d.]+ Hz\s+whole machine\s+\d+ threads in \d+ processes/);
    expect(screen).toMatch(/┌─ PSI — /);
    expect(screen).toMatch(/┌─ waits — average active threads over \d+ samples/);
    expect(screen).toMatch(/AVG ACT WAIT\s+KERNEL FUNCTION\s+COMM\s+PROCESSES/);
    expect(screen).toMatch(/q quit\s+\? help\s+↑↓ j k select\s+Enter open\s+Esc back\s+p pause/);
    // The dashboard leaves itself out, and says so; its separators are `·`, not ACS `~`.
    expect(screen).toContain(`proctriage's own threads are excluded (pid ${dashboardPid(pane)})`);
    expect(screen).toMatch(/excluded \(pid \d+\) · sampling uses/);
    expect(screen).not.toContain('~');
    expect(screen).not.toMatch(/\d !|! running/);

    pane.keys('?');
    screen = await pane.waitFor('help — ? or Esc closes');
    expect(screen).toMatch(/Enter\s+on a group: its processes; on a process: attach to it/);
    expect(screen).toContain('average active threads');
    expect(screen).not.toMatch(groupRow);
    pane.keys('Escape');
    await pane.waitFor((s) => !s.includes('help —') && /┌─ waits/.test(s));

    const before = await selectRow(pane, groupRow);
    expect(before.split('\n').find((l) => l.startsWith('│▶'))).toMatch(groupRow);
    pane.keys('Enter');
    screen = await pane.waitFor(/processes in futex · futex_\w+ · waiters — Enter attaches, Esc back/);
    expect(screen).toMatch(new RegExp(`^│.\\s+6\\.00\\s+${queue.pid} waiters`, 'm'));
    pane.keys('Escape');
    screen = await pane.waitFor((s) => s.includes('┌─ waits') && s.split('\n').some((l) => l.startsWith('│▶') && groupRow.test(l)));
    expect(screen).not.toContain('processes in');

    pane.keys('q');
    const end = await ended(pane);
    expect(end.code).toBe(0);
    expect(terminalRestored(end.screen)).toBe(true);
  }, 60_000);

  it('Enter on a process opens attach on it; q there comes back to top, q in top exits', async () => {
    const pane = open(TOP, { cols: 160, rows: 50 });
    await pane.waitFor(groupRow, 20_000);
    await selectRow(pane, groupRow);
    pane.keys('Enter');
    await pane.waitFor('processes in futex');
    await selectRow(pane, processRow());
    pane.keys('Enter');
    const screen = await pane.waitFor(`pid ${queue.pid} waiters`, 15_000);
    expect(screen).toMatch(/─ threads \(7\)/);
    pane.keys('q');
    await pane.waitFor('processes in futex', 15_000);
    pane.keys('q');
    const end = await ended(pane);
    expect(end.code).toBe(0);
    expect(terminalRestored(end.screen)).toBe(true);
  }, 60_000);

  it.each(stops)('%s ends it with the terminal restored, as in attach', async (_, stop, code) => {
    const pane = open(TOP);
    await pane.waitFor('┌─ waits', 20_000);
    stop(pane);
    const end = await ended(pane);
    expect(end.code).toBe(code);
    expect(terminalRestored(end.screen)).toBe(true);
  }, 60_000);

  it('says when the terminal is too small, as attach does, and re-lays out when it grows', async () => {
    const pane = open(TOP, { cols: 70, rows: 20, env: { TERM: 'screen' } });
    const screen = await pane.waitFor('the terminal is too small', 20_000);
    expect(screen).toContain('it is 70×20; the dashboard needs at least 80×24');
    expect(screen).toContain('proctriage top --once');
    pane.resize(100, 30);
    await pane.waitFor('┌─ waits');
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  }, 60_000);

  it.each(['screen', 'tmux-256color', 'xterm-256color'])('draws lines and · separators as such with TERM=%s', async (term) => {
    const pane = open(TOP, { cols: 120, rows: 30, env: { TERM: term } });
    const screen = await pane.waitFor('┌─ waits', 20_000);
    expect(screen).toMatch(/^┌─ PSI — .*─┐$/m);
    expect(screen).toMatch(/^└─+┘$/m);
    expect(screen).toContain(' · ');
    expect(screen).not.toMatch(/[~]|lqq|qqk/);
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  }, 60_000);
});

describe('without a terminal', () => {
  it('top exits 5 with one line that points to top --once', async () => {
    const r = await runCli(['top']);
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('proctriage top --once');
    expect(r.stdout).toBe('');
  });

  it('attach exits 5 with one line that points to triage', async () => {
    const r = await runCli(['attach', String(process.pid)]);
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`proctriage triage ${process.pid}`);
    expect(r.stdout).toBe('');
  });

  it('replay points to triage --replay', async () => {
    const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'nanosleep');
    const r = await runCli(['replay', fixture]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`proctriage triage --replay ${fixture}`);
  });

  it('replay of something that is not a capture says so first (exit 4), terminal or not', async () => {
    const r = await runCli(['replay', work]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not a usable capture/);
  });
});

describe('issue 13: the verdict, the charts, the way back, every capture replays', () => {
  /** A shell that sleeps until SIGUSR1, then spins on a CPU: the test changes the load when it wants. */
  function spinOnSignal(): ChildProcess {
    return spawn('sh', ['-c', 'trap "while :; do :; done" USR1; while :; do sleep 0.1; done'], { stdio: 'ignore' });
  }
  const kids: ChildProcess[] = [];
  afterAll(() => {
    for (const k of kids) k.kill('SIGKILL');
  });

  it('at 80×24 the whole verdict is on screen above the panels, wrapped, never cut', async () => {
    const sleeper = await spawnSleeper();
    const pane = open(`attach ${sleeper.pid}`, { cols: 80, rows: 24 });
    await pane.waitFor('─ threads');
    // Paused, so that the verdict on screen and the one in the whole tree are of the same sample.
    pane.keys('p');
    const screen = await pane.waitFor('PAUSED');
    const lines = screen.split('\n');
    const verdictText = lines.slice(3, lines.findIndex((l) => l.startsWith('┌'))).join(' ');
    expect(verdictText).toMatch(/^ (OK|WARNING|PROBLEM) /);
    expect(verdictText).not.toContain('…');
    pane.keys('t');
    const tree = (await pane.waitFor('decision tree, whole')).split('\n');
    const from = tree.findIndex((l) => l.startsWith('│verdict'));
    const to = tree.findIndex((l, i) => i > from && /^│\d /.test(l));
    const whole = tree.slice(from, to).map((l) => l.slice(16).replace(/│$/, '').trim()).join(' ');
    // Every word of the verdict, as the whole tree says it, is on the main screen.
    const words = (t: string) => t.replace(/\s+/g, ' ').trim();
    expect(words(verdictText.replace(/^ (OK|WARNING|PROBLEM) /, ''))).toBe(words(whole));
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  }, 30_000);

  it('the time-shares chart changes when the load changes (drawn with blessed-contrib), and v shows the charts at 80×24', async () => {
    const spin = spinOnSignal();
    kids.push(spin);
    const pane = open(`attach ${spin.pid} --interval 500`, { cols: 120, rows: 44 });
    let screen = await pane.waitFor((s) => s.includes('time shares') && /[⠁-⣿]/.test(s), 20_000);
    const chartRows = (s: string) => s.split('\n').filter((l) => /[⠁-⣿]/.test(l)).join('\n');
    const before = chartRows(screen);
    expect(screen).toContain('PSI avg10 %');
    spin.kill('SIGUSR1');
    screen = await pane.waitFor((s) => chartRows(s) !== before && /R \(running\)/.test(s), 20_000);
    expect(chartRows(screen)).not.toBe(before);
    pane.resize(80, 24);
    await pane.waitFor('─ threads');
    pane.keys('v');
    screen = await pane.waitFor((s) => s.includes('time shares') && s.includes('PSI avg10 %'));
    expect(screen).toMatch(/running/);
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  }, 60_000);

  it.each([
    ['NO_COLOR', { NO_COLOR: '1' }],
    ['LANG=C', { LANG: 'C' }],
  ] as [string, Record<string, string>][])('under %s the charts are labelled sparklines, one row per series, and the running row rises with the load', async (_, env) => {
    const spin = spinOnSignal();
    kids.push(spin);
    const pane = open(`attach ${spin.pid} --interval 500`, { cols: 120, rows: 44, env });
    // Without Unicode the borders are the terminal's line-drawing set: `x` for │ under tmux.
    let screen = await pane.waitFor(/[│x]running +0\.\d/, 20_000);
    expect(screen).not.toMatch(/[⠁-⣿]/);
    // No braille and no `?` for a character the terminal lacks: ASCII bars.
    if (env.LANG === 'C') expect(screen.split('\n').filter((l) => /[│x]running /.test(l)).join('')).not.toContain('?');
    spin.kill('SIGUSR1');
    screen = await pane.waitFor(/[│x]running +(0\.[5-9]|1\.\d)/, 20_000);
    expect(screen).toContain('threads, newest on the right');
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
  }, 60_000);

  it('c after the process exited writes the samples in memory; the header says EXITED, never LIVE, with the last state', async () => {
    const sleeper = await spawnSleeper();
    const pane = open(`attach ${sleeper.pid} --interval 300 --capture-dir ${work}`, { cols: 120, rows: 40 });
    await pane.waitFor('sleep');
    await pane.waitFor(/REPLAY|LIVE/);
    await sleep(800);
    await sleeper.stop();
    let screen = await pane.waitFor('EXITED');
    expect(screen.split('\n')[0]).toMatch(/^ EXITED  pid \d+ \S+  last state S \(sleeping\)/);
    expect(screen.split('\n')[0]).not.toContain('LIVE');
    pane.keys('c');
    screen = await pane.waitFor(/capture written to (\S+)/, 15_000);
    const dir = /capture written to (\S+)/.exec(screen)![1]!;
    expect(dir.startsWith(work)).toBe(true);
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { pid: number; samples: unknown[]; howMade: string };
    expect(meta.pid).toBe(sleeper.pid);
    expect(meta.samples).toHaveLength(2);
    expect(meta.howMade).toContain('after the process exited');
    const r = await runCli(['triage', '--replay', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sleep/);
  }, 60_000);

  it('from top, Enter opens attach; q comes back to top at the same row; help says so; Q quits', async () => {
    const queue = await spawnFutexLockQueue(4);
    const pane = open('top --hz 2', { cols: 160, rows: 50 });
    const row = /^│(.)\s*\d+\.\d+ futex\s+futex_\w+\s+waiters\s/m;
    let screen = await pane.waitFor(row, 20_000);
    const target = () => pane.screen().split('\n').findIndex((l) => row.test(l));
    const selected = () => pane.screen().split('\n').findIndex((l) => l.startsWith('│▶'));
    for (let i = 0; i < 40 && selected() !== target(); i++) {
      pane.keys(selected() < target() ? 'Down' : 'Up');
      await sleep(150);
    }
    pane.keys('Enter');
    screen = await pane.waitFor('processes in futex');
    const proc = new RegExp(`^│▶\\s+\\d+\\.\\d+\\s+${queue.pid} waiters`, 'm');
    for (let i = 0; i < 20 && !proc.test(pane.screen()); i++) {
      pane.keys('Down');
      await sleep(150);
    }
    expect(pane.screen()).toMatch(proc);
    pane.keys('Enter');
    screen = await pane.waitFor(`pid ${queue.pid} waiters`, 15_000);
    expect(screen).toMatch(/q Esc back to top {2}Q quit/);
    pane.keys('?');
    screen = await pane.waitFor('back to top, at the row this process was opened from');
    pane.keys('Escape');
    await pane.waitFor((s) => !s.includes('help —'));
    pane.keys('q');
    screen = await pane.waitFor('processes in futex', 15_000);
    expect(screen).toMatch(proc);
    pane.keys('Enter');
    await pane.waitFor(`pid ${queue.pid} waiters`, 15_000);
    pane.keys('Escape');
    await pane.waitFor('processes in futex', 15_000);
    pane.keys('Enter');
    await pane.waitFor(`pid ${queue.pid} waiters`, 15_000);
    pane.keys('Q');
    const end = await ended(pane);
    expect(end.code).toBe(0);
    expect(terminalRestored(end.screen)).toBe(true);
    await queue.stop();
  }, 90_000);

  it('a machine capture opens in the top view with replay and top --replay, and steps with ← →', async () => {
    const dir = join(work, 'machine-cap');
    const made = await runCli(['sample', '--duration', '1.5', '--hz', '2', '--capture', dir]);
    expect(made.code, made.stderr).toBe(0);
    for (const args of [`replay ${dir}`, `top --replay ${dir}`]) {
      const pane = open(args, { cols: 120, rows: 30 });
      let screen = await pane.waitFor(/REPLAY (\d)\/\1/);
      expect(screen).toContain('whole machine');
      expect(screen).toContain(`machine capture ${dir}`);
      expect(screen).toMatch(/┌─ waits — average active threads/);
      pane.keys('Left');
      screen = await pane.waitFor(/REPLAY (\d)\/(\d)/);
      const m = /REPLAY (\d)\/(\d)/.exec(screen)!;
      expect(Number(m[1])).toBe(Number(m[2]) - 1);
      pane.keys('q');
      expect((await ended(pane)).code).toBe(0);
    }
  }, 60_000);
});

describe('blessed-contrib loads only when a chart is drawn', () => {
  it('attach at 80×24 has not loaded it; v (a chart on screen) loads it; triage never does', async () => {
    const log = join(work, 'loaded.log');
    const hook = join(work, 'hook.cjs');
    writeFileSync(hook, `const M = require('node:module'); const load = M._load; M._load = function (r, ...rest) { if (r.startsWith('blessed')) require('node:fs').appendFileSync(${JSON.stringify(log)}, r + '\\n'); return load.call(this, r, ...rest); };`);
    const loaded = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    const sleeper = await spawnSleeper();
    const pane = open(`attach ${sleeper.pid}`, { cols: 80, rows: 24, env: { NODE_OPTIONS: `--require ${hook}` } });
    await pane.waitFor('─ threads');
    await sleep(1500);
    expect(loaded()).toMatch(/^blessed$/m);
    expect(loaded()).not.toContain('blessed-contrib');
    pane.keys('v');
    await pane.waitFor((s) => /[⠁-⣿]/.test(s), 10_000);
    expect(loaded()).toContain('blessed-contrib/lib/widget/charts/line.js');
    pane.keys('q');
    expect((await ended(pane)).code).toBe(0);
    rmSync(log, { force: true });
    const r = await runCli(['triage', String(sleeper.pid), '--interval', '100'], { NODE_OPTIONS: `--require ${hook}` });
    expect(r.code).toBe(0);
    expect(loaded()).toBe('');
  }, 60_000);
});
