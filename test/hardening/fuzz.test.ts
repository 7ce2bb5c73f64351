/**
 * Two properties, checked with fast-check against the built CLI:
 * (a) a random hostile capture (FIFOs, device nodes, symlink loops and links out, huge and deep
 *     entries, binary files, odd metadata and errors.json) replays with exit 0 or 4, within a
 *     time bound, and a refusal is one line;
 * (b) every error path of the CLI (bad arguments, options, proc roots, capture places and
 *     captures) gives exactly one line on stderr, never an internal error, and with --json one
 *     error object on stdout that says the same.
 * Each run is a process (a hang must be killable); the number of runs keeps the file under a minute.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isRoot, PROJECT, run } from './support.js';

const BIN = join(PROJECT, 'bin', 'proctriage');
const SOURCE = join(PROJECT, 'fixtures', 'epoll-idle-node');
const PID = (JSON.parse(readFileSync(join(SOURCE, 'meta.json'), 'utf8')) as { pid: number }).pid;
/** A run that takes longer has hung (they take well under a second). */
const BOUND_MS = 15_000;

/** In memory where there is a tmpfs at hand: each run copies a capture and makes thousands of entries. */
const scratch = mkdtempSync(join(statSync('/dev/shm', { throwIfNoEntry: false })?.isDirectory() ? '/dev/shm' : tmpdir(), 'proctriage-fuzz-'));
// rm -r: Node's recursive rmSync overflows its stack on very deep directories.
afterAll(() => execFileSync('rm', ['-rf', scratch]));
let made = 0;

async function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const r = await run(process.execPath, [BIN, ...args], { timeoutMs: BOUND_MS });
  return { ...r, ms: Date.now() - started };
}

/** Files of a tree, relative, sorted (a mutation picks one by index). */
function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(root, p));
    }
  };
  walk(root);
  return out;
}

/** Odd values for a meta.json field: wrong types, out of range, huge. */
const oddValue = fc.constantFrom<unknown>(0, -1, 1e308, -1e308, 0.5, 30283.5, 2 ** 53, '', 'x'.repeat(5000), '\u001b]0;x\u0007', null, true, [], {}, [1, 2], { dir: '0000' });
const metaField = fc.constantFrom('pid', 'clockTicksPerSecond', 'cpuCount', 'intervalMs', 'arch', 'kernelRelease', 'formatVersion', 'samples', 'triggerSample', 'scope', 'comm');

type Mutation =
  | { kind: 'fifo' | 'huge' | 'binary' | 'loop' | 'link-out' | 'parent-loop'; at: number }
  | { kind: 'device'; at: number; minor: 3 | 5 | 9 }
  | { kind: 'deep-cgroup'; depth: number; real: number }
  | { kind: 'many-tasks'; count: number }
  | { kind: 'meta'; field: string; value: unknown }
  | { kind: 'sample-time'; sample: number; field: 'tMonoMs' | 'tWallMs'; value: unknown }
  | { kind: 'errors'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('fifo', 'huge', 'binary', 'loop', 'link-out', 'parent-loop'), at: fc.nat() }) as fc.Arbitrary<Mutation>,
  ...(isRoot ? [fc.record({ kind: fc.constant('device' as const), at: fc.nat(), minor: fc.constantFrom(3 as const, 5 as const, 9 as const) })] : []),
  fc.record({ kind: fc.constant('deep-cgroup' as const), depth: fc.integer({ min: 1, max: 3000 }), real: fc.integer({ min: 0, max: 800 }) }),
  fc.record({ kind: fc.constant('many-tasks' as const), count: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('meta' as const), field: metaField, value: oddValue }),
  fc.record({ kind: fc.constant('sample-time' as const), sample: fc.nat({ max: 1 }), field: fc.constantFrom('tMonoMs' as const, 'tWallMs' as const), value: oddValue }),
  fc.record({ kind: fc.constant('errors' as const), value: fc.oneof(oddValue, fc.constant({ [`proc/${PID}`]: { kind: 'vanished', message: 'gone' } }), fc.constant({ [`proc/${PID}/stat`]: { kind: 'bogus' } })) }),
);

function apply(dir: string, m: Mutation): void {
  const all = files(join(dir, 'samples'));
  const pick = (at: number) => join(dir, 'samples', all[at % all.length]!);
  const editMeta = (edit: (meta: Record<string, unknown>) => void) => {
    const path = join(dir, 'meta.json');
    const meta = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(meta);
    writeFileSync(path, JSON.stringify(meta));
  };
  switch (m.kind) {
    case 'fifo':
    case 'device': {
      const path = pick(m.at);
      rmSync(path, { force: true });
      // Harmless devices if they were ever opened: null, zero, urandom.
      execFileSync(m.kind === 'device' ? 'mknod' : 'mkfifo', m.kind === 'device' ? [path, 'c', '1', String(m.minor)] : [path]);
      return;
    }
    case 'huge':
      return truncateSync(pick(m.at), 64 * 1024 * 1024);
    case 'binary':
      return writeFileSync(pick(m.at), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + m.at) % 256)));
    case 'loop': {
      const path = pick(m.at);
      rmSync(path, { force: true });
      return symlinkSync(`./${path.split('/').pop()!}`, path);
    }
    case 'parent-loop': {
      const path = dirname(pick(m.at));
      rmSync(path, { recursive: true, force: true });
      return symlinkSync('.', path);
    }
    case 'link-out': {
      const path = pick(m.at);
      rmSync(path, { force: true });
      return symlinkSync(`/proc/self/${path.split('/').pop()!}`, path);
    }
    case 'deep-cgroup':
      for (const s of readdirSync(join(dir, 'samples'))) {
        const pidDir = join(dir, 'samples', s, 'proc', String(PID));
        if (!statSync(pidDir, { throwIfNoEntry: false })?.isDirectory()) continue;
        writeFileSync(join(pidDir, 'cgroup'), `0::/${Array(m.depth).fill('c').join('/')}\n`);
        mkdirSync(join(dir, 'samples', s, 'cgroup', ...Array(Math.min(m.real, m.depth)).fill('c')), { recursive: true });
      }
      return;
    case 'many-tasks': {
      const task = join(dir, 'samples', '0001', 'proc', String(PID), 'task');
      if (!statSync(task, { throwIfNoEntry: false })?.isDirectory()) return;
      for (let i = 0; i < m.count; i++) mkdirSync(join(task, String(900_000 + i)), { recursive: true });
      return;
    }
    case 'meta':
      return editMeta((meta) => (meta[m.field] = m.value));
    case 'sample-time':
      return editMeta((meta) => {
        const s = (meta.samples as Record<string, unknown>[] | undefined)?.[m.sample];
        if (s && typeof s === 'object') s[m.field] = m.value;
      });
    case 'errors':
      for (const s of readdirSync(join(dir, 'samples'))) writeFileSync(join(dir, 'samples', s, 'errors.json'), JSON.stringify(m.value) ?? 'null');
      return;
  }
}

describe('(a) random hostile captures', () => {
  it('replay with exit 0 or 4 within the time bound; a refusal is one line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
        const dir = join(scratch, `capture-${made++}`);
        cpSync(SOURCE, dir, { recursive: true, verbatimSymlinks: true });
        for (const m of mutations) apply(dir, m);
        const r = await cli(['triage', '--replay', dir, '--threshold', '100']);
        execFileSync("rm", ["-rf", dir]);
        expect(r.ms, 'hung').toBeLessThan(BOUND_MS);
        expect([0, 4], r.stderr).toContain(r.code);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        if (r.code === 4) expect(lines, r.stderr).toHaveLength(1);
        for (const line of lines) expect(line).toMatch(/^proctriage: /);
        // NO_COLOR: nothing in the output drives the terminal.
        expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('(b) every error path of the CLI', () => {
  const dirs = (() => {
    const base = join(scratch, 'places');
    const d = {
      empty: join(base, 'empty'),
      fifoRoot: join(base, 'fifo-root'),
      file: join(base, 'a-file'),
      nonEmpty: join(base, 'non-empty'),
      dangling: join(base, 'dangling'),
      corrupt: join(base, 'corrupt'),
      noMeta: join(base, 'no-meta'),
    };
    mkdirSync(d.empty, { recursive: true });
    mkdirSync(join(d.fifoRoot, '42'), { recursive: true });
    execFileSync('mkfifo', [join(d.fifoRoot, '42', 'stat'), join(d.fifoRoot, '42', 'status')]);
    writeFileSync(d.file, 'x');
    mkdirSync(d.nonEmpty);
    writeFileSync(join(d.nonEmpty, 'x'), 'x');
    symlinkSync(join(base, 'nowhere'), d.dangling);
    mkdirSync(d.corrupt);
    writeFileSync(d.corrupt + '/meta.json', '\u001b]0;PWNED\u0007{');
    mkdirSync(d.noMeta);
    return d;
  })();

  const pid = fc.constantFrom('0', '-1', 'abc', '4194303', '99999999', '1.5', '', '1e3');
  const notAProc = fc.constantFrom('/', '/nonexistent', dirs.empty, dirs.file);
  /** Also a proc root of one process (42) whose stat and status are FIFOs. */
  const badRoot = fc.oneof(notAProc, fc.constant(dirs.fifoRoot));
  const badOut = fc.constantFrom(join(dirs.empty, 'no', 'such', 'x'), dirs.dangling, dirs.nonEmpty, join(dirs.file, 'x'), dirs.file, '/proc/x');
  const badCapture = fc.constantFrom(dirs.corrupt, dirs.noMeta, dirs.empty, dirs.file, '/nonexistent', dirs.dangling);
  const opt = (name: string, values: fc.Arbitrary<string>) => fc.option(values.map((v) => [name, v]), { nil: [] as string[] });
  const flag = (name: string) => fc.boolean().map((b) => (b ? [name] : []));
  const json = flag('--json');

  const commands: fc.Arbitrary<string[]> = fc.oneof(
    fc.tuple(pid, opt('--interval', fc.constantFrom('10', 'soon', '0', '5')), json, opt('--proc-root', badRoot)).map(([p, i, j, r]) => ['triage', p, ...i, ...j, ...r]),
    fc.tuple(badCapture, opt('--sample', fc.constantFrom('0', '99', 'x', '1')), json).map(([c, s, j]) => ['triage', '--replay', c, ...s, ...j]),
    fc.tuple(fc.constantFrom('1', '4194303', 'x'), badOut, opt('--samples', fc.constantFrom('0', '1', 'x')), opt('--proc-root', badRoot)).map(([p, o, s, r]) => ['capture', p, '-o', o, ...s, '--interval', '10', ...r]),
    fc.tuple(json, notAProc).map(([j, r]) => ['top', '--once', ...j, '--proc-root', r]),
    // At least one of the duration, the capture place or the proc root is bad.
    fc.tuple(fc.oneof(fc.constantFrom('0', 'x', '-1').map((d) => ['--duration', d]), badOut.map((o) => ['--capture', o]), notAProc.map((r) => ['--proc-root', r])), json).map(([bad, j]) => ['sample', '--duration', '0.05', ...bad, ...j]),
    fc.tuple(fc.constantFrom([], ['x']), fc.constantFrom('bogus', 'cpu>50', 'psi:cpu.some.avg11>3', 'state:Q'), badOut).map(([p, w, o]) => ['watch', ...p, '--when', w, '--capture', o]),
    fc.tuple(fc.constantFrom('1', 'x', '4194303'), opt('--proc-root', badRoot)).map(([p, r]) => ['attach', p, ...r]),
    fc.tuple(badCapture, opt('--sample', fc.constantFrom('0', '99'))).map(([c, s]) => ['replay', c, ...s]),
    fc.tuple(
      fc.constantFrom('bogus', '--nope', 'triage', 'triage --nope', 'triage 1 --sample 1', 'triage 5 --replay FIXTURE', 'triage --replay FIXTURE --sample 99', 'replay FIXTURE --sample 99', 'top --hz 0', 'sample --hz 1000', 'capture 1', 'watch --capture x'),
      json,
    ).map(([c, j]) => [...c.split(' ').map((a) => (a === 'FIXTURE' ? SOURCE : a)), ...j]),
  );

  it('one line on stderr, never an internal error, and with --json one error object on stdout', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (args) => {
        const r = await cli(args);
        expect(r.ms, 'hung').toBeLessThan(BOUND_MS);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
        expect([2, 3, 4, 5, 74], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
        const lines = r.stderr.split('\n');
        expect(lines, `${args.join(' ')}: ${r.stderr}`).toHaveLength(2);
        expect(lines[0]).toMatch(/^proctriage: /);
        expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        if (args.includes('--json')) {
          expect(JSON.parse(r.stdout)).toEqual({ error: { code: expect.any(String) as string, message: lines[0]!.replace(/^proctriage: /, ''), exitCode: r.code } });
        } else {
          expect(r.stdout).toBe('');
        }
      }),
      { numRuns: 50 },
    );
  }, 60_000);
});
