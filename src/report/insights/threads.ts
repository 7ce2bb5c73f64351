import type { FdTableInsight, PollingInsight, ThreadModelInsight } from '../../diagnose/insights/types.js';
import { formatBytes, formatPercent } from '../format.js';
import { evidence, hedge, kb, kernelWords, plural, rate, type InsightText } from './words.js';

/** "thread 9260 (poller) polls 1000 fds with poll(): …". */
export function pollingText(p: PollingInsight): InsightText {
  const upTo = p.nfdsMeaning === 'highest-fd-plus-one' ? `up to ${p.nfds}` : `${p.nfds}`;
  const fds = p.nfdsMeaning === 'highest-fd-plus-one' ? `fds below ${p.nfds}` : `${p.nfds} fds`;
  const suggest =
    p.suggestEpoll === 'many-fds'
      ? ' With this many fds, epoll would register them once and wake it in O(1).'
      : p.suggestEpoll === 'many-calls'
        ? ' At this call rate, epoll would register them once and wake it in O(1).'
        : '';
  const perSecond = p.entriesPerSec !== null && p.sleepsPerSec !== null && p.sleepsPerSec > 0 ? ` At ${rate(p.sleepsPerSec)} calls that slept, that is up to ${rate(p.entriesPerSec)} entries added and removed.` : '';
  return {
    topic: 'polling',
    headline: `Thread ${p.tid} (${p.comm}) waits in ${p.syscall}() over ${fds}: every call registers and removes ${upTo} wait-queue entries, O(n) in the fds.${suggest}`,
    detail: [
      `On every call the kernel calls each file's poll (${p.nfdsMeaning === 'array-length' ? 'do_poll' : 'do_select'}), adding one wait-queue entry per file (__pollwait), scans them all again after each wake-up, and removes every entry on return (poll_freewait).${perSecond}`,
      'epoll registers each fd once (epoll_ctl ADD) and a wait adds one entry, to its own queue: its cost follows the ready fds, not the watched ones.',
      ...(p.nfdsMeaning === 'highest-fd-plus-one' ? [`select's nfds is the highest fd + 1: which fds are in its sets is in user memory, so ${p.nfds} is an upper bound.`] : []),
    ],
    evidence: [
      evidence('nfds', String(p.nfds), `task/${p.tid}/syscall, ${p.nfdsMeaning === 'array-length' ? '2nd' : '1st'} argument`),
      evidence('calls that slept', p.sleepsPerSec === null ? 'n/a (one sample)' : `at least ${rate(p.sleepsPerSec)}`, `task/${p.tid}/status voluntary_ctxt_switches (poll is not counted in io)`),
      evidence('its CPU', formatPercent(p.cpuPercent), `task/${p.tid}/stat utime+stime`),
    ],
    kernel: kernelWords(p.kernel),
    confidence: p.confidence,
    notable: p.suggestEpoll !== null,
    tids: [p.tid],
  };
}

function stackWords(m: ThreadModelInsight): string {
  const user =
    m.stackReservedBytes !== null
      ? `a user stack (likely ${formatBytes(m.stackRlimitBytes)} each — glibc's default is the soft RLIMIT_STACK unless the program sets its own — so up to ${formatBytes(m.stackReservedBytes)} of address space`
      : 'a user stack (its size is set by the program or its runtime: RLIMIT_STACK is unlimited or unread';
  const touched = `${m.vmSizeKb !== null ? `; VmSize ${kb(m.vmSizeKb)}` : ''}${m.rssAnonKb !== null ? `; the pages touched are part of RssAnon, ${kb(m.rssAnonKb)}` : ''})`;
  const kernel = m.kernelStackBytes !== null ? `, a kernel stack (${m.threads} × 16 KiB = ${formatBytes(m.kernelStackBytes)}, not in RSS)` : '';
  return `${user}${touched}${kernel}`;
}

/** "thread-per-connection: 8 threads for 8 connections", or a pool on one queue. */
export function threadModelText(m: ThreadModelInsight): InsightText {
  const switches = m.voluntarySwitchesPerSec !== null ? `${rate(m.voluntarySwitchesPerSec)} voluntary and ${rate(m.involuntarySwitchesPerSec)} involuntary context switches across them` : 'their context switches (one sample: no rate)';
  if (m.model === 'thread-per-connection') {
    return {
      topic: 'thread-model',
      headline: `Thread-per-connection: ${m.threads} threads for ${m.connections} connections, each blocked on its own socket.`,
      detail: [
        `Each connection costs a thread: ${stackWords(m)}, and a wake-up and context switch for every request — ${switches}.`,
        `An event loop (epoll) would wait for all ${m.connections} connections in one epoll_wait on one thread and run only when one has data; beyond a few thousand connections, threads cost more in memory and switching than the work (seeds 001–003).`,
      ],
      evidence: [
        evidence('connection threads', `${m.threads} (tids ${m.tids.slice(0, 6).join(', ')}${m.tids.length > 6 ? ', …' : ''})`, 'task/TID/syscall fd → fd/N → net/tcp or net/unix, one connected socket each'),
        evidence('context switches', m.voluntarySwitchesPerSec === null ? 'n/a' : `${rate(m.voluntarySwitchesPerSec)} voluntary, ${rate(m.involuntarySwitchesPerSec)} involuntary`, 'task/TID/status of those threads, summed'),
        evidence('stack limit', m.stackRlimitBytes === null ? 'unlimited or unread' : formatBytes(m.stackRlimitBytes), 'limits Max stack size (soft)'),
      ],
      kernel: kernelWords(m.kernel),
      confidence: m.confidence,
      notable: true,
      tids: m.tids,
    };
  }
  const q = m.queue;
  const on = q === null ? 'one queue' : q.kind === 'fd' ? `fd ${q.fd} (${q.what})` : `one futex word ${q.address} (${q.groupId})`;
  return {
    topic: 'thread-model',
    headline: hedge(m.confidence, `A pool of ${m.threads} threads waits on one queue, ${on}: workers waiting for work, not a thread per connection.`),
    detail: [`Idle workers on one queue cost their stacks but switch only when work arrives: ${switches}.`],
    evidence: [evidence('threads on it', `${m.threads} (tids ${m.tids.slice(0, 6).join(', ')}${m.tids.length > 6 ? ', …' : ''})`, q?.kind === 'futex' ? 'task/TID/syscall futex address' : 'task/TID/syscall fd')],
    kernel: kernelWords(m.kernel),
    confidence: m.confidence,
    notable: false,
    tids: m.tids,
  };
}

const WAIT_WORDS: Readonly<Record<string, string>> = {
  socket: 'wait on sockets',
  pipe: 'wait on pipes',
  epoll: 'wait in epoll',
  poll: 'wait in poll/select',
  futex: 'wait on futexes',
  sleep: 'sleep',
  waitpid: 'wait for their own children',
  'disk-io': 'wait on disk I/O',
  running: 'are running',
  zombie: 'have exited (zombies)',
  stopped: 'are stopped',
  unknown: 'wait on what /proc did not show',
};

function childWords(f: FdTableInsight): string {
  const groups = f.children?.groups ?? [];
  return groups
    .slice(0, 3)
    .map((g) => {
      const waits = g.waits.filter((w) => w.kind !== 'not-read').map((w) => WAIT_WORDS[w.kind] ?? `wait in ${w.kind}`);
      const holds = `${g.count === 1 ? 'its' : `its ${g.count}`} \`${g.comm}\` ${g.count === 1 ? 'child holds' : 'children hold'} ${g.fds === null ? 'an unknown number of' : g.fds} fds`;
      return waits.length > 0 ? `${holds} and ${waits.slice(0, 2).join(' or ')}` : holds;
    })
    .join('; ');
}

/** "the pool's 33 threads share 6 fds; its 32 `git` children hold 180 fds and wait on sockets". */
export function fdTableText(f: FdTableInsight): InsightText | null {
  const kids = f.children !== null && f.children.count > 0;
  if (f.threads < 2 && !kids) return null;
  // A process whose threads run children is the seed's pool; otherwise its threads are just its threads.
  const own = f.threads >= 2 ? `${kids ? "the pool's" : 'its'} ${f.threads} threads share ${f.fds ?? 'n/a'} fds` : `the process holds ${f.fds ?? 'n/a'} fds`;
  // Only the sharing can be unsure: without a listing to compare, or with one that differs.
  const headline = hedge(f.confidence, `${own[0]!.toUpperCase()}${own.slice(1)}${kids ? `; ${childWords(f)}` : ''}.`);
  const threads =
    f.threads < 2
      ? []
      : [
          'Threads made by pthread_create share their process\'s fd table (CLONE_FILES: copy_files only takes a reference), so fds are counted once per table, not once per thread.',
          f.checked > 0
            ? `/proc has no table id: the basis is that ${f.matched} of the ${f.checked} threads whose task/TID/fd was listed show the process's fds${f.differing.length > 0 ? `; ${plural(f.differing.length, 'thread')} (${f.differing.slice(0, 4).join(', ')}) show others: a table of their own (unshare(CLONE_FILES) or clone without it)` : ''}.`
            : '/proc has no table id; no other thread was listed to compare.',
        ];
  const detail = [
    ...threads,
    ...(kids ? [`Each child has a table of its own (fork copies it): ${f.children!.count} children, ${f.children!.fds ?? 'n/a'} fds in all${f.children!.unreadable > 0 ? ` (${f.children!.unreadable} not readable)` : ''}.`] : []),
  ];
  return {
    topic: 'fd-tables',
    headline,
    detail,
    evidence: [
      evidence('fds of the process', String(f.fds ?? 'n/a'), '/proc/PID/fd'),
      ...(f.threads >= 2 ? [evidence('threads listed with the same fds', `${f.matched} of ${f.checked}`, '/proc/PID/task/TID/fd (names only)')] : []),
      ...(kids ? [evidence("children's fds", `${f.children!.fds ?? 'n/a'} in ${f.children!.count} tables`, '/proc/CHILD/fd of each child (names only)')] : []),
    ],
    kernel: kernelWords(f.kernel),
    confidence: f.confidence,
    notable: false,
    tids: [],
  };
}
