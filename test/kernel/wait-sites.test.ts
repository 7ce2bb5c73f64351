import { describe, expect, it } from 'vitest';
import { SHARED_SYMBOLS, WAIT_SITES, siteById, siteSyscalls, sitesForSymbol } from '../../src/kernel/wait-sites.js';
import { syscallNumber } from '../../src/kernel/syscalls.js';
import { WAIT_KINDS } from '../../src/kernel/wait-kinds.js';

/** Row ids of ../shared/kernel-wait-sites.md, section 2. */
const CATALOG_ROW_IDS = [
  'child-wait', 'epoll-wait', 'futex-wait', 'futex-lock-pi', 'futex-waitv', 'select', 'poll', 'pipe-read',
  'pipe-write', 'fifo-open', 'sock-stream-recv', 'sock-stream-send', 'sock-accept', 'sock-connect',
  'sock-dgram-recv', 'unix-stream-recv', 'unix-connect', 'sock-wmem-wait', 'nanosleep', 'pause', 'sigsuspend',
  'sigtimedwait', 'tty-read', 'pagecache-read-wait', 'writeback-wait', 'direct-io-wait', 'buffer-head-io',
  'blk-mq-tag-wait', 'dirty-throttle', 'memory-reclaim', 'rwsem-wait', 'mutex-wait', 'fs-freeze-wait',
  'io_uring-wait', 'signal-stop', 'ptrace-stop', 'vfork-wait', 'zombie', 'frozen', 'sysv-msg', 'sysv-sem',
  'posix-mq', 'inotify-read', 'eventfd-read', 'signalfd-read', 'timerfd-read', 'userfaultfd', 'file-lock',
  'kthread-workqueue-idle', 'kthread-idle-other', 'running',
];

/** Every kernel-version variant the classifier must recognise, by row. */
const VERSION_VARIANTS: Record<string, string[]> = {
  'epoll-wait': ['ep_poll', 'do_epoll_wait'],
  'futex-wait': ['futex_wait_queue_me', 'futex_wait_queue', 'futex_do_wait'],
  'futex-lock-pi': ['futex_lock_pi', 'rt_mutex_schedule'],
  'pipe-read': ['pipe_wait', 'pipe_read', 'anon_pipe_read'],
  'pipe-write': ['pipe_wait', 'pipe_write', 'anon_pipe_write'],
  select: ['poll_schedule_timeout'],
  'pagecache-read-wait': ['wait_on_page_bit_common', 'folio_wait_bit_common', 'filemap_fault'],
  'writeback-wait': ['wait_on_page_bit', 'folio_wait_bit', 'jbd2_log_wait_commit'],
  'memory-reclaim': ['congestion_wait', 'reclaim_throttle', 'throttle_direct_reclaim', 'mem_cgroup_handle_over_high'],
  'vfork-wait': ['_do_fork', 'kernel_clone'],
  'sock-stream-recv': ['sk_wait_data', 'wait_woken'],
  'timerfd-read': ['timerfd_read', 'do_wait_intr_irq'],
  'eventfd-read': ['eventfd_ctx_read', 'eventfd_read', 'do_wait_intr_irq'],
  'signalfd-read': ['signalfd_read', 'signalfd_read_iter'],
  'direct-io-wait': ['do_blockdev_direct_IO', '__iomap_dio_rw'],
  'fs-freeze-wait': ['__percpu_down_read', 'percpu_rwsem_wait'],
  'sysv-sem': ['do_semtimedop', '__do_semtimedop'],
  'rwsem-wait': ['call_rwsem_down_read_failed', 'vm_mmap_pgoff', 'do_user_addr_fault'],
  'mutex-wait': ['fdget_pos', '__fdget_pos'],
  pause: ['sys_pause', '__do_sys_pause'],
  frozen: ['__refrigerator', 'do_freezer_trap'],
};

describe('wait-site catalog', () => {
  it('has every row of the researched catalog, each once', () => {
    const ids = WAIT_SITES.map((site) => site.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of CATALOG_ROW_IDS) expect(siteById(id), id).toBeDefined();
  });

  it.each(Object.entries(VERSION_VARIANTS))('%s accepts the symbols of every kernel version', (id, symbols) => {
    for (const symbol of symbols) expect(sitesForSymbol(symbol).map((s) => s.id), symbol).toContain(id);
  });

  it('uses only stable wait kinds', () => {
    for (const site of WAIT_SITES) expect(WAIT_KINDS).toContain(site.kind);
  });

  it('stores symbols without clone suffixes and with a kernel source file', () => {
    for (const site of WAIT_SITES) {
      for (const symbol of site.symbols) {
        expect(symbol.name, site.id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(symbol.file, `${site.id} ${symbol.name}`).toMatch(/^[a-z0-9_/-]+\.(c|h|S)$/);
      }
    }
  });

  it('explains every row in plain words', () => {
    for (const site of WAIT_SITES) {
      const { waitsFor, wakesWhen, cost } = site.explanation;
      for (const text of [waitsFor, wakesWhen, cost]) expect(text.length, site.id).toBeGreaterThan(10);
    }
  });

  it('says what each shared symbol means, and only shared symbols are listed as such', () => {
    const rowsBySymbol = new Map<string, Set<string>>();
    for (const site of WAIT_SITES) {
      for (const { name } of site.symbols) rowsBySymbol.set(name, (rowsBySymbol.get(name) ?? new Set()).add(site.id));
    }
    const shared = [...rowsBySymbol].filter(([, rows]) => rows.size > 1).map(([name]) => name);
    expect(shared.sort()).toEqual(Object.keys(SHARED_SYMBOLS).sort());
    expect(shared).toEqual(expect.arrayContaining(['wait_woken', 'do_wait_intr_irq', 'folio_wait_bit', 'poll_schedule_timeout', 'pipe_wait']));
  });

  it('gives a symbol the same source file in every row', () => {
    const files = new Map<string, string>();
    for (const site of WAIT_SITES) {
      for (const { name, file } of site.symbols) {
        expect(files.get(name) ?? file, name).toBe(file);
        files.set(name, file);
      }
    }
  });

  it('names only syscalls that exist', () => {
    for (const site of WAIT_SITES) {
      for (const name of site.syscalls) {
        const somewhere = syscallNumber('x86_64', name) ?? syscallNumber('aarch64', name);
        expect(somewhere, `${site.id}: ${name}`).not.toBeNull();
      }
    }
  });

  it('gives per-architecture syscall numbers (aarch64 has no epoll_wait, select, pause or vfork)', () => {
    expect(siteSyscalls(siteById('epoll-wait')!, 'x86_64')).toEqual([
      { nr: 232, name: 'epoll_wait' },
      { nr: 281, name: 'epoll_pwait' },
      { nr: 441, name: 'epoll_pwait2' },
    ]);
    expect(siteSyscalls(siteById('epoll-wait')!, 'aarch64')).toEqual([
      { nr: 22, name: 'epoll_pwait' },
      { nr: 441, name: 'epoll_pwait2' },
    ]);
    expect(siteSyscalls(siteById('child-wait')!, 'aarch64')).toEqual([
      { nr: 260, name: 'wait4' },
      { nr: 95, name: 'waitid' },
    ]);
    expect(siteSyscalls(siteById('select')!, 'aarch64')).toEqual([{ nr: 72, name: 'pselect6' }]);
    expect(siteSyscalls(siteById('pause')!, 'aarch64')).toEqual([]);
    expect(siteSyscalls(siteById('vfork-wait')!, 'aarch64').map((s) => s.nr)).toEqual([220, 435]);
    expect(siteSyscalls(siteById('futex-wait')!, 'aarch64')).toEqual([
      { nr: 98, name: 'futex' },
      { nr: 455, name: 'futex_wait' },
    ]);
  });
});
