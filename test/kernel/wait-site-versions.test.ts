import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  SCHEDULER_FUNCTIONS,
  WAIT_SITES,
  dependsOnInlining,
  siteById,
  siteSymbol,
  sitesForSymbol,
  symbolKnownOn,
  type KernelSymbol,
} from '../../src/kernel/wait-sites.js';
import {
  NEWEST_COVERED_KERNEL,
  compareKernelVersions,
  formatKernelVersion,
  kernelVersion,
  parseKernelRelease,
  type KernelVersion,
} from '../../src/kernel/version.js';
import { parseStack } from '../../src/parsers/stack.js';
import { parseWchan } from '../../src/parsers/wchan.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Every mainline release the catalog covers, oldest first. */
const RELEASES: readonly KernelVersion[] = [
  ...Array.from({ length: 21 }, (_, minor) => kernelVersion(`4.${minor}`)),
  ...Array.from({ length: 20 }, (_, minor) => kernelVersion(`5.${minor}`)),
  ...Array.from({ length: 19 }, (_, minor) => kernelVersion(`6.${minor}`)),
];

const EVERY_SYMBOL: readonly { readonly site: string; readonly symbol: KernelSymbol }[] = WAIT_SITES.flatMap((site) =>
  site.symbols.map((symbol) => ({ site: site.id, symbol })),
);

function entry(siteId: string, name: string): KernelSymbol {
  const site = siteById(siteId);
  const symbol = site && siteSymbol(site, name);
  if (!symbol) throw new Error(`${siteId} has no symbol ${name}`);
  return symbol;
}

const knownOn = (siteId: string, name: string, release: string) => symbolKnownOn(entry(siteId, name), kernelVersion(release));

function isVersion(value: unknown): value is KernelVersion {
  if (typeof value !== 'object' || value === null) return false;
  return ['major', 'minor', 'patch'].every((key) => Number.isInteger((value as Record<string, unknown>)[key]));
}

describe('kernel versions of the wait-site catalog', () => {
  it.each(EVERY_SYMBOL.map(({ site, symbol }) => [`${site} ${symbol.name}`, symbol] as const))('%s has a well-formed range', (_, symbol) => {
    expect(Object.keys(symbol)).not.toContain('kernels');
    const ends = [symbol.since, symbol.until].filter((end) => end !== null);
    for (const end of ends) {
      expect(isVersion(end), JSON.stringify(end)).toBe(true);
      expect(compareKernelVersions(end, kernelVersion('3.0'))).toBeGreaterThanOrEqual(0);
      expect(compareKernelVersions(end, NEWEST_COVERED_KERNEL)).toBeLessThanOrEqual(0);
      expect(kernelVersion(formatKernelVersion(end))).toEqual(end);
    }
    if (symbol.since !== null && symbol.until !== null) expect(compareKernelVersions(symbol.since, symbol.until)).toBeLessThanOrEqual(0);
    // At least one covered release must know it, or the range is empty in practice.
    expect(RELEASES.some((release) => symbolKnownOn(symbol, release))).toBe(true);
  });

  it('keeps prose only where the qualifier is not a version', () => {
    for (const { site, symbol } of EVERY_SYMBOL) {
      for (const text of [symbol.context, symbol.showsWhenInlined]) {
        if (text === undefined) continue;
        expect(text.length, `${site} ${symbol.name}`).toBeGreaterThan(2);
        expect(text, `${site} ${symbol.name}`).not.toMatch(/\d+\.(\d+|x)|\ball\b|newer|older|kernels?\b/);
      }
      if (symbol.arch !== undefined) expect(['x86_64', 'aarch64']).toContain(symbol.arch);
      expect(symbol.showsWhenInlined, `${site} ${symbol.name} cannot stand in for itself`).not.toBe(symbol.name);
    }
  });

  it('marks the facts the old prose carried', () => {
    expect(entry('epoll-wait', 'ep_poll').inlinedOnSomeBuilds).toBe(true);
    expect(entry('epoll-wait', 'do_epoll_wait').showsWhenInlined).toBe('ep_poll');
    expect(dependsOnInlining(entry('epoll-wait', 'do_epoll_wait'))).toBe(true);
    expect(dependsOnInlining(entry('child-wait', 'do_wait'))).toBe(false);
    expect(entry('rwsem-wait', 'rwsem_down_read_slowpath').normallyHidden).toBe(true);
    expect(entry('mutex-wait', 'mutex_lock').normallyHidden).toBe(true);
    expect(entry('rwsem-wait', 'call_rwsem_down_read_failed').arch).toBe('x86_64');
    expect(entry('sigsuspend', '__arm64_sys_rt_sigsuspend').arch).toBe('aarch64');
    expect(entry('file-lock', 'locks_lock_inode_wait').context).toBe('flock');
    expect(entry('memory-reclaim', 'mem_cgroup_handle_over_high').context).toBe('cgroup v2 memory.high');
    expect(entry('nanosleep', 'do_cpu_nanosleep').context).toBe('CPU-time clocks');
  });

  it('knows the renames of the folio conversion (5.16)', () => {
    expect(knownOn('writeback-wait', 'folio_wait_bit', '5.15')).toBe(false);
    expect(knownOn('writeback-wait', 'folio_wait_bit', '5.16')).toBe(true);
    expect(knownOn('writeback-wait', 'wait_on_page_bit', '5.15')).toBe(true);
    expect(symbolKnownOn(entry('writeback-wait', 'wait_on_page_bit'), parseKernelRelease('5.15.0-91-generic')!)).toBe(true);
    expect(knownOn('writeback-wait', 'wait_on_page_bit', '5.16')).toBe(false);
    expect(knownOn('pagecache-read-wait', '__lock_page_killable', '6.1')).toBe(false);
  });

  it('knows pipe_wait is gone from 6.x, and when read(2) stopped sleeping in it', () => {
    for (const release of RELEASES.filter((r) => r.major === 6)) expect(symbolKnownOn(entry('pipe-read', 'pipe_wait'), release)).toBe(false);
    expect(knownOn('pipe-read', 'pipe_wait', '5.4')).toBe(true);
    expect(knownOn('pipe-read', 'pipe_read', '5.5')).toBe(false);
    expect(knownOn('pipe-read', 'pipe_read', '5.6')).toBe(true);
    expect(knownOn('pipe-read', 'anon_pipe_read', '6.14')).toBe(false);
    expect(knownOn('pipe-read', 'anon_pipe_read', '6.18')).toBe(true);
  });

  it('knows the futex wait function of every release', () => {
    for (const release of RELEASES) {
      const names = ['futex_wait_queue_me', 'futex_wait_queue', 'futex_do_wait'].filter((name) => symbolKnownOn(entry('futex-wait', name), release));
      expect(names, formatKernelVersion(release)).toHaveLength(1);
    }
    expect(knownOn('futex-wait', 'futex_wait_queue', '5.16')).toBe(true);
    expect(knownOn('futex-wait', 'futex_do_wait', '6.15')).toBe(false);
    expect(knownOn('futex-wait', 'futex_do_wait', '6.16')).toBe(true);
  });

  // Each pair is one function succeeding another as the wait site: no release may have both, or neither.
  it.each([
    ['futex-wait', 'futex_wait_queue_me', 'futex_wait_queue'],
    ['futex-wait', 'futex_wait_queue', 'futex_do_wait'],
    ['futex-lock-pi', 'futex_lock_pi', 'rt_mutex_schedule'],
    ['writeback-wait', 'wait_on_page_bit', 'folio_wait_bit'],
    ['writeback-wait', 'wait_on_page_bit_common', 'folio_wait_bit_common'],
    ['pipe-read', 'pipe_read', 'anon_pipe_read'],
    ['pipe-write', 'pipe_write', 'anon_pipe_write'],
    ['vfork-wait', '_do_fork', 'kernel_clone'],
    ['sock-stream-recv', 'sk_wait_data', 'wait_woken'],
    ['sock-stream-send', 'sk_stream_wait_memory', 'wait_woken'],
    ['sock-connect', 'inet_wait_for_connect', 'wait_woken'],
    ['pause', 'sys_pause', '__x64_sys_pause'],
    ['signalfd-read', 'signalfd_read', 'signalfd_read_iter'],
    ['userfaultfd', 'userfaultfd_read', 'userfaultfd_read_iter'],
    ['eventfd-read', 'eventfd_ctx_read', 'eventfd_read'],
    ['eventfd-read', 'eventfd_read', 'do_wait_intr_irq'],
    ['timerfd-read', 'timerfd_read', 'do_wait_intr_irq'],
    ['sysv-sem', 'SYSC_semtimedop', 'do_semtimedop'],
    ['sysv-sem', 'do_semtimedop', '__do_semtimedop'],
    ['direct-io-wait', 'iomap_dio_rw', '__iomap_dio_rw'],
    ['memory-reclaim', 'shrink_page_list', 'shrink_folio_list'],
    ['memory-reclaim', 'wait_iff_congested', 'reclaim_throttle'],
    ['rwsem-wait', 'rwsem_down_read_failed', 'rwsem_down_read_slowpath'],
    ['rwsem-wait', 'rwsem_down_write_failed', 'rwsem_down_write_slowpath'],
    ['mutex-wait', '__fdget_pos', 'fdget_pos'],
    ['fs-freeze-wait', '__percpu_down_read', 'percpu_rwsem_wait'],
    ['io_uring-worker', 'io_wqe_worker', 'io_wq_worker'],
  ])('%s: %s hands over to %s', (siteId, older, newer) => {
    const before = entry(siteId, older);
    const after = entry(siteId, newer);
    expect(before.until, older).not.toBeNull();
    expect(after.since, newer).not.toBeNull();
    const next = RELEASES.findIndex((release) => compareKernelVersions(release, before.until!) === 0) + 1;
    expect(RELEASES[next], `${newer} should start right after ${formatKernelVersion(before.until!)}`).toEqual(after.since);
  });
});

interface FixtureMeta {
  readonly kernelRelease: string;
  readonly arch: string;
  readonly synthetic?: boolean;
}

/** The wait site of each thread of each sample: the wchan symbol and the first non-scheduler stack frame. */
function waitSites(fixture: string): { readonly where: string; readonly symbol: string }[] {
  const found: { where: string; symbol: string }[] = [];
  const samples = join(FIXTURES, fixture, 'samples');
  for (const sample of readdirSync(samples)) {
    const proc = join(samples, sample, 'proc');
    for (const pid of readdirSync(proc).filter((name) => /^\d+$/.test(name))) {
      const tasks = join(proc, pid, 'task');
      if (!existsSync(tasks)) continue;
      for (const tid of readdirSync(tasks)) {
        const dir = join(tasks, tid);
        const where = `${sample}/${pid}/${tid}`;
        if (existsSync(join(dir, 'wchan'))) {
          const { base } = parseWchan(readFileSync(join(dir, 'wchan'), 'utf8'));
          if (base !== null) found.push({ where: `${where}/wchan`, symbol: base });
        }
        if (existsSync(join(dir, 'stack'))) {
          const top = parseStack(readFileSync(join(dir, 'stack'), 'utf8')).find((frame) => !SCHEDULER_FUNCTIONS.has(frame.base));
          if (top) found.push({ where: `${where}/stack`, symbol: top.base });
        }
      }
    }
  }
  return found;
}

const FIXTURE_NAMES = readdirSync(FIXTURES).filter((name) => existsSync(join(FIXTURES, name, 'meta.json')));

describe('fixtures show only wait sites the catalog knows on their kernel', () => {
  it('has hand-written fixtures of older kernels to check', () => {
    const older = FIXTURE_NAMES.filter((name) => name.startsWith('kernel-'));
    expect(older.length).toBeGreaterThanOrEqual(5);
  });

  // Only the wait site is checked: a range says where a symbol is the first visible frame, and
  // the same function may sit deeper in a stack outside it (futex_lock_pi under rt_mutex_schedule on 6.7+).
  it.each(FIXTURE_NAMES)('%s', (fixture) => {
    const meta = JSON.parse(readFileSync(join(FIXTURES, fixture, 'meta.json'), 'utf8')) as FixtureMeta;
    const release = parseKernelRelease(meta.kernelRelease);
    expect(release, meta.kernelRelease).not.toBeNull();
    const outOfRange: string[] = [];
    for (const { where, symbol } of waitSites(fixture)) {
      const entries = sitesForSymbol(symbol).flatMap((site) => siteSymbol(site, symbol) ?? []);
      if (entries.length === 0) continue;
      const known = entries.some((e) => symbolKnownOn(e, release!) && (e.arch === undefined || e.arch === meta.arch));
      if (!known) outOfRange.push(`${where}: ${symbol}`);
    }
    expect(outOfRange, `not known on ${meta.kernelRelease} ${meta.arch}`).toEqual([]);
  });
});
