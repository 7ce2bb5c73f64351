import type { ExportSnapshot } from '../serve/types.js';
import { TOOL_VERSION } from '../version.js';
import type { Family, HistogramFamily, Labels } from './exposition.js';

/** What a scrape of `serve` sees: the newest snapshot, and the process's own figures read at scrape time. */
export interface ServeState {
  readonly snapshot: ExportSnapshot;
  /** CPU (user + system) of the whole exporter process since it started, seconds. */
  readonly processCpuSeconds: number;
  readonly residentBytes: number;
}

type Series = Iterable<readonly [Labels, number]>;

function* one(value: number | null): Series {
  if (value !== null) yield [{}, value];
}

const gauge = (name: string, help: string, labels: readonly string[], series: (s: ServeState) => Series): Family<ServeState> => ({ name, help, type: 'gauge', labels, series });
const counter = (name: string, help: string, labels: readonly string[], series: (s: ServeState) => Series): Family<ServeState> => ({ name, help, type: 'counter', labels, series });

export const SAMPLE_DURATION = 'proctriage_sample_duration_seconds';

export const SERVE_HISTOGRAMS: readonly HistogramFamily[] = [
  {
    name: SAMPLE_DURATION,
    help: 'Wall time of one whole-machine sample (listing, reading and classifying every thread).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  },
];

/**
 * The families `serve` exposes (README "Metrics": names, labels, what bounds them). Names are
 * proctriage_<what>_<unit> in base units; counters end in _total.
 */
export function serveFamilies(options: { readonly exposeAddresses: boolean }): Family<ServeState>[] {
  const listenLabels = options.exposeAddresses ? ['family', 'port', 'address'] : ['family', 'port'];
  const listenLabelsOf = (l: ExportSnapshot['net']['listening'][number]): Labels =>
    options.exposeAddresses ? { family: l.family, port: l.port, address: l.address ?? '' } : { family: l.family, port: l.port };
  const target = (v: ExportSnapshot['verdicts'][number]): Labels => ({ pid: String(v.pid), comm: v.comm });
  return [
    gauge(
      'proctriage_average_active_threads',
      'Threads in this wait, averaged over the samples of the window: the sum over samples of the threads of the process group in this wait kind and kernel function, divided by the number of samples (psn\'s measure). kind "running" has function "".',
      ['kind', 'function', 'group'],
      function* (s) {
        for (const w of s.snapshot.waits) yield [{ kind: w.kind, function: w.function, group: w.group }, w.threads];
      },
    ),
    gauge('proctriage_uninterruptible_threads', 'Threads in D state (uninterruptible) at the newest sample, by wait site (catalog row) and kernel function.', ['kind', 'site', 'function'], function* (s) {
      for (const d of s.snapshot.uninterruptible) yield [{ kind: d.kind, site: d.site, function: d.function }, d.threads];
    }),
    gauge(
      'proctriage_uninterruptible_longest_seconds',
      'How long the longest of these D-state threads has been in D without running since, as far as the samples saw (a thread that ran starts again at 0).',
      ['kind', 'site', 'function'],
      function* (s) {
        for (const d of s.snapshot.uninterruptible) yield [{ kind: d.kind, site: d.site, function: d.function }, d.longestSeconds];
      },
    ),
    gauge(
      'proctriage_lock_queue_threads',
      'The longest lock queue in the process group (threads of one process waiting on one futex word with a lock op: a mutex slow path or PI lock), averaged over the samples of the window.',
      ['group'],
      function* (s) {
        for (const q of s.snapshot.lockQueues) yield [{ group: q.group }, q.threads];
      },
    ),
    counter('proctriage_pressure_stalled_seconds_total', 'PSI total of the system: time in which some (or all, "full") tasks stalled on the resource, seconds since boot.', ['resource', 'line'], function* (s) {
      for (const p of s.snapshot.pressure) yield [{ resource: p.resource, line: p.line }, p.totalSeconds];
    }),
    gauge('proctriage_pressure_avg10_ratio', 'PSI avg10 of the system: share of the last 10 s in which some (or all, "full") tasks stalled on the resource (0.25 = 25 %).', ['resource', 'line'], function* (s) {
      for (const p of s.snapshot.pressure) yield [{ resource: p.resource, line: p.line }, p.avg10];
    }),
    counter('proctriage_cgroup_pressure_stalled_seconds_total', 'PSI total of a top-level cgroup v2, seconds since the cgroup was created.', ['cgroup', 'resource', 'line'], function* (s) {
      for (const c of s.snapshot.cgroupPressure) for (const p of c.series) yield [{ cgroup: c.cgroup, resource: p.resource, line: p.line }, p.totalSeconds];
    }),
    gauge('proctriage_cgroup_pressure_avg10_ratio', 'PSI avg10 of a top-level cgroup v2 (0.25 = 25 %).', ['cgroup', 'resource', 'line'], function* (s) {
      for (const c of s.snapshot.cgroupPressure) for (const p of c.series) yield [{ cgroup: c.cgroup, resource: p.resource, line: p.line }, p.avg10];
    }),
    counter('proctriage_tcp_listen_overflows_total', 'TcpExt ListenOverflows of this network namespace: connections dropped because an accept queue was full.', [], (s) => one(s.snapshot.net.listenOverflows)),
    counter('proctriage_tcp_listen_drops_total', 'TcpExt ListenDrops of this network namespace: connection requests a listening socket dropped, for any reason.', [], (s) => one(s.snapshot.net.listenDrops)),
    gauge(
      'proctriage_tcp_listen_queue_connections',
      'Accept queue of the listening sockets on this port: the longest, in connections completed and not yet accepted (rx_queue of a LISTEN row in /proc/net/tcp). Its bound, the listen() backlog, is not in /proc: it is at most proctriage_tcp_listen_backlog_limit_connections.',
      listenLabels,
      function* (s) {
        for (const l of s.snapshot.net.listening) yield [listenLabelsOf(l), l.queue];
      },
    ),
    gauge('proctriage_tcp_listen_sockets', 'Listening TCP sockets on this port.', listenLabels, function* (s) {
      for (const l of s.snapshot.net.listening) yield [listenLabelsOf(l), l.sockets];
    }),
    gauge('proctriage_tcp_listen_backlog_limit_connections', 'net.core.somaxconn: listen() gives no socket a longer accept queue than this (as it was when listen() was called).', [], (s) =>
      one(s.snapshot.net.somaxconn),
    ),
    gauge('proctriage_verdict', 'The verdict of a selected process (--pid, --comm, --cgroup): always 1; the verdict is in the labels.', ['pid', 'comm', 'kind', 'resource', 'severity'], function* (s) {
      for (const v of s.snapshot.verdicts) yield [{ ...target(v), kind: v.kind, resource: v.resource ?? '', severity: v.severity }, 1];
    }),
    gauge('proctriage_target_cpu_usage_ratio', 'CPU a selected process used over the verdict interval, in cores (1 = one core busy).', ['pid', 'comm'], function* (s) {
      for (const v of s.snapshot.verdicts) if (v.cpu !== null) yield [target(v), v.cpu];
    }),
    gauge('proctriage_target_runqueue_delay_ratio', 'Time the threads of a selected process waited for a CPU, seconds per second, over the verdict interval.', ['pid', 'comm'], function* (s) {
      for (const v of s.snapshot.verdicts) if (v.runqueueDelay !== null) yield [target(v), v.runqueueDelay];
    }),
    gauge('proctriage_target_threads', 'Threads of a selected process by wait kind, at its last verdict.', ['pid', 'comm', 'kind'], function* (s) {
      for (const v of s.snapshot.verdicts) for (const [kind, n] of v.threadsByKind) yield [{ ...target(v), kind }, n];
    }),
    gauge('proctriage_target_lock_queue_threads', 'The biggest lock queue of a selected process (futex waiters judged queued behind one lock), at its last verdict.', ['pid', 'comm'], function* (s) {
      for (const v of s.snapshot.verdicts) yield [target(v), v.lockQueue];
    }),
    gauge('proctriage_targets', 'Selected processes with a verdict.', [], (s) => one(s.snapshot.cost.targets)),
    gauge('proctriage_targets_dropped', 'Processes that matched the selection beyond --max-targets, left without a verdict.', [], (s) => one(s.snapshot.cost.targetsDropped)),
    gauge('proctriage_unavailable', 'A source proctriage could not use here, and why (README "Metrics"): always 1.', ['source', 'reason'], function* (s) {
      for (const u of s.snapshot.unavailable) yield [{ source: u.source, reason: u.reason }, 1];
    }),
    gauge('proctriage_threads', 'Threads seen in the newest sample (proctriage\'s own left out).', [], (s) => one(s.snapshot.cost.threads)),
    gauge('proctriage_processes', 'Processes seen in the newest sample.', [], (s) => one(s.snapshot.cost.processes)),
    counter('proctriage_samples_total', 'Whole-machine samples taken.', [], (s) => one(s.snapshot.cost.samples)),
    counter('proctriage_threads_vanished_total', 'Threads and processes that exited between being listed and being read (skipped).', [], (s) => one(s.snapshot.cost.vanished)),
    counter('proctriage_sampling_cpu_seconds_total', 'CPU spent sampling the machine and summing each sample up (network tables and verdicts included), seconds.', [], (s) =>
      one(s.snapshot.cost.samplingCpuSeconds),
    ),
    counter('proctriage_exporter_cpu_seconds_total', 'CPU (user + system) of the whole exporter process, serving included, seconds.', [], (s) => one(s.processCpuSeconds)),
    gauge('proctriage_exporter_resident_memory_bytes', 'Resident memory of the exporter process.', [], (s) => one(s.residentBytes)),
    gauge('proctriage_sampling_rate_hertz', 'Samples a second now (fixed with --hz, else as fast as the CPU budget allows).', [], (s) => one(s.snapshot.cost.hz)),
    gauge('proctriage_sampling_budget_ratio', 'The CPU budget of sampling, in cores (--budget / 100).', [], (s) => one(s.snapshot.cost.budget)),
    gauge('proctriage_window_seconds', 'Seconds of samples the averages are over.', [], (s) => one(s.snapshot.cost.windowSeconds)),
    gauge('proctriage_window_samples', 'Samples the averages are over.', [], (s) => one(s.snapshot.cost.windowSamples)),
    gauge('proctriage_build_info', 'The proctriage version: always 1.', ['version'], () => [[{ version: TOOL_VERSION }, 1]]),
  ];
}
