/**
 * No input makes proctriage hang or crawl: a FIFO anywhere under --proc-root or in a capture,
 * a device node in a capture (refused before it is opened), a 3,000-component cgroup path, a
 * capture whose proc/ links to the real /proc (resolved without a stat outside the capture).
 * Each CLI run has a time bound; a hang is killed and fails the test.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { have, isRoot, PROJECT, run, traceCli, type TracedCall } from './support.js';

const BIN = join(PROJECT, 'bin', 'proctriage');
const SOURCE = join(PROJECT, 'fixtures', 'epoll-idle-node');
const META = JSON.parse(readFileSync(join(SOURCE, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
const PID = META.pid;
/** Far above what any of these takes when it does not hang (well under a second each). */
const BOUND_MS = 20_000;

const scratch = mkdtempSync(join(tmpdir(), 'proctriage-nohang-'));
// rm -r: Node's recursive rmSync overflows its stack on the 1,800-deep cgroup directories.
afterAll(() => execFileSync('rm', ['-rf', scratch]));
let made = 0;

function fifo(path: string): void {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('mkfifo', [path]);
}

function tids(pidDir: string): number[] {
  return readdirSync(join(pidDir, 'task')).map(Number).sort((a, b) => a - b);
}

/** The CLI with a time bound: `timedOut` when it had to be killed. */
async function bounded(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const started = Date.now();
  const r = await run(process.execPath, [BIN, ...args], { timeoutMs: BOUND_MS });
  return { ...r, timedOut: r.code === null && Date.now() - started >= BOUND_MS };
}

async function expectCompletes(args: readonly string[], code = 0): Promise<string> {
  const r = await bounded(args);
  expect(r.timedOut, `proctriage ${args.join(' ')} hung`).toBe(false);
  expect(r.code, r.stderr).toBe(code);
  return r.stdout;
}

/** A copy of the fixture; `edit` runs on each sample directory. */
function capture(edit: (sampleDir: string, pidDir: string) => void): string {
  const dir = join(scratch, `capture-${made++}`);
  cpSync(SOURCE, dir, { recursive: true, verbatimSymlinks: true });
  for (const s of META.samples) {
    const sampleDir = join(dir, 'samples', s.dir);
    edit(sampleDir, join(sampleDir, 'proc', String(PID)));
  }
  return dir;
}

const missingText = (d: Diagnosis) => d.missing.map((m) => `${m.what}: ${m.why}`).join('\n');

describe('a FIFO under --proc-root', () => {
  /** A proc root laid out from the fixture's last sample, with FIFOs where files were. */
  function procRootWithFifos(): string {
    const root = join(scratch, `proc-root-${made++}`);
    cpSync(join(SOURCE, 'samples', '0001', 'proc'), root, { recursive: true, verbatimSymlinks: true });
    const pidDir = join(root, String(PID));
    const [first, second] = tids(pidDir);
    fifo(join(pidDir, 'stat'));
    fifo(join(pidDir, 'task', String(first), 'wchan'));
    fifo(join(pidDir, 'task', String(second), 'stat'));
    for (const path of ['self/limits', 'loadavg', 'uptime', 'pressure/cpu', 'sys/kernel/osrelease']) fifo(join(root, path));
    return root;
  }

  it('triage reads past FIFOs named stat and wchan, and says which files it could not read', async () => {
    const root = procRootWithFifos();
    const d = JSON.parse(await expectCompletes(['triage', String(PID), '--proc-root', root, '--interval', '50', '--json'])) as Diagnosis;
    expect(missingText(d)).toMatch(new RegExp(`${PID}/stat: not a regular file \\(a FIFO\\)`));
  });

  it('top --once reads past them too', async () => {
    await expectCompletes(['top', '--once', '--proc-root', procRootWithFifos()]);
  });
});

describe('hostile captures', () => {
  it('FIFOs named stat and wchan: replayed, named as unreadable', async () => {
    const dir = capture((_, pidDir) => {
      const [first, second] = tids(pidDir);
      fifo(join(pidDir, 'task', String(first), 'wchan'));
      fifo(join(pidDir, 'task', String(second), 'stat'));
    });
    const d = JSON.parse(await expectCompletes(['triage', '--replay', dir, '--json'])) as Diagnosis;
    expect(missingText(d)).toMatch(/not a regular file \(a FIFO\)/);
  });

  it.runIf(isRoot && have('strace'))('a device node is refused before it is opened', async () => {
    const dir = capture((_, pidDir) => {
      const [first, second] = tids(pidDir);
      for (const [path, minor] of [[join(pidDir, 'task', String(first), 'stack'), '5'], [join(pidDir, 'task', String(second), 'wchan'), '3']] as const) {
        rmSync(path, { force: true });
        execFileSync('mknod', [path, 'c', '1', minor]);
      }
    });
    const { result, calls } = await traceCli(['triage', '--replay', dir, '--json'], { trace: ['open', 'openat', 'openat2'], timeoutMs: BOUND_MS });
    expect(result.code, result.stderr).toBe(0);
    expect(calls.some((c) => c.path?.startsWith(join(dir, 'samples') + sep)), 'the trace saw the capture read').toBe(true);
    const devices = new Set(
      META.samples.flatMap((s) => {
        const [first, second] = tids(join(dir, 'samples', s.dir, 'proc', String(PID)));
        return [`${s.dir}/proc/${PID}/task/${first}/stack`, `${s.dir}/proc/${PID}/task/${second}/wchan`].map((p) => join(dir, 'samples', p));
      }),
    );
    expect(calls.filter((c) => c.path !== undefined && devices.has(c.path)).map((c) => c.path)).toEqual([]);
    expect(missingText(JSON.parse(result.stdout) as Diagnosis)).toMatch(/not a regular file \(a character device\)/);
  });

  it('a 3,000-component cgroup path, 1,800 of them real directories: no quadratic walk', async () => {
    const dir = capture((sampleDir, pidDir) => {
      writeFileSync(join(pidDir, 'cgroup'), `0::/${Array(3000).fill('a').join('/')}\n`);
      mkdirSync(join(sampleDir, 'cgroup', ...Array(1800).fill('a')), { recursive: true });
    });
    const started = Date.now();
    await expectCompletes(['triage', '--replay', dir]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe.runIf(have('strace'))('links in a capture are resolved without a stat outside it', () => {
  const STATS = ['stat', 'lstat', 'newfstatat', 'statx', 'readlink', 'readlinkat'];
  /** What node itself stats and reads as links on start (`--version`), and the tool's own files. */
  let runtime = new Set<string>();
  beforeAll(async () => {
    const { calls } = await traceCli(['--version'], { trace: STATS });
    runtime = new Set(calls.flatMap((c) => pathOf(c) ?? []));
  }, 30_000);

  function pathOf(c: TracedCall): string | null {
    const m = /^(?:(?:AT_FDCWD|-?\d+), )?"((?:[^"\\]|\\.)*)"/.exec(c.args);
    return m && m[1] !== '' ? m[1]! : null;
  }
  /** The time zone, resolved by the runtime the first time a date is formatted (/etc/localtime → /usr/share/zoneinfo/…). */
  const timeZone = (path: string) => ['/etc', '/etc/localtime', '/usr', '/usr/share'].includes(path) || path.startsWith('/usr/share/zoneinfo');
  const toolFile = (path: string) => path === join(PROJECT, 'package.json') || ['dist', 'node_modules', 'bin'].some((d) => path.startsWith(join(PROJECT, d) + '/'));
  /** The capture itself and the directories on the way to it. */
  const onTheWay = (path: string, dir: string) => path === dir || path.startsWith(dir + sep) || dir.startsWith(path + sep) || path === sep;

  it('samples/*/proc -> /proc: refused, and /proc is never looked at', async () => {
    const dir = capture((sampleDir) => {
      rmSync(join(sampleDir, 'proc'), { recursive: true });
      symlinkSync('/proc', join(sampleDir, 'proc'));
    });
    const { result, calls } = await traceCli(['triage', '--replay', dir], { trace: STATS, timeoutMs: BOUND_MS });
    expect([0, 3, 4]).toContain(result.code);
    const outside = calls.flatMap((c) => {
      const path = pathOf(c);
      return path !== null && !runtime.has(path) && !timeZone(path) && !toolFile(path) && !onTheWay(path, dir) ? [`${c.name}(${path})`] : [];
    });
    expect(outside).toEqual([]);
  });
});
