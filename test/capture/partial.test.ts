import { afterAll, describe, expect, it } from 'vitest';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitPartial, createPartial, PARTIAL_MARKER, removeStalePartials } from '../../src/capture/partial.js';
import { spawnShortLived, stopAll } from '../support/spawners.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-partial-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const pidNs = readlinkSync('/proc/self/ns/pid');
const starttimeOf = (pid: number | 'self') => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);

interface Writer {
  pid: number;
  starttime: number;
  bootId?: string;
  pidNs?: string;
}

/** A partial directory as a proctriage writer leaves it: name, marker and a half-written sample. */
function leftPartial(parent: string, name: string, w: Writer, marker: Record<string, unknown> = {}): string {
  const dir = join(parent, `.${name}.partial-${w.pid}-${w.starttime}`);
  mkdirSync(join(dir, 'samples', '0000', 'proc', '1'), { recursive: true });
  writeFileSync(join(dir, 'samples', '0000', 'proc', '1', 'stat'), '1 (init) S');
  writeFileSync(join(dir, PARTIAL_MARKER), JSON.stringify({ writer: 'proctriage', pid: w.pid, starttime: w.starttime, bootId: w.bootId ?? bootId, pidNs: w.pidNs ?? pidNs, ...marker }));
  return dir;
}

/** A writer that has exited (its pid is gone, or reused with another starttime). */
async function deadWriter(): Promise<Writer> {
  const short = await spawnShortLived(100);
  const starttime = starttimeOf(short.pid);
  await short.exited;
  return { pid: short.pid, starttime };
}

describe('partial capture directories', () => {
  it('createPartial marks the directory as this process\'s; commitPartial drops the mark and renames', () => {
    const parent = join(scratch, 'own');
    mkdirSync(parent);
    const tmp = createPartial(parent, '0001');
    const me = { pid: process.pid, starttime: starttimeOf('self') };
    expect(tmp).toBe(join(parent, `.0001.partial-${me.pid}-${me.starttime}`));
    expect(JSON.parse(readFileSync(join(tmp, PARTIAL_MARKER), 'utf8'))).toEqual({ writer: 'proctriage', ...me, bootId, pidNs });
    expect(removeStalePartials(parent), 'a live writer\'s partial stays').toEqual([]);
    commitPartial(tmp, join(parent, '0001'));
    expect(readdirSync(parent)).toEqual(['0001']);
    expect(readdirSync(join(parent, '0001'))).toEqual([]);
  });

  it('removes the partials of writers that are gone: exited, pid reused, or from an earlier boot', async () => {
    const parent = join(scratch, 'stale');
    mkdirSync(parent);
    const exited = leftPartial(parent, '0003', await deadWriter());
    const reused = leftPartial(parent, '0004', { pid: 1, starttime: starttimeOf(1) + 12345 });
    const earlierBoot = leftPartial(parent, '0005', { pid: process.pid, starttime: starttimeOf('self'), bootId: 'an-earlier-boot' });
    mkdirSync(join(parent, '0001'));
    expect(removeStalePartials(parent)).toEqual([exited, reused, earlierBoot].map((d) => d.slice(parent.length + 1)).sort());
    expect(readdirSync(parent)).toEqual(['0001']);
  });

  it('removes a dead writer\'s partial killed before its marker was complete (empty, or an incomplete marker alone)', async () => {
    const parent = join(scratch, 'unmarked');
    mkdirSync(parent);
    const dead = await deadWriter();
    const live = { pid: process.pid, starttime: starttimeOf('self') };
    const name = (n: string, w: Writer) => `.${n}.partial-${w.pid}-${w.starttime}`;
    mkdirSync(join(parent, name('0001', dead)));
    mkdirSync(join(parent, name('0002', dead)));
    writeFileSync(join(parent, name('0002', dead), PARTIAL_MARKER), '{"writer":"proc');
    // Kept: a live writer's, and one with anything beside the incomplete marker.
    mkdirSync(join(parent, name('0003', live)));
    mkdirSync(join(parent, name('0004', dead)));
    writeFileSync(join(parent, name('0004', dead), PARTIAL_MARKER), '');
    writeFileSync(join(parent, name('0004', dead), 'data'), 'x');
    expect(removeStalePartials(parent)).toEqual([name('0001', dead), name('0002', dead)]);
    expect(readdirSync(parent).sort()).toEqual([name('0003', live), name('0004', dead)].sort());
  });

  it('leaves alone what it cannot prove is a dead proctriage writer\'s partial', async () => {
    const parent = join(scratch, 'keep');
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(parent);
    mkdirSync(elsewhere);
    const dead = await deadWriter();
    const name = (n: string, w: Writer = dead) => `.${n}.partial-${w.pid}-${w.starttime}`;
    // The same name, files in it, no marker: not proctriage's.
    mkdirSync(join(parent, name('0001')));
    writeFileSync(join(parent, name('0001'), 'notes.txt'), 'mine');
    // A live writer (this test's process).
    leftPartial(parent, '0002', { pid: process.pid, starttime: starttimeOf('self') });
    // A marker that names another writer than the directory name does.
    leftPartial(parent, '0003', dead, { starttime: dead.starttime + 1 });
    // A writer in another pid namespace: its pid means nothing here.
    leftPartial(parent, '0004', { ...dead, pidNs: 'pid:[1]' });
    // A marker that is not proctriage's.
    leftPartial(parent, '0005', dead, { writer: 'someone-else' });
    // A symlink named like a partial, to a dead writer's partial elsewhere: never followed.
    const target = leftPartial(elsewhere, '0006', dead);
    symlinkSync(target, join(parent, name('0006')));
    // A file named like a partial.
    writeFileSync(join(parent, name('0007')), 'a file');
    // A marker that is a symlink to a valid marker.
    mkdirSync(join(parent, name('0008')));
    symlinkSync(join(target, PARTIAL_MARKER), join(parent, name('0008'), PARTIAL_MARKER));
    // Names near the scheme (even empty).
    leftPartial(parent, '0009', dead);
    const near = [`.0009.partial-${dead.pid}`, `0009.partial-${dead.pid}-${dead.starttime}`, `.0009.partial-${dead.pid}-${dead.starttime}-x`, `.0009.partial-${dead.pid}-${dead.starttime}.new`];
    for (const n of near) mkdirSync(join(parent, n));
    const before = readdirSync(parent).sort();
    expect(removeStalePartials(parent)).toEqual([name('0009')]);
    expect(readdirSync(parent).sort()).toEqual(before.filter((n) => n !== name('0009')));
    expect(readFileSync(join(parent, name('0001'), 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(target, 'samples', '0000', 'proc', '1', 'stat'))).toBe(true);
  });

  it.runIf(isRoot)('leaves alone a dead writer\'s partial owned by another user', async () => {
    const parent = join(scratch, 'other-user');
    mkdirSync(parent);
    const dir = leftPartial(parent, '0001', await deadWriter());
    chownSync(dir, 65534, 65534);
    expect(removeStalePartials(parent)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });

  it('a directory that does not exist or cannot be listed has nothing to remove', () => {
    expect(removeStalePartials(join(scratch, 'nonexistent'))).toEqual([]);
  });
});
