/**
 * The dashboard on every committed capture, without a terminal: each sample, each window, two
 * screen sizes. Nothing may throw, and what each panel says must come from the capture.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCapture } from '../../src/capture/fixture.js';
import { ReplaySession } from '../../src/session/replay.js';
import { Dashboard } from '../../src/ui/dashboard.js';
import { ReplayFeed } from '../../src/ui/feeds.js';
import { ROOT } from './support/build.js';
import { RecordingSurface } from './support/screen-text.js';

const FIXTURES = join(ROOT, 'fixtures');
const names = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'meta.json'))).sort() : [];
const flush = () => new Promise<void>((r) => setImmediate(r));

async function replay(dir: string, cols: number, rows: number) {
  const capture = loadCapture(dir);
  const feed = new ReplayFeed(new ReplaySession(capture));
  const surface = new RecordingSurface(cols, rows);
  const dashboard = new Dashboard({ feed, surface, intervalMs: 1000 });
  const done = dashboard.run();
  return { capture, feed, surface, dashboard, done };
}

describe('the dashboard on every fixture', () => {
  it('has fixtures to run on', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names.flatMap((n) => [[n, 80, 24] as const, [n, 160, 50] as const]))('%s at %i×%i: every sample, every window', async (name, cols, rows) => {
    const { capture, surface, done } = await replay(join(FIXTURES, name), cols, rows);
    // The dashboard steps through full samples; a format-2 capture also holds the light looks between them.
    const count = capture.meta.samples.filter((s) => !s.light).length;
    expect(surface.text()).toContain(`REPLAY ${count}/${count}`);
    expect(surface.text()).toContain(`kernel ${capture.meta.kernelRelease}`);
    for (let i = count; i > 1; i--) {
      surface.press({ name: 'left' });
      await flush();
      expect(surface.text()).toContain(`REPLAY ${i - 1}/${count}`);
    }
    for (const key of [{ name: 'enter' }, { name: 'down' }, { name: 'pagedown' }, { name: 'escape' }, { ch: 't' }, { name: 'end' }, { ch: '?' }, { ch: 'g' }, { name: 'escape' }, { ch: 's' }, { name: 'right' }]) {
      surface.press(key);
      await flush();
    }
    const text = surface.text();
    expect(text.split('\n').length).toBeLessThanOrEqual(rows);
    expect(text.split('\n').every((l) => l.length <= cols)).toBe(true);
    // Titles never run over a box's corner.
    for (const l of text.split('\n').filter((x) => x.startsWith('┌'))) expect(l.split('┐').length, l).toBe(l.split('┌').length);
    surface.press({ ch: 'q' });
    await expect(done).resolves.toEqual({ code: 0 });
  });
});

describe('a capture taken without root', () => {
  const work = mkdtempSync(join(tmpdir(), 'proctriage-ui-denied-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('replays its unreadable files as needs root, not as empty or zero', async () => {
    const dir = join(work, 'waitpid-parent-denied');
    cpSync(join(FIXTURES, 'waitpid-parent'), dir, { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
    const denied = { kind: 'denied', errno: 'EACCES', message: 'permission denied' };
    for (const s of meta.samples) {
      const sampleDir = join(dir, 'samples', s.dir);
      const errors = JSON.parse(readFileSync(join(sampleDir, 'errors.json'), 'utf8')) as Record<string, unknown>;
      const proc = join(sampleDir, 'proc', String(meta.pid));
      for (const rel of ['io', 'fd']) {
        rmSync(join(proc, rel), { recursive: true, force: true });
        errors[`proc/${meta.pid}/${rel}`] = denied;
      }
      for (const tid of readdirSync(join(proc, 'task'))) {
        for (const file of ['stack', 'syscall', 'io']) {
          rmSync(join(proc, 'task', tid, file), { force: true });
          errors[`proc/${meta.pid}/task/${tid}/${file}`] = denied;
        }
      }
      writeFileSync(join(sampleDir, 'errors.json'), JSON.stringify(errors));
    }
    const { surface, done } = await replay(dir, 160, 50);
    const text = surface.text();
    expect(text).toContain('view: partial — needs root');
    expect(text).toContain('read needs root · write needs root · syscalls needs root');
    expect(text).toContain('open fds needs root');
    expect(text).toContain('stack      needs root');
    surface.press({ ch: 'q' });
    await done;
  });
});
