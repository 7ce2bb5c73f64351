import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../src/procfs/errors.js';
import type { ThreadSnapshot } from '../../src/readers/types.js';
import { detailLines, detailPanel } from '../../src/ui/panels/detail.js';
import { headerLines, type HeaderInput } from '../../src/ui/panels/header.js';
import { pressurePanel, pressureVerdict, psiPoint, pushPsi, sparkline } from '../../src/ui/panels/pressure.js';
import { fdBreakdown, resourcesPanel, type ResourceGaps } from '../../src/ui/panels/resources.js';
import { helpLines, statusLine } from '../../src/ui/panels/status.js';
import { tableRows, threadsPanel } from '../../src/ui/panels/threads.js';
import { treeLines, treePanel } from '../../src/ui/panels/tree.js';
import { initialState, reconcile, type UiState } from '../../src/ui/state.js';
import { escapeTags, toTags } from '../../src/ui/tags.js';
import { panelText, plainText, wrapText, type Line } from '../../src/ui/text.js';
import { makeDiagnosis, thread, wait } from './support/diagnosis.js';

const text = (lines: readonly Line[]) => lines.map(plainText).join('\n');
const expectAll = (s: string, parts: readonly string[]) => {
  for (const part of parts) expect(s).toContain(part);
};

function header(over: Partial<HeaderInput> = {}): string {
  const input: HeaderInput = {
    diagnosis: makeDiagnosis(),
    intervalMs: 1000,
    host: { cpuModel: 'AMD EPYC 7B13', cpuCount: 4, memoryBytes: 16 * 1024 ** 3, distro: 'Debian GNU/Linux 12', kernelRelease: '6.1.0-18-amd64' },
    hostError: null,
    userName: 'alice',
    ended: null,
    paused: false,
    replay: null,
    ...over,
  };
  return text(headerLines(input, 200));
}

describe('header', () => {
  it('names the process, its state, age, threads and user, and the host', () => {
    expectAll(header(), [
      'LIVE 1 s',
      'pid 100 app',
      'state S (sleeping)',
      'age 1h 2m',
      'threads 32',
      'user alice (1000)',
      'view: complete',
      'AMD EPYC 7B13 × 4 · 16.0 GiB RAM · Debian GNU/Linux 12 · kernel 6.1.0-18-amd64',
    ]);
  });

  it('says what a partial view misses and that it needs root', () => {
    expect(header({ diagnosis: makeDiagnosis({ complete: false }) })).toContain('view: partial — needs root: kernel stacks of 32 thread(s)');
  });

  it('says when the host is still being read, or could not be', () => {
    expect(header({ host: null })).toContain('host: reading…');
    expect(header({ host: null, hostError: 'unknown (timeout)' })).toContain('host: unknown (timeout)');
  });

  it('marks an exited process and a reused pid, frozen on the last sample', () => {
    const exited = header({ ended: { reason: 'exited', message: 'process 100 exited' } });
    expect(exited).toContain('EXITED');
    expect(exited).toContain('process 100 exited (frozen on the sample of 2024-05-01 12:00:03 UTC)');
    expect(header({ ended: { reason: 'pid-reused', message: 'pid 100 now belongs to a different process' } })).toContain('PID REUSED');
  });

  it('marks pause live, and replay with the capture time, kernel and position', () => {
    expect(header({ paused: true })).toContain('PAUSED');
    const r = header({ replay: { index: 2, count: 5, dir: '/tmp/cap', sampledAt: '2024-05-01T12:00:03.000Z', kernelRelease: '5.15.0-97', arch: 'x86_64', cpuCount: 8, playing: false } });
    expect(r).toContain('REPLAY 3/5');
    expect(r).toContain('capture 2024-05-01 12:00:03 UTC · kernel 5.15.0-97 x86_64 · 8 CPUs · /tmp/cap');
    expect(r).not.toContain('LIVE');
  });

  it('shows an unreadable uid as needs root', () => {
    const d = makeDiagnosis();
    expect(header({ diagnosis: { ...d, process: { ...d.process, uid: null } } })).toContain('user needs root');
  });
});

describe('pressure', () => {
  it('draws a sparkline with the threshold at the top of ▄', () => {
    const s = (values: (number | null)[], width = values.length) => sparkline(values, width, 10).map((x) => x.text).join('');
    expect(s([0, 2.5, 5, 7.5, 10])).toBe('▁▁▂▃▄');
    // Above it, each quarter of the threshold again is one step taller.
    expect(s([10.1, 12, 13, 15.1, 20, 100])).toBe('▅▅▆▇██');
    expect(s([null, 1], 4)).toBe('   ▁');
    expect(s([1, 2, 3, 20], 2)).toBe('▂█'); // newest on the right
    expect(sparkline([5, 50], 2, 10).map((x) => x.tone)).toEqual(['good', 'bad']);
  });

  it('puts the verdict in words in the title', () => {
    expect(pressureVerdict(makeDiagnosis()).text).toBe('no contention (all ≤ 10 %)');
    expect(pressureVerdict(makeDiagnosis({ systemPsi: { cpu: 34.2, memory: 0, io: 0 } })).text).toBe('contended: system cpu 34.2 % > 10 %');
  });

  it('shows some and full for system and cgroup, irq only where present', () => {
    const d = makeDiagnosis({ systemPsi: { cpu: 34.2, memory: 0, io: 1.2 } });
    const history = [psiPoint(d, 0), psiPoint(d, 0)];
    const p = pressurePanel(d, history, { width: 60, height: 12 });
    const t = panelText(p);
    expect(p.title).toBe('PSI — contended: system cpu 34.2 % > 10 %');
    expect(t).toContain('system');
    expect(t).toContain('cgroup /system.slice/app.service');
    expect(t).toMatch(/cpu\s+34\.2\s+—\s+██/);
    expect(t).toMatch(/io\s+1\.2\s+0\.6/);
    expect(t).not.toContain('irq');
    const withIrq = makeDiagnosis({ systemPsi: { cpu: 0, memory: 0, io: 0, irq: 0.3 } });
    expect(panelText(pressurePanel(withIrq, [psiPoint(withIrq, 0)], { width: 60, height: 12 }))).toMatch(/irq\s+0\.3/);
  });

  it('fits system and cgroup side by side on a short panel', () => {
    const d = makeDiagnosis();
    const t = panelText(pressurePanel(d, [psiPoint(d, 0)], { width: 76, height: 5 }));
    expect(t.split('\n')).toHaveLength(5);
    expect(t.split('\n')[0]).toMatch(/system some full.*cgroup some full/);
    expect(t).toMatch(/cpu\s+0\.4\s+—\s+▁\s+0\.1/);
  });

  it('says why PSI is unavailable instead of drawing zeros', () => {
    const d = makeDiagnosis({ cgroupPsi: null });
    const system = { ...d.pressure.system, unavailable: 'this kernel has no PSI (/proc/pressure is absent)' };
    const noPsi = { ...d, pressure: { system, cgroup: null } };
    const p = pressurePanel(noPsi, [psiPoint(noPsi, 0)], { width: 70, height: 8 });
    expect(p.title).toBe('PSI — unavailable');
    expect(panelText(p)).toContain('system: unavailable — this kernel has no PSI');
    expect(panelText(p)).not.toMatch(/\b0\.0\b/);
  });

  it('says why there is no cgroup row', () => {
    const d = makeDiagnosis({ cgroupPsi: null });
    expect(panelText(pressurePanel(d, [psiPoint(d, 0)], { width: 70, height: 8 }, '/'))).toContain("cgroup /: the root cgroup, its pressure is the system's");
    expect(panelText(pressurePanel(d, [psiPoint(d, 0)], { width: 70, height: 8 }, null))).toContain('cgroup: no cgroup v2 pressure for this process');
  });

  it('keeps a bounded history', () => {
    const d = makeDiagnosis();
    let h = [psiPoint(d, 0)];
    for (let i = 0; i < 10; i++) h = pushPsi(h, psiPoint(d, 0), 4);
    expect(h).toHaveLength(4);
  });
});

describe('threads', () => {
  const d = makeDiagnosis({
    threads: [thread(100, 'waitpid'), thread(101, 'futex'), thread(102, 'futex'), thread(103, 'running', { comm: 'spin' }), thread(104, 'futex', { cpuPercent: 5 })],
  });
  const view = (ui: UiState, height = 10) => {
    const rows = tableRows(d, ui.sort, ui.grouped);
    const s = reconcile(ui, { rowKeys: rows.map((r) => r.key), pageSize: height - 1, sampleCount: null });
    return threadsPanel(d, rows, s, { width: 110, height });
  };

  it('draws one row per thread: tid, comm, state, wait kind, function, CPU %, switches/s', () => {
    const t = panelText(view(initialState()).panel);
    expect(t.split('\n')[0]).toMatch(/TID\s+COMM\s+S WAIT▼\s+FUNCTION\s+CPU%\s+SW\/s\s+WAITING ON/);
    expect(t).toMatch(/101\s+worker\s+S futex\s+futex_wait_queue\s+0\.0\s+1\.0 futex wait 0x7f3a2c000b10/);
    expect(t).toMatch(/100\s+main\s+S waitpid\s+do_wait/);
    expect(t).toMatch(/103\s+spin\s+R running\s+—\s+97\.5/);
  });

  it('marks the selected row', () => {
    const lines = view(initialState()).panel.lines.map(plainText);
    expect(lines.filter((l) => l.startsWith('▶'))).toHaveLength(1);
    expect(view(initialState()).panel.lines[1]![0]!.tone).toBe('selected');
  });

  it('sorts by wait kind (running before waits on others), by CPU, by tid', () => {
    const tids = (sort: UiState['sort']) => tableRows(d, sort, false).map((r) => (r.type === 'thread' ? r.thread.tid : 0));
    expect(tids('wait')).toEqual([103, 101, 102, 104, 100]);
    expect(tids('cpu')).toEqual([103, 104, 100, 101, 102]);
    expect(tids('tid')).toEqual([100, 101, 102, 103, 104]);
  });

  it('groups threads waiting on the same thing: "3 ×"', () => {
    const v = view({ ...initialState(), grouped: true });
    expect(v.panel.title).toContain('3 groups');
    expect(panelText(v.panel)).toMatch(/3 ×\s+worker\s+S futex\s+futex_wait_queue\s+5\.0\s+3\.0 tids 101,102,104/);
  });

  it('says where it is in a long list', () => {
    const many = makeDiagnosis();
    const rows = tableRows(many, 'tid', false);
    const p = threadsPanel(many, rows, reconcile({ ...initialState(), sort: 'tid' }, { rowKeys: rows.map((r) => r.key), pageSize: 4, sampleCount: null }), { width: 100, height: 5 });
    expect(p.panel.title).toBe('threads (32) by tid 1–4 of 32');
    expect(p.pageSize).toBe(4);
  });

  it('shows a hidden wait site as needs root', () => {
    const hidden = makeDiagnosis({ threads: [thread(7, 'unknown', { wait: wait('unknown', { function: null, missing: ['syscall: permission denied', 'stack: permission denied'], gaps: [{ file: 'syscall', reason: 'denied' }, { file: 'stack', reason: 'denied' }] }) })] });
    const rows = tableRows(hidden, 'wait', false);
    expect(panelText(threadsPanel(hidden, rows, initialState(), { width: 100, height: 5 }).panel)).toMatch(/7\s+main\s+S unknown\s+needs root/);
  });
});

function snapshot(tid: number, stackDenied: boolean): ThreadSnapshot {
  const denied = fail({ kind: 'denied', path: `1/task/${tid}/stack`, errno: 'EACCES', message: 'permission denied' });
  const unused = fail({ kind: 'unsupported', path: 'x', message: 'not read' });
  return { tid, stat: unused, status: unused, wchan: unused, stack: stackDenied ? denied : ok([]), syscall: unused, io: unused, schedstat: unused, children: unused };
}

describe('selected thread', () => {
  const t = thread(101, 'futex');

  it('explains the wait: what for, what wakes it, kernel function and file, syscall argument, stack', () => {
    expectAll(panelText(detailPanel({ thread: t, snapshot: null, groupSize: 31, groupTids: [101] }, { width: 120, height: 10 })), [
      'tid 101 worker · S (sleeping) · CPU 0.0 % · 1.0 sw/s · 1 of 31 in futex',
      'waits for  A user-space lock or condition variable.',
      'wakes when Another thread unlocks it.',
      'kernel     futex_wait_queue  (kernel/futex/waitwake.c)',
      'syscall    futex (nr 202) · futex address = 0x7f3a2c000b10',
      'stack      futex_wait_queue ← futex_wait ← do_futex ← __x64_sys_futex',
    ]);
  });

  it('says needs root when the stack was denied, not an empty stack', () => {
    const noStack = { ...t, stack: [] };
    expect(panelText(detailPanel({ thread: noStack, snapshot: snapshot(101, true), groupSize: 1, groupTids: [101] }, { width: 100, height: 10 }))).toContain('stack      needs root');
  });

  it('in full (Enter) lists the stack one frame a line and wraps long text', () => {
    const long = { ...t, wait: wait('futex', { explanation: { waitsFor: 'word '.repeat(40).trim(), wakesWhen: 'x', cost: 'none' } }) };
    const lines = detailLines({ thread: long, snapshot: null, groupSize: 2, groupTids: [101, 102] }, 60, true).map(plainText);
    expect(lines.filter((l) => /^(waits for\s+|\s{11})word/.test(l))).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.length <= 60)).toBe(true); // the first line is cut by the panel, not wrapped
    expect(lines).toContain('           do_futex');
    expect(lines.join('\n')).toContain('same wait  2 threads: 101, 102');
  });

  it('says what the wait is on, and in full lists it', () => {
    const follow = {
      kind: 'children' as const,
      summary: 'waits for any child: 2 children `sleep` sleep in nanosleep',
      children: { waitsFor: 'any child', children: [], groups: [{ comm: 'sleep', kind: 'sleep', count: 2, label: '2 children `sleep` sleep in nanosleep' }], source: 'task-children' as const, truncated: false, summary: '' },
    };
    const parent = thread(100, 'waitpid', { follow });
    expect(panelText(detailPanel({ thread: parent, snapshot: null, groupSize: 1, groupTids: [100] }, { width: 120, height: 10 }))).toContain('waits on   waits for any child: 2 children `sleep` sleep in nanosleep');
    expect(detailLines({ thread: parent, snapshot: null, groupSize: 1, groupTids: [100] }, 120, true).map(plainText)).toContain('           · 2 children `sleep` sleep in nanosleep');
  });

  it('with no thread says so', () => {
    expect(panelText(detailPanel({ thread: null, snapshot: null, groupSize: 0, groupTids: [] }, { width: 40, height: 4 }))).toBe('no thread selected');
  });
});

describe('resources', () => {
  const none: ResourceGaps = { stat: null, status: null, io: null, fds: null, limits: null };

  it('shows CPU, RSS and swap, I/O bytes/s, syscalls/s, major faults/s and fds against the limit by type', () => {
    expectAll(panelText(resourcesPanel(makeDiagnosis(), none, { width: 100, height: 6 })), [
      'CPU      2.5 % of one core · switches 33.0 vol/s 1.0 invol/s',
      'memory   RSS 2.0 MiB · swap 0 B · major faults 0.0/s',
      'I/O      read 4.0 KiB/s · write 0 B/s · syscalls 120/s',
      'open fds 37 of 1024 (4 %)',
      'socket 12 · file 8 · pipe 4 · [eventpoll] 1',
    ]);
  });

  it('shows denied files as needs root, never as 0', () => {
    const d = makeDiagnosis();
    const denied = { ...d, process: { ...d.process, readBytesPerSec: null, writeBytesPerSec: null, syscallsPerSec: null, fdCount: null, fdTypes: {} } };
    const s = panelText(resourcesPanel(denied, { ...none, io: 'needs root', fds: 'needs root' }, { width: 100, height: 6 }));
    expect(s).toContain('read needs root · write needs root · syscalls needs root');
    expect(s).toContain('open fds needs root');
  });

  it('says measuring… before the second sample', () => {
    expect(panelText(resourcesPanel(makeDiagnosis({ rates: false }), none, { width: 100, height: 6 }))).toContain('CPU      measuring…');
  });

  it('orders the fd breakdown biggest first', () => {
    expect(fdBreakdown({ pipe: 2, socket: 9, 'anon_inode:eventfd': 2, file: 0 })).toBe('socket 9 · eventfd 2 · pipe 2');
  });
});

describe('decision tree', () => {
  it('shows the path with evidence when there is room, and the next command (the verdict has its own line above)', () => {
    const panel = panelText(treePanel(makeDiagnosis(), { width: 100, height: 12 }));
    expect(panel).not.toContain('verdict ');
    expect(text(treeLines(makeDiagnosis(), { width: 100, height: 40 }, true))).toContain('verdict        The process is blocked: 31 threads wait on one futex.');
    expectAll(panel, [
      '1 PSI          No: every PSI avg10 is at or below 10 %.',
      '               system cpu some avg10 = 0.40 %  /proc/pressure/cpu',
      '3 on/off-CPU   Off-CPU: 32 of 32 threads sleep.',
      '4 wait         31 threads in futex (futex_wait_queue).',
      '→ next         gdb -p 100 -batch -ex "thread apply all bt"',
    ]);
  });

  it('keeps the next command on a short panel', () => {
    const lines = treePanel(makeDiagnosis(), { width: 60, height: 3 }).lines.map(plainText);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^→ next/);
  });

  it('in full shows why the next command', () => {
    expect(text(treeLines(makeDiagnosis(), { width: 80, height: 40 }, true))).toContain('see which thread holds the lock');
  });

  it('in full says what could not be seen and which conclusions that weakens', () => {
    const d = { ...makeDiagnosis(), missing: [{ what: 'kernel stacks of 3 thread(s)', why: 'permission denied: root-only', weakens: 'D-state waits are told apart from wchan alone', reason: 'root-only' as const, fix: null }] };
    const full = text(treeLines(d, { width: 100, height: 40 }, true));
    expect(full).toContain('could not see');
    expect(full).toContain('kernel stacks of 3 thread(s): permission denied: root-only');
    expect(full).toContain('weakens: D-state waits are told apart from wchan alone');
    expect(text(treeLines(d, { width: 100, height: 40 }, false))).not.toContain('could not see');
  });
});

describe('status line and help', () => {
  it('lists the keys, after a message', () => {
    const s = plainText(statusLine('live', 'capture written to /tmp/x', 200));
    expect(s).toMatch(/^ capture written to \/tmp\/x +q quit {2}\? help {2}↑↓ j k select {2}Enter detail {2}s sort {2}g group {2}t tree {2}v charts {2}p pause {2}c capture/);
    // Opened from top, q and Esc go back to it and Q quits.
    expect(plainText(statusLine('live', null, 200, true))).toMatch(/^ q Esc back to top {2}Q quit {2}\? help/);
    expect(plainText(statusLine('replay', null, 200))).toContain('←→ step');
  });

  it('help explains keys and legends', () => {
    const h = text(helpLines('live', initialState()));
    expect(h).toContain('Ctrl-C');
    expect(h).toContain('needs root');
    expect(h).toMatch(/v +charts over the whole body/);
    const fromTop = text(helpLines('live', initialState(), true));
    expect(fromTop).toMatch(/q Esc +back to top, at the row this process was opened from/);
    expect(fromTop).toMatch(/Q +quit proctriage \(top too\)/);
  });
});

describe('tags', () => {
  it('escapes braces from /proc text', () => {
    expect(escapeTags('a{b}c')).toBe('a{open}b{close}c');
    expect(toTags([{ text: '{x}', tone: 'plain' }], true)).toBe('{open}x{close}');
  });

  it('uses no colour without colours (NO_COLOR), keeps bold and inverse', () => {
    const l: Line = [
      { text: 'a', tone: 'bad' },
      { text: 'b', tone: 'good' },
      { text: 'c', tone: 'selected' },
      { text: 'd', tone: 'dim' },
    ];
    expect(toTags(l, false)).toBe('{bold}a{/bold}b{inverse}c{/inverse}d');
    expect(toTags(l, true)).toContain('{red-fg}');
  });
});

describe('wrapText', () => {
  it.each([
    ['a b c', 3, 0, ['a b', 'c']],
    ['hello world', 20, 0, ['hello world']],
    ['abcdefghij', 4, 0, ['abcd', 'efgh', 'ij']],
    ['one two three', 7, 2, ['one two', '  three']],
    ['', 10, 0, ['']],
  ])('%j at %i', (input, width, indent, want) => {
    expect(wrapText(input, width, indent)).toEqual(want);
  });
});

describe('hostile text in the dashboard', () => {
  it('shows control characters from /proc as \\xNN and escapes blessed tags', async () => {
    const { escapeTags } = await import('../../src/ui/tags.js');
    expect(escapeTags('evil\u001b]0;pwned\u0007{bold}')).toBe('evil\\x1b]0;pwned\\x07{open}bold{close}');
  });

  it('keeps the thread table aligned when a comm holds control characters', () => {
    const d = makeDiagnosis({ threads: [thread(100, 'futex'), thread(101, 'futex', { comm: '\u001b[2J\u001b[Hx' })] });
    const rows = tableRows(d, 'tid', false);
    const lines = threadsPanel(d, rows, initialState(), { width: 110, height: 5 }).panel.lines.map(plainText);
    const kindAt = (l: string) => l.indexOf(' futex ');
    expect(lines[2]).toContain('\\x1b[2J');
    expect(kindAt(lines[2]!)).toBe(kindAt(lines[1]!));
  });
});
