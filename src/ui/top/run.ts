import type { Widgets } from 'blessed';
import type { TopOptions } from '../../cli/top.js';
import { RateController } from '../../machine/budget.js';
import { groupWindow } from '../../machine/groups.js';
import { createMachineSampler } from '../../machine/sampler.js';
import type { CgroupPressure, MachineSample } from '../../machine/types.js';
import { requireTerminal } from '../run.js';
import { topFrame, type TopViewState } from './view.js';

/** Seconds of samples grouped on screen. */
const WINDOW_MS = 10_000;
const HISTORY = 300;

/**
 * The whole-machine dashboard: samples at the adaptive rate (or --hz), groups the last 10 s,
 * PSI with history; Enter on a group lists its processes, Enter on a process opens `attach`.
 */
export async function runTopDashboard(options: TopOptions): Promise<number> {
  requireTerminal('proctriage top --once');
  const blessed = (await import('blessed')).default;
  const sampler = createMachineSampler({ procRoot: options.procRoot, keepOpenFds: 1 << 20, listEveryMs: 1000, cgroupPressureEveryMs: 2000 });
  const rate = new RateController({ budget: options.budget / 100, fixedHz: options.hz });
  const screen = blessed.screen({ smartCSR: true, warnings: false, title: 'proctriage top' });
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 9, tags: false });
  const title = blessed.box({ parent: screen, top: 9, left: 0, width: '100%', height: 1, style: { bold: true } });
  const list: Widgets.ListElement = blessed.list({ parent: screen, top: 10, left: 0, width: '100%', bottom: 1, keys: false, style: { selected: { inverse: true } } });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1 });

  let state: TopViewState = { mode: 'groups', selected: 0, groupKey: null, paused: false };
  let samples: MachineSample[] = [];
  let cgroups: readonly CgroupPressure[] | null = null;
  const history = { cpu: [] as number[], memory: [] as number[], io: [] as number[] };
  let selectedPid: number | null = null;
  let selectedGroup: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let finish: (next: { attach: number } | null) => void = () => {};
  const done = new Promise<{ attach: number } | null>((resolve) => (finish = resolve));

  const draw = () => {
    const frame = topFrame(state, { window: groupWindow(samples), samples, cgroups, history, hz: rate.hz, cpuShare: rate.cpuShare, budget: options.budget / 100, width: Number(screen.width) });
    header.setContent(frame.header.join('\n'));
    title.setContent(frame.title);
    list.setItems(frame.rows);
    state = { ...state, selected: Math.min(state.selected, Math.max(0, frame.rows.length - 1)) };
    list.select(state.selected);
    footer.setContent(frame.footer);
    selectedPid = frame.selectedPid;
    selectedGroup = frame.selectedGroup;
    screen.render();
  };
  const tick = () => {
    if (!state.paused) {
      const s = sampler.sample();
      rate.record(s.stats.cpuMs);
      samples.push(s);
      samples = samples.filter((x) => s.tMonoMs - x.tMonoMs <= WINDOW_MS);
      if (s.cgroupPressure) cgroups = s.cgroupPressure;
      for (const r of ['cpu', 'memory', 'io'] as const) {
        const p = s.pressure[r];
        history[r].push(p.ok && p.value.some ? p.value.some.avg10 : 0);
        if (history[r].length > HISTORY) history[r].shift();
      }
    }
    draw();
    timer = setTimeout(tick, rate.intervalMs);
  };

  screen.key(['q', 'C-c'], () => finish(null));
  screen.key(['up', 'k'], () => {
    state = { ...state, selected: Math.max(0, state.selected - 1) };
    draw();
  });
  screen.key(['down', 'j'], () => {
    state = { ...state, selected: state.selected + 1 };
    draw();
  });
  screen.key(['p'], () => {
    state = { ...state, paused: !state.paused };
    draw();
  });
  // Back from a group's process list lands on the group it came from.
  let groupRow = 0;
  screen.key(['escape', 'backspace'], () => {
    if (state.mode === 'groups') return;
    state = { ...state, mode: 'groups', groupKey: null, selected: groupRow };
    draw();
  });
  screen.key(['enter'], () => {
    if (state.mode === 'groups' && selectedGroup !== null) {
      groupRow = state.selected;
      state = { ...state, mode: 'processes', groupKey: selectedGroup, selected: 0 };
      draw();
    } else if (state.mode === 'processes' && selectedPid !== null) {
      finish({ attach: selectedPid });
    }
  });

  tick();
  const next = await done;
  if (timer) clearTimeout(timer);
  sampler.close();
  screen.destroy();
  if (next === null) return 0;
  const { runAttach } = await import('../../cli/attach.js');
  return runAttach(next.attach, { interval: 1000, threshold: options.threshold, procRoot: options.procRoot, captureDir: process.cwd() });
}
