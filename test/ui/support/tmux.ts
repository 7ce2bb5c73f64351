import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real terminal for end-to-end tests: one tmux server on a private socket per test file
 * (never the user's), sessions of a fixed size, `capture-pane -p` to read the screen.
 */
export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export class Tmux {
  /** A socket path of our own (-S), removed with the server: nothing is left in /tmp/tmux-UID. */
  readonly socket = join(tmpdir(), `proctriage-tmux-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  private count = 0;

  run(args: readonly string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Start `command` (a shell line) in a new session; returns the session name. */
  start(command: string, options: { cols?: number; rows?: number; env?: Record<string, string> } = {}): TmuxPane {
    const name = `s${++this.count}`;
    const env = { LANG: 'C.UTF-8', TERM: 'xterm-256color', ...options.env };
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.run(['-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', String(options.cols ?? 120), '-y', String(options.rows ?? 40), ...envArgs, command]);
    // Keep the pane after the command ends, so its last output can be read.
    this.run(['set-option', '-t', name, 'remain-on-exit', 'on']);
    // Keep the server when its last session is killed: a new-session racing its exit fails
    // with "server exited unexpectedly". killServer() ends it.
    this.run(['set-option', '-s', 'exit-empty', 'off']);
    return new TmuxPane(this, name);
  }

  /** Kill the whole private server (every session and what runs in them). */
  killServer(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.socket, { force: true });
  }
}

export class TmuxPane {
  constructor(
    private readonly tmux: Tmux,
    readonly name: string,
  ) {}

  screen(): string {
    return this.tmux.run(['capture-pane', '-p', '-t', this.name]);
  }

  /** The screen with escape sequences (colours, attributes). */
  screenWithEscapes(): string {
    return this.tmux.run(['capture-pane', '-p', '-e', '-t', this.name]);
  }

  keys(...keys: string[]): void {
    this.tmux.run(['send-keys', '-t', this.name, ...keys]);
  }

  resize(cols: number, rows: number): void {
    this.tmux.run(['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  /** PID of the pane's first process (with `exec`, the program itself). */
  pid(): number {
    return Number(this.tmux.run(['display-message', '-p', '-t', this.name, '#{pane_pid}']).trim());
  }

  dead(): boolean {
    return this.tmux.run(['display-message', '-p', '-t', this.name, '#{pane_dead}']).trim() === '1';
  }

  /** Poll the screen until it matches; fail with what it showed last. */
  async waitFor(want: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test = typeof want === 'function' ? want : typeof want === 'string' ? (s: string) => s.includes(want) : (s: string) => want.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (test(last)) {
        // tmux may be midway through one frame's output (the header drawn, the table not yet):
        // only a screen that holds still for a moment is a whole frame.
        await sleep(80);
        const again = this.screen();
        if (again === last) return last;
        last = again;
        continue;
      }
      await sleep(50);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(want)}; the screen showed:\n${last}`);
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.tmux.socket, 'kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}
