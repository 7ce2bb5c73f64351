import { describe, expect, it } from 'vitest';
import { RateController } from '../../src/sample/machine/budget.js';
import { groupWindow } from '../../src/sample/machine/groups.js';
import type { MachineSample, MachineSampler, MachineThread } from '../../src/sample/machine/types.js';
import { fail } from '../../src/procfs/errors.js';
import type { PressureSet } from '../../src/readers/types.js';
import type { Intent } from '../../src/ui/keys.js';
import { plainText } from '../../src/ui/text.js';
import { TopDashboard, type TopResume } from '../../src/ui/top/dashboard.js';
import { MachineFeed } from '../../src/sample/machine/feed.js';
import { composeTopFrame, initialTopState, reduceTop, type TopInputs, type TopState } from '../../src/ui/top/view.js';
import { frameToText, RecordingSurface } from './support/screen-text.js';

const none = fail({ kind: 'unsupported', path: '', message: 'no PSI' });
const pressure: PressureSet = { cpu: none, memory: none, io: none, irq: none };
type Kind = 'futex' | 'running' | 'disk-io' | 'idle';
const FUNCTIONS: Record<Kind, string | null> = { futex: 'futex_do_wait', running: null, 'disk-io': 'folio_wait_bit_common', idle: 'worker_thread' };
const t = (pid: number, tid: number, kind: Kind, comm = 'app'): MachineThread => ({
  pid,
  tid,
  comm,
  processComm: comm,
  state: kind === 'running' ? 'R' : kind === 'disk-io' ? 'D' : kind === 'idle' ? 'I' : 'S',
  isKernelThread: kind === 'idle',
  wait: { kind, function: FUNCTIONS[kind], syscall: null, site: null, confidence: 'certain' },
});
const stats = { processes: 2, threads: 3, vanished: 0, filesRead: 0, stacksRead: 0, wallMs: 1, cpuMs: 1, listRefreshed: true };
const sample = (tMonoMs: number, threads: MachineThread[]): MachineSample => ({ tMonoMs, tWallMs: tMonoMs, threads, pressure, cgroupPressure: null, stats, excludedPids: [4242] });
const samples: MachineSample[] = [
  sample(0, [t(1, 1, 'futex'), t(1, 2, 'futex'), t(2, 2, 'running'), t(3, 3, 'idle', 'kworker/0:1')]),
  sample(100, [t(1, 1, 'futex'), t(2, 3, 'futex'), t(5, 5, 'disk-io', 'jbd2/sda1-8')]),
];

function inputs(over: Partial<TopInputs> = {}): TopInputs {
  const s = over.samples ?? samples;
  return {
    window: groupWindow(s),
    samples: s,
    cgroups: null,
    history: { cpu: [0, 50, 100], memory: [], io: [], irq: [] },
    hz: 5,
    adaptive: true,
    cpuShare: 0.04,
    budget: 0.1,
    threshold: 10,
    windowSeconds: 10,
    host: null,
    hostError: null,
    message: null,
    ...over,
  };
}

/** The screen as text, and the composed frame. */
function draw(state: TopState, over: Partial<TopInputs> = {}, cols = 120, rows = 30) {
  const composed = composeTopFrame(state, inputs(over), cols, rows);
  return { ...composed, text: frameToText(composed.frame, cols, rows) };
}

/** Apply intents one by one, each against the rows of the frame on screen, as the dashboard does. */
function press(state: TopState, ...intents: Intent[]): TopState {
  let s = draw(state);
  let st = s.state;
  for (const intent of intents) {
    st = reduceTop(st, intent, s.rowKeys, s.pageSize);
    s = draw(st);
    st = s.state;
  }
  return st;
}

describe('top dashboard view', () => {
  it('lists running first, then D-state, then by average, in bordered panels like attach', () => {
    const { text, frame } = draw(initialTopState());
    const rows = text.split('\n');
    const table = rows.slice(rows.findIndex((l) => l.includes('AVG ACT')) + 1);
    expect(table[0]).toMatch(/│▶\s+0\.50 running\s+—\s+app\s+pid 2\s/);
    expect(table[1]).toMatch(/│\s+0\.50 disk-io\s+folio_wait_bit_common\s+jbd2\/sda1-8\s+pid 5\s/);
    expect(table[2]).toMatch(/│\s+2\.00 futex\s+futex_do_wait\s+app\s+2 processes\s/);
    expect(text).not.toContain('kworker'); // idle kernel threads are hidden, and said so
    expect(text).toContain('1 idle kernel threads hidden');
    expect(text).not.toMatch(/\d !|! running/); // no unexplained marker
    expect(text).toMatch(/┌─ PSI — unavailable ─/);
    expect(text).toMatch(/┌─ waits — average active threads over 2 samples in 0\.1 s \(3 groups\) ─/);
    expect(text).toContain("proctriage's own threads are excluded (pid 4242)");
    expect(text).toMatch(/sampling uses 4\.0 % of a core \(budget 10 %, adaptive rate\)/);
    if (frame.kind !== 'dashboard') throw new Error('expected the dashboard');
    expect(plainText(frame.status)).toBe(' q quit  ? help  ↑↓ j k select  Enter open  Esc back  p pause ');
    // Running and D-state kinds carry attach's tones for state R and D.
    const tones = (kind: string) => frame.panels.groups!.lines.flat().filter((s) => s.text.trim() === kind).map((s) => s.tone);
    expect(tones('disk-io')).toEqual(['bad']);
    expect(tones('futex')).toEqual(['plain']);
  });

  it('cuts a long comm or kernel function with … before the next column, and shows control characters escaped', () => {
    const long = 'kworker/1:1-virtio_vsock_events_long';
    const hostile = 'evil\u001b[2J\nname';
    const s = [sample(0, [t(1, 1, 'futex', long), t(2, 2, 'futex', hostile), { ...t(3, 3, 'futex'), wait: { ...t(3, 3, 'futex').wait, function: 'a_very_long_kernel_function_name_that_goes_on' } }])];
    for (const cols of [80, 120, 200]) {
      const { text } = draw(initialTopState(), { samples: s }, cols, 30);
      const rows = text.split('\n');
      const longRow = rows.find((l) => l.includes('kworker/1:1'))!;
      expect(longRow).toMatch(/kworker\/1:1-\S*… pid 1\s/);
      const hostileRow = rows.find((l) => l.includes('evil'))!;
      expect(hostileRow).toMatch(/evil\\x1b\[2J\\x0a\S*\s+pid 2\s/);
      expect(text).not.toContain('\u001b');
      expect(rows.find((l) => l.includes('a_very_long'))).toMatch(/a_very_long\S*… app\s+pid 3/);
      // Every row of the table stays inside its border.
      for (const l of rows) expect(l.length).toBeLessThanOrEqual(cols);
    }
  });

  it('Enter on a group lists its processes, Enter there names the pid, Esc goes back to the same group', () => {
    let st = press(initialTopState(), { type: 'move', delta: 2 });
    expect(st.ui.selectedKey).toBe('futex|futex_do_wait|app');
    st = press(st, { type: 'open' });
    expect(st.groupKey).toBe('futex|futex_do_wait|app');
    const procs = draw(st);
    expect(procs.text).toMatch(/processes in futex · futex_do_wait · app — Enter attaches, Esc back/);
    expect(procs.text).toMatch(/▶\s+1\.50\s+1 app/);
    expect(procs.text).toMatch(/\s0\.50\s+2 app/);
    expect(procs.selectedPid).toBe(1);
    expect(draw(press(st, { type: 'move', delta: 1 })).selectedPid).toBe(2);
    st = press(st, { type: 'close' });
    expect(st.groupKey).toBeNull();
    expect(st.ui.selectedKey).toBe('futex|futex_do_wait|app');
    expect(draw(st).text).toMatch(/▶\s+2\.00 futex/);
  });

  it('? opens the help over the body; ? or Esc closes it; with it open, Enter and Esc only close it', () => {
    const open = press(initialTopState(), { type: 'help' });
    const { text } = draw(open);
    expect(text).toMatch(/┌─ help — \? or Esc closes/);
    for (const key of ['q', '?', '↑↓ j k', 'Enter', 'Esc', 'p', 'PgUp PgDn', 'Home End', 'Ctrl-C']) expect(text).toContain(`  ${key} `);
    expect(text).toContain('average active threads');
    expect(text).toContain('D-state waits in red');
    expect(text).not.toMatch(/2\.00 futex/); // the table is under the help
    expect(press(open, { type: 'help' }).ui.overlay).toBe('none');
    expect(press(open, { type: 'close' }).ui.overlay).toBe('none');
    const entered = press(open, { type: 'open' });
    expect(entered.ui.overlay).toBe('none');
    expect(entered.groupKey).toBeNull();
    // In a process list, Esc with the help open closes only the help.
    const inGroup = press(initialTopState(), { type: 'open' }, { type: 'help' }, { type: 'close' });
    expect(inGroup.groupKey).toBe('running||app');
    expect(inGroup.ui.overlay).toBe('none');
  });

  it("attach's other keys change nothing; p pauses and the header says so", () => {
    const st = initialTopState();
    for (const type of ['sort', 'group', 'tree', 'capture'] as const) expect(press(st, { type })).toEqual(draw(st).state);
    const paused = press(st, { type: 'pause' });
    expect(paused.ui.paused).toBe(true);
    expect(draw(paused).text).toMatch(/LIVE 5\.0 Hz\s+PAUSED\s+whole machine/);
  });

  it('shows system PSI with history and one line per top-level cgroup, over the threshold in the title', () => {
    const ok = (avg10: number) => ({ ok: true as const, value: { some: { avg10, avg60: 0, avg300: 0, total: 0 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 0 } } });
    const psi: PressureSet = { cpu: ok(34.2), memory: ok(0), io: ok(1.5), irq: none };
    const s = samples.map((x) => ({ ...x, pressure: psi }));
    const cgroups = [{ path: 'system.slice', pressure: psi }, { path: 'a-very-long-cgroup-name-that-goes-on.slice', pressure: { ...psi, cpu: ok(3) } }];
    const { text } = draw(initialTopState(), { samples: s, cgroups, history: { cpu: [5, 34.2], memory: [0, 0], io: [1, 1.5], irq: [] } });
    expect(text).toMatch(/┌─ PSI — contended: system cpu 34\.2 %, system\.slice cpu 34\.2 % > 10 % ─/);
    expect(text).toMatch(/│cpu\s+34\.2\s+▂█│/);
    expect(text).not.toMatch(/│irq/);
    expect(text).toMatch(/│system\.slice\s+34\.2\s+0\.0\s+1\.5/);
    expect(text).toMatch(/│a-very-long-cgroup-name… +3\.0\s+0\.0\s+1\.5/);
  });

  it('a terminal smaller than 80×24 gets the message attach gives, pointing to top --once', () => {
    const { frame, text } = draw(initialTopState(), {}, 79, 30);
    expect(frame.kind).toBe('too-small');
    expect(text).toContain('it is 79×30; the dashboard needs at least 80×24.');
    expect(text).toContain('proctriage top --once');
    expect(draw(initialTopState(), {}, 80, 24).frame.kind).toBe('dashboard');
  });
});

class ScriptedSampler implements MachineSampler {
  calls = 0;
  closed = false;
  sample(): MachineSample {
    const s = samples[Math.min(this.calls, samples.length - 1)]!;
    return { ...s, tMonoMs: 100 * this.calls++ };
  }
  close() {
    this.closed = true;
  }
}

function startTop(reuse: { feed: MachineFeed; sampler: ScriptedSampler; resume: TopResume } | null = null) {
  const surface = new RecordingSurface(120, 30);
  const sampler = reuse?.sampler ?? new ScriptedSampler();
  const feed = reuse?.feed ?? MachineFeed.plain({ sampler, rate: new RateController({ fixedHz: 0.001 }) });
  const top = new TopDashboard({ feed, surface, adaptive: false, threshold: 10, ...(reuse ? { resume: reuse.resume } : {}) });
  return { surface, sampler, feed, top, done: top.run() };
}

describe('TopDashboard', () => {
  it('samples and draws at once; ? shows the help, Esc closes it, q quits with the terminal restored once', async () => {
    const { surface, sampler, done } = startTop();
    expect(sampler.calls).toBe(1);
    expect(surface.text()).toMatch(/▶\s+1\.00 running/);
    expect(await surface.pressAndRead({ ch: '?', name: undefined })).toContain('help — ? or Esc closes');
    expect(await surface.pressAndRead({ name: 'escape' })).not.toContain('help —');
    expect(await surface.pressAndRead({ ch: 's', name: 's' })).toContain('s: only in attach');
    surface.press({ ch: 'q', name: 'q' });
    expect(await done).toEqual({ code: 0 });
    expect(surface.destroyed).toBe(1);
  });

  it('q quits even with the help open, as in attach', async () => {
    const { surface, done } = startTop();
    await surface.pressAndRead({ ch: '?' });
    surface.press({ ch: 'q', name: 'q' });
    expect(await done).toEqual({ code: 0 });
  });

  it('Enter on a group, then on a process, ends it with that pid to attach to; Backspace goes back like Esc', async () => {
    const { surface, done } = startTop();
    expect(await surface.pressAndRead({ name: 'enter' })).toContain('processes in running · app');
    expect(await surface.pressAndRead({ name: 'backspace' })).toContain('┌─ waits — average active threads');
    await surface.pressAndRead({ name: 'enter' });
    surface.press({ name: 'enter' });
    const exit = await done;
    expect(exit).toMatchObject({ attach: 2 });
    // What top needs to come back at the same row once attach is left with q or Esc.
    if (!('resume' in exit)) throw new Error('no resume');
    expect(exit.resume.state.ui.selectedKey).toBe('p:2');
    expect(exit.resume.host).toBeNull();
  });

  it('back from attach, a new dashboard on the same (paused) feed resumes it at the same row, with the window it had', async () => {
    const first = startTop();
    await first.surface.pressAndRead({ name: 'enter' });
    first.surface.press({ name: 'enter' });
    const exit = await first.done;
    if (!('resume' in exit)) throw new Error('no resume');
    first.feed.pause();
    const kept = first.feed.window.length;
    const calls = first.sampler.calls;
    const second = startTop({ feed: first.feed, sampler: first.sampler, resume: exit.resume });
    expect(first.sampler.calls).toBe(calls + 1);
    expect(first.feed.window.length).toBe(kept + 1);
    expect(second.surface.text()).toContain('processes in running · app');
    second.top.finish({ code: 0 });
    await second.done;
    first.feed.stop();
  });

  it('p pauses the feed until p again, which samples at once', async () => {
    const { surface, sampler, feed, top, done } = startTop();
    expect(await surface.pressAndRead({ ch: 'p' })).toContain('PAUSED');
    expect(feed.paused).toBe(true);
    const calls = sampler.calls;
    expect(await surface.pressAndRead({ ch: 'p' })).not.toContain('PAUSED');
    expect(feed.paused).toBe(false);
    expect(sampler.calls).toBe(calls + 1);
    top.finish({ code: 0 });
    await done;
    feed.stop();
    expect(sampler.closed).toBe(false); // closing the sampler is the caller's (the CLI: cli/top.ts)
  });
});
