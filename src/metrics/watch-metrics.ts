import type { WatchTallyState } from '../watch/tally.js';
import { TOOL_VERSION } from '../version.js';
import type { Family, Labels } from './exposition.js';

type Series = Iterable<readonly [Labels, number]>;

function* perCondition(s: WatchTallyState, value: (c: WatchTallyState['conditions'][number]) => number | null): Series {
  for (const c of s.conditions) {
    const v = value(c);
    if (v !== null) yield [{ condition: c.condition }, v];
  }
}

/** The families of `watch --listen` (README "On a fleet"): one series per --when condition. */
export function watchFamilies(options: { readonly exposePaths: boolean }): Family<WatchTallyState>[] {
  const families: Family<WatchTallyState>[] = [
    { name: 'proctriage_watch_captures_total', help: 'Captures written because this --when condition held.', type: 'counter', labels: ['condition'], series: (s) => perCondition(s, (c) => c.captures) },
    {
      name: 'proctriage_watch_capture_failures_total',
      help: 'Captures this --when condition set off that could not be written (disk full, no permission).',
      type: 'counter',
      labels: ['condition'],
      series: (s) => perCondition(s, (c) => c.failures),
    },
    {
      name: 'proctriage_watch_last_capture_number',
      help: 'The number of the newest capture of this condition: its directory is <--capture DIR>/NNNN on the host.',
      type: 'gauge',
      labels: ['condition'],
      series: (s) => perCondition(s, (c) => c.lastNumber),
    },
    {
      name: 'proctriage_watch_last_capture_timestamp_seconds',
      help: 'When the condition of the newest capture held, seconds since the epoch.',
      type: 'gauge',
      labels: ['condition'],
      series: (s) => perCondition(s, (c) => c.lastTriggerSeconds),
    },
    { name: 'proctriage_watch_samples_total', help: 'Samples the flight recorder has taken.', type: 'counter', labels: [], series: (s) => [[{}, s.samples]] },
    { name: 'proctriage_watch_captures_writing', help: 'Captures being written or queued to be written in the background.', type: 'gauge', labels: [], series: (s) => [[{}, s.writing]] },
    { name: 'proctriage_watch_cooldown_seconds', help: 'Seconds until a new trigger may fire (0: armed).', type: 'gauge', labels: [], series: (s) => [[{}, s.cooldownSeconds]] },
    { name: 'proctriage_build_info', help: 'The proctriage version: always 1.', type: 'gauge', labels: ['version'], series: () => [[{ version: TOOL_VERSION }, 1]] },
  ];
  if (options.exposePaths) {
    families.push({
      name: 'proctriage_watch_last_capture_info',
      help: 'The directory of the newest capture of this condition (only with --expose-paths): always 1.',
      type: 'gauge',
      labels: ['condition', 'dir'],
      series: function* (s) {
        for (const c of s.conditions) if (c.lastDir !== null) yield [{ condition: c.condition, dir: c.lastDir }, 1];
      },
    });
  }
  return families;
}
