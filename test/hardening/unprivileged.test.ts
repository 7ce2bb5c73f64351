/**
 * Not root: the built CLI run as uid 65534 (setpriv) against a root-owned process, whose wait
 * sites the kernel hides, and against a process of its own, which it can still classify.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { spawnEpollIdle, spawnWaitpidParent, stopAll } from '../support/spawners.js';
import { AS_NOBODY, cliCopyForNobody, have, isRoot, NOBODY, parseDiagnosis, runCliAsNobody } from './support.js';

const canRun = isRoot && have('setpriv');
if (!canRun) console.warn('unprivileged.test.ts: skipped: needs root and setpriv (util-linux) to switch to uid 65534');

describe.runIf(canRun)('as uid 65534 (not root)', () => {
  let cli: ReturnType<typeof cliCopyForNobody>;
  beforeAll(() => {
    cli = cliCopyForNobody();
  });
  afterAll(async () => {
    cli?.remove();
    await stopAll();
  });

  const triageJson = async (pid: number) => parseDiagnosis(await runCliAsNobody(cli.bin, ['triage', String(pid), '--json', '--interval', '100', '--threshold', '100']));

  function expectHidden(d: Diagnosis, threads: number): void {
    expect(d.process.uid, 'status stays readable: the process is root-owned').toBe(0);
    expect(d.threads).toHaveLength(threads);
    for (const t of d.threads) {
      expect(t.state).toBe('S');
      expect(t.wait.kind, `tid ${t.tid}`).toBe('unknown');
      expect(t.wait.kind).not.toBe('running');
      expect(t.wait.missing).toEqual(['wchan: reads 0 although the thread sleeps', 'stack: permission denied', 'syscall: permission denied']);
    }
    expect(d.source.complete).toBe(false);
    expect(d.verdict.kind).toBe('hidden');
    expect(d.verdict.summary).toMatch(/hidden from this user/);
    const denied = d.missing.find((m) => m.what.startsWith('syscalls of'))!;
    expect(denied.reason).toBe('not-root');
    expect(denied.fix).toMatch(/^sudo proctriage triage \d+/);
    const missing = new Map(d.missing.map((m) => [m.what, m]));
    const want: [RegExp, RegExp, RegExp][] = [
      [/^wait channels \(wchan\) of \d+ thread/, /read 0 although the threads sleep/, /never reported as running/],
      [/^syscalls of \d+ thread/, /permission denied/, /show as `unknown`/],
      [/^kernel stacks of \d+ thread/, /permission denied/, /D-state waits/],
      [/^I\/O counters$/, /permission denied/, /bytes\/s/],
      [/^open files$/, /permission denied/, /fd breakdown/],
    ];
    for (const [what, why, weakens] of want) {
      const hit = [...missing.values()].find((m) => what.test(m.what));
      expect(hit, `missing[] names ${what.source}; has ${[...missing.keys()].join(' | ')}`).toBeDefined();
      expect(hit!.why).toMatch(why);
      expect(hit!.weakens).toMatch(weakens);
    }
  }

  it("another user's sleeping shell: unknown, never running; the report says what is missing, why, and what it weakens", async () => {
    const parent = await spawnWaitpidParent();
    try {
      expectHidden(await triageJson(parent.pid), 1);
      const text = await runCliAsNobody(cli.bin, ['triage', String(parent.pid), '--interval', '100', '--threshold', '100']);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/PARTIAL view \(not root\)/);
      expect(text.stdout).toMatch(/Could not see\n(.|\n)*syscalls of 1 thread\(s\): permission denied(.|\n)*weakens: /);
      expect(text.stdout).not.toMatch(/\brunning\b.*do_wait/);
    } finally {
      await parent.stop();
    }
  });

  it("another user's idle node (7 threads, epoll and futex): every thread unknown, none running", async () => {
    const node = await spawnEpollIdle();
    try {
      const d = await triageJson(node.pid);
      expectHidden(d, d.threads.length);
      expect(d.threads.length).toBeGreaterThanOrEqual(3);
    } finally {
      await node.stop();
    }
  });

  it('its own process: fully classified from wchan and syscall, though stack is still root-only', async () => {
    const [setpriv, ...privArgs] = AS_NOBODY;
    const sh = spawn(setpriv, [...privArgs, 'sh', '-c', 'sleep 1000; true'], { detached: true, stdio: 'ignore' });
    const pid = sh.pid!;
    try {
      // Ready when the shell (now uid 65534) sleeps in wait4 on its child.
      for (let i = 0; ; i++) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8');
        if (new RegExp(`^Uid:\\s+${NOBODY}\\b`, 'm').test(status) && wchan === 'do_wait') break;
        if (i > 300) throw new Error(`pid ${pid} never waited in do_wait as uid ${NOBODY}: wchan ${wchan}`);
        await sleep(10);
      }
      const d = await triageJson(pid);
      expect(d.process.uid).toBe(NOBODY);
      const main = d.threads.find((t) => t.tid === pid)!;
      expect(main.wait.kind).toBe('waitpid');
      expect(main.wait.function).toBe('do_wait');
      expect(main.wait.syscall).toEqual({ nr: 61, name: 'wait4' });
      expect(main.wait.missing).toEqual(['stack: permission denied']);
      expect(d.verdict.kind).toBe('waiting-on-children');
      const what = d.missing.map((m) => m.what);
      expect(what).toContain('kernel stacks of 1 thread(s)');
      expect(what.filter((w) => /syscalls|wchan|I\/O counters|open files/.test(w))).toEqual([]);
      expect(d.process.fdCount).not.toBeNull();
    } finally {
      process.kill(-pid, 'SIGKILL');
      await new Promise((resolve) => (sh.exitCode !== null || sh.signalCode !== null ? resolve(null) : sh.once('exit', resolve)));
    }
  });
});
