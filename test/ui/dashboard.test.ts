import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/types.js';
import type { SessionEnd, SessionStep } from '../../src/session/session.js';
import { Dashboard, type BackToTop, type CaptureControl, type DashboardExit } from '../../src/ui/dashboard.js';
import type { FeedView, LiveSource } from '../../src/ui/feeds.js';
import { psiPoint, type PsiPoint } from '../../src/ui/panels/pressure.js';
import { makeDiagnosis, thread } from './support/diagnosis.js';
import { RecordingSurface } from './support/screen-text.js';

/** A live source that plays a script of diagnoses; `ends` marks the step at which the process ended. */
class ScriptedLive implements LiveSource {
  readonly mode = 'live' as const;
  readonly pid = 100;
  readonly sampleCount = null;
  samples = 0;
  /** The focus the dashboard gave before each sample. */
  readonly focused: (number | null)[] = [];
  private psi: PsiPoint[] = [];
  private step: SessionStep;
  constructor(
    private readonly script: Diagnosis[],
    private readonly ends: { at: number; end: SessionEnd } | null = null,
  ) {
    this.step = { diagnosis: script[0]!, sample: null, ended: null };
    this.psi = [psiPoint(script[0]!, 0)];
  }
  get ended() {
    return this.step.ended !== null;
  }
  focus(tid: number | null) {
    this.focused.push(tid);
  }
  sample() {
    this.samples++;
    if (this.ends && this.samples >= this.ends.at) {
      this.step = { ...this.step, ended: this.ends.end };
      return;
    }
    const d = this.script[Math.min(this.samples, this.script.length - 1)]!;
    this.step = { diagnosis: d, sample: null, ended: null };
    this.psi.push(psiPoint(d, this.samples * 1000));
  }
  looks = 0;
  /** Looks between samples, as the live feed takes them (none by default: the tests count samples). */
  lookEveryMs = Infinity;
  look() {
    this.looks++;
  }
  lookDelayMs() {
    return this.lookEveryMs;
  }
  view(): FeedView {
    return { step: this.step, psi: this.psi, shares: [] };
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function start(feed: LiveSource, surface = new RecordingSurface(), intervalMs = 60_000, capture?: (control: CaptureControl) => Promise<string>, fromTop = false) {
  const dashboard = new Dashboard({ feed, surface, intervalMs, fromTop, ...(capture ? { capture } : {}) });
  const done = dashboard.run();
  return { dashboard, surface, done };
}

describe('Dashboard', () => {
  it('draws the first frame at once and quits on q, restoring the terminal once', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    expect(surface.frames).toHaveLength(1);
    expect(surface.text()).toContain('pid 100 app');
    expect(surface.text()).toContain('futex');
    surface.press({ ch: 'q', name: 'q' });
    await expect(done).resolves.toEqual({ code: 0 });
    expect(surface.destroyed).toBe(1);
  });

  it('quits on Ctrl-C', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    surface.press({ name: 'c', ctrl: true });
    await expect(done).resolves.toEqual({ code: 0 });
  });

  it('moves the selection with arrows and j/k, opens the detail on Enter and closes it on Esc', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis({ threads: [thread(100, 'waitpid'), thread(101, 'futex'), thread(102, 'futex')] })]));
    expect(surface.text()).toMatch(/tid 101 worker/);
    surface.press({ name: 'down' });
    await flush();
    expect(surface.text()).toMatch(/tid 102 worker/);
    surface.press({ ch: 'j', name: 'j' });
    surface.press({ ch: 'k', name: 'k' });
    surface.press({ ch: 'j', name: 'j' });
    await flush();
    expect(surface.text()).toMatch(/▶100\s+main/);
    surface.press({ name: 'enter' });
    await flush();
    expect(surface.text()).toContain('thread 100 explained');
    expect(surface.text()).toContain('waits for  A child process to exit or stop.');
    surface.press({ name: 'escape' });
    await flush();
    expect(surface.text()).not.toContain('explained');
    surface.press({ ch: 'q' });
    await done;
  });

  it('renders once per key burst, not once per key', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    for (let i = 0; i < 10; i++) surface.press({ name: 'down' });
    await flush();
    expect(surface.frames).toHaveLength(2);
    surface.press({ ch: 'q' });
    await done;
  });

  it('samples once and renders once per tick', async () => {
    const feed = new ScriptedLive([makeDiagnosis()]);
    const { dashboard, surface, done } = start(feed, new RecordingSurface(), 40);
    await sleep(300);
    surface.press({ ch: 'q' });
    await done;
    expect(feed.samples).toBeGreaterThanOrEqual(4);
    expect(dashboard.renders).toBe(feed.samples + 1);
  });

  it('looks at the threads between samples at the feed rate, and draws only on samples', async () => {
    const feed = new ScriptedLive([makeDiagnosis()]);
    feed.lookEveryMs = 20;
    const { dashboard, surface, done } = start(feed, new RecordingSurface(), 200);
    await sleep(650);
    surface.press({ ch: 'q' });
    await done;
    expect(feed.samples).toBeGreaterThanOrEqual(2);
    expect(feed.samples).toBeLessThanOrEqual(4);
    expect(feed.looks).toBeGreaterThan(feed.samples * 3);
    expect(dashboard.renders).toBe(feed.samples + 1);
  });

  it('tells the session which thread is selected before each sample, so its stack is read', async () => {
    const feed = new ScriptedLive([makeDiagnosis({ threads: [thread(100, 'waitpid'), thread(101, 'futex'), thread(102, 'futex')] })]);
    const { surface, done } = start(feed, new RecordingSurface(), 40);
    await sleep(120);
    surface.press({ name: 'down' });
    await sleep(120);
    surface.press({ ch: 'q' });
    await done;
    expect(feed.focused.length).toBe(feed.samples);
    expect(feed.focused[0]).toBe(101);
    expect(feed.focused.at(-1)).toBe(102);
  });

  it('p pauses sampling and resumes it', async () => {
    const feed = new ScriptedLive([makeDiagnosis()]);
    const { surface, done } = start(feed, new RecordingSurface(), 30);
    surface.press({ ch: 'p' });
    await flush();
    expect(surface.text()).toContain('PAUSED');
    const at = feed.samples;
    await sleep(150);
    expect(feed.samples).toBe(at);
    surface.press({ ch: 'p' });
    await sleep(100);
    expect(feed.samples).toBeGreaterThan(at);
    surface.press({ ch: 'q' });
    await done;
  });

  it('freezes on the last sample, marked EXITED, and stops sampling', async () => {
    const feed = new ScriptedLive([makeDiagnosis(), makeDiagnosis()], { at: 2, end: { reason: 'exited', message: 'process 100 exited' } });
    const asked: boolean[] = [];
    const { surface, done } = start(feed, new RecordingSurface(), 20, async ({ exited }) => {
      asked.push(exited);
      return '/tmp/kept';
    });
    await sleep(200);
    expect(feed.samples).toBe(2);
    // The badge says EXITED instead of LIVE, and the state is the last one seen.
    expect(surface.text()).toMatch(/^ EXITED  pid 100 app  last state S \(sleeping\)/);
    expect(surface.text()).not.toContain('LIVE');
    expect(surface.text()).toContain('process 100 exited (frozen on the sample of');
    expect(surface.text()).toContain('futex'); // the last diagnosis is still on screen
    surface.press({ name: 'down' }); // keys still work
    surface.press({ ch: 'c' });
    await flush();
    await flush();
    // c after exit writes the samples still in memory.
    expect(asked).toEqual([true]);
    expect(surface.text()).toContain('capture written to /tmp/kept');
    surface.press({ ch: 'q' });
    await done;
  });

  it('marks a reused pid and does not show the new process', async () => {
    const newcomer = makeDiagnosis({ threads: [thread(100, 'sleep', { comm: 'impostor' })] });
    const feed = new ScriptedLive([makeDiagnosis(), newcomer], { at: 1, end: { reason: 'pid-reused', message: 'pid 100 now belongs to a different process' } });
    const { surface, done } = start(feed, new RecordingSurface(), 20);
    await sleep(100);
    expect(surface.text()).toContain('PID REUSED');
    expect(surface.text()).not.toContain('impostor');
    surface.press({ ch: 'q' });
    await done;
  });

  it('re-lays out on resize and says when the terminal is too small', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    surface.resize(60, 20);
    await flush();
    expect(surface.text()).toContain('the terminal is too small');
    expect(surface.text()).toContain('it is 60×20; the dashboard needs at least 80×24');
    surface.resize(80, 24);
    await flush();
    expect(surface.text()).toContain('pid 100 app');
    expect(surface.text().split('\n')).toHaveLength(24);
    surface.press({ ch: 'q' });
    await done;
  });

  it('writes a capture on c and shows where', async () => {
    let calls = 0;
    const capture = async () => {
      calls++;
      return '/tmp/proctriage-100-x';
    };
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]), new RecordingSurface(200, 50), 60_000, capture);
    surface.press({ ch: 'c' });
    await flush();
    await flush();
    expect(calls).toBe(1);
    expect(surface.text()).toContain('capture written to /tmp/proctriage-100-x — replay: proctriage replay /tmp/proctriage-100-x');
    surface.press({ ch: 'q' });
    await done;
  });

  it('shows help on ? and the whole tree on t', async () => {
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    surface.press({ ch: '?' });
    await flush();
    expect(surface.text()).toContain('help — ? or Esc closes');
    surface.press({ ch: 't' });
    await flush();
    expect(surface.text()).toContain('see which thread holds the lock');
    surface.press({ ch: 'q' });
    await done;
  });

  it('scrolls a window longer than the screen', async () => {
    const d = makeDiagnosis();
    const evidence = Array.from({ length: 8 }, (_, i) => ({ label: `fact ${i}`, value: String(i), source: '/proc/x', measure: null }));
    const long = { ...d, path: d.path.map((step) => ({ ...step, evidence })) };
    const { surface, done } = start(new ScriptedLive([long]), new RecordingSurface(80, 24));
    surface.press({ ch: 't' });
    await flush();
    expect(surface.text()).toMatch(/ · 1–\d+\/\d+ PgUp PgDn/);
    expect(surface.text()).not.toContain('see which thread holds the lock');
    surface.press({ name: 'end' });
    await flush();
    expect(surface.text()).toContain('see which thread holds the lock');
    surface.press({ ch: 'q' });
    await done;
  });

  it('an exception while drawing ends the run with the error, terminal restored', async () => {
    const surface = new RecordingSurface();
    let fail = false;
    const draw = surface.draw.bind(surface);
    surface.draw = (f) => {
      if (fail) throw new Error('boom');
      draw(f);
    };
    const { done } = start(new ScriptedLive([makeDiagnosis()]), surface);
    fail = true;
    surface.press({ name: 'down' });
    const exit: DashboardExit | BackToTop = await done;
    expect('error' in exit && exit.error instanceof Error && exit.error.message).toBe('boom');
    expect(surface.destroyed).toBe(1);
  });

  it('removes its process listeners when it ends', async () => {
    const before = process.listenerCount('SIGTERM');
    const { surface, done } = start(new ScriptedLive([makeDiagnosis()]));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    surface.press({ ch: 'q' });
    await done;
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('uncaughtException')).toBeLessThanOrEqual(before + 1);
  });
});
