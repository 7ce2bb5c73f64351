/**
 * Large inputs in bounded time and memory (issue 15, point 3): a capture whose process lists
 * 100,000 `task/` entries is read up to the documented cap, quickly, and the report says what
 * was left out. (Speed and memory goals are measured by `npm run bench`; the bound here only
 * catches a hang or a blow-up.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { MAX_THREADS_READ } from '../../src/readers/process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : '/tmp', 'proctriage-large-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a capture with 100,000 task entries', () => {
  it('is read up to the cap, in bounded time and memory, and says how many threads were left out', () => {
    const dir = join(scratch, 'cap');
    cpSync(join(ROOT, 'fixtures', 'nanosleep'), dir, { recursive: true });
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
    const task = join(dir, 'samples', meta.samples.at(-1)!.dir, 'proc', String(meta.pid), 'task');
    // Empty directories: each listed thread must be looked at (and found missing) up to the cap.
    for (let i = 0; i < 100_000; i++) mkdirSync(join(task, String(1_000_000 + i)));
    const started = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, join(ROOT, 'bin', 'proctriage'), 'triage', '--replay', dir], { encoding: 'utf8', timeout: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(r.status, r.stderr).toBe(0);
    const left = 100_001 - MAX_THREADS_READ;
    expect(r.stdout).toContain(`${left} of its 100001 threads: proctriage reads at most ${MAX_THREADS_READ} threads of one process`);
    const rssKb = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
    expect(rssKb).toBeLessThan(600_000);
    expect(seconds).toBeLessThan(50);
  }, 90_000);
});
