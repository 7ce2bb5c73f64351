/**
 * Real programs for the insights (issue 12) that test/support/scenarios.ts does not have: a
 * listener whose accept queue holds connections nobody accepts (yet does not overflow), a
 * process making millions of tiny syscalls, and one holding anonymous memory. Same guard and
 * readiness rules as scenarios.ts: the handle is returned once /proc shows the promised state.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { diskTempDir, keyValues, listenRow } from './scenarios.js';
import { positiveInt, program, scenario, type SpawnOptions, type Spawned } from './spawners.js';

const python = (): string => (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface IdleListener extends Spawned {
  port: number;
  backlog: number;
  /** Connections the test holds open, each waiting in the accept queue. */
  clients: number;
}

const LISTEN_PY = `
import socket, sys, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(int(sys.argv[1]))
print('ready port=%d' % s.getsockname()[1], flush=True)
while True: time.sleep(3600)
`;

/**
 * CPython listening on 127.0.0.1 with `backlog`, never accepting; this process connects `clients`
 * times (fewer than the backlog), so the LISTEN row's rx_queue is `clients` and nothing
 * overflows: a queue filling "before it overflows". /proc on 6.18: the server S
 * hrtimer_nanosleep (time.sleep), LISTEN row rx_queue = clients.
 */
export function spawnIdleListener(opts: { backlog?: number; clients?: number } & SpawnOptions = {}): Promise<IdleListener> {
  const backlog = opts.backlog ?? 64;
  const clients = opts.clients ?? 3;
  return scenario('spawnIdleListener', opts, async (sc) => {
    positiveInt(sc.label, 'clients', clients);
    if (clients > backlog) throw new Error(`${sc.label}: ${clients} clients would overflow a backlog of ${backlog}`);
    const server = await sc.launch(python(), ['-c', LISTEN_PY, String(backlog)], { stdout: true });
    const port = Number((await sc.line(server, /^ready port=(\d+)$/))[1]);
    const sockets: Socket[] = [];
    sc.onStop(() => {
      for (const s of sockets) s.destroy();
    });
    for (let i = 0; i < clients; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      sockets.push(s);
    }
    await sc.state(`${clients} connections in the accept queue of port ${port}`, () => {
      const row = listenRow(port);
      return row && row.rxQueue === clients ? null : `rx_queue ${row?.rxQueue ?? 'no row'}`;
    });
    return sc.handle({ pid: server.pid, waitingTids: [server.pid], related: { port }, port, backlog, clients });
  });
}

/**
 * `dd if=/dev/zero of=/dev/null bs=1`: one-byte read() and write() calls as fast as it can,
 * hundreds of thousands a second, on a CPU. Ready once its io shows 10,000 syscalls.
 */
export function spawnSmallSyscalls(opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnSmallSyscalls', opts, async (sc) => {
    const dd = await sc.launch('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1'], { stdout: false });
    await sc.state('dd copying one byte at a time', () => {
      try {
        const io = keyValues(`/proc/${dd.pid}/io`);
        return (io.syscr ?? 0) + (io.syscw ?? 0) >= 10_000 ? null : `syscalls ${(io.syscr ?? 0) + (io.syscw ?? 0)}`;
      } catch {
        return 'no io yet';
      }
    });
    return sc.handle({ pid: dd.pid, waitingTids: [dd.pid], related: {} });
  });
}

const ANON_PY = `
import sys, time
b = bytearray(int(sys.argv[1]) << 20)
for i in range(0, len(b), 4096): b[i] = 1
print('ready', flush=True)
while True: time.sleep(3600)
`;

/** CPython holding `mib` MiB of anonymous memory it has written, then sleeping: RSS mostly anonymous. */
export function spawnAnonHolder(mib = 64, opts: SpawnOptions = {}): Promise<Spawned> {
  return scenario('spawnAnonHolder', opts, async (sc) => {
    positiveInt(sc.label, 'mib', mib);
    const py = await sc.launch(python(), ['-c', ANON_PY, String(mib)], { stdout: true });
    await sc.line(py, /^ready$/);
    return sc.handle({ pid: py.pid, waitingTids: [py.pid], related: {} });
  });
}

/** Whether a journaled ext4 on a loop device can be made here (root, util-linux, e2fsprogs). */
export function canLoopMount(): boolean {
  return process.getuid?.() === 0 && ['/usr/sbin/mkfs.ext4', '/usr/sbin/losetup', '/usr/bin/unshare'].every((p) => existsSync(p));
}

export interface LoopFsWriter extends Spawned {
  /** The loop device (/dev/loopN) and its block device number (its bdi in /sys/class/bdi). */
  loop: string;
}

/**
 * Mounts the image on a loop device (direct I/O to its backing file, so writeback is as slow as
 * the disk) in a mount namespace of its own — nothing is visible to other processes — and
 * execs the writer. With `throttle`, the loop device's own bdi gets strict_limit and a 1 MiB
 * max_bytes (only this device: /sys/class/bdi/<maj:min>), so a buffered writer is paused in
 * balance_dirty_pages. The loop device number is written to `loopdev` for the cleanup.
 */
const LOOP_SH = `
set -e
loop=$(losetup --direct-io=on --find --show "$1/img")
echo "$loop" > "$1/loopdev"
mount "$loop" "$1/mnt"
dev=$(findmnt -no MAJ:MIN "$1/mnt" | tr -d ' ')
echo "$dev" > "$1/bdi"
if [ "$2" = throttle ]; then
  echo 1 > "/sys/class/bdi/$dev/strict_limit"
  echo 1048576 > "/sys/class/bdi/$dev/max_bytes" 2>/dev/null || echo 1 > "/sys/class/bdi/$dev/max_ratio"
fi
shift 2
exec "$@"
`;

const OVERWRITE_PY = `
import os, sys
f = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
block = b'\\0' * 65536
print('ready', flush=True)
while True:
    os.lseek(f, 0, 0)
    for _ in range(512): os.write(f, block)
`;

/** Puts the loop device back as it was: the bdi limits off, the device detached (lazily if still busy). */
function releaseLoop(dir: string): void {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8').trim();
    } catch {
      return '';
    }
  };
  const bdi = read('bdi');
  if (/^\d+:\d+$/.test(bdi)) {
    for (const [file, value] of [['strict_limit', '0'], ['max_ratio', '100']] as const) {
      try {
        writeFileSync(`/sys/class/bdi/${bdi}/${file}`, value);
      } catch {
        // the device is gone already
      }
    }
  }
  const loop = read('loopdev');
  if (/^\/dev\/loop\d+$/.test(loop)) {
    try {
      execFileSync('losetup', ['-d', loop], { stdio: 'ignore' });
    } catch {
      // already detached (its last user was the mount namespace that ended)
    }
  }
}

/**
 * A writer on a fresh journaled ext4 (96 MiB image, mkfs.ext4 defaults) on a loop device:
 * `fdatasync` runs test/support/c/fsyncer.c (write 4 KiB + fdatasync: each one waits for a jbd2
 * commit, jbd2_log_wait_commit); `buffered` overwrites 32 MiB with 64 KiB write()s, no sync, on a
 * device whose bdi is strictly limited to 1 MiB dirty (balance_dirty_pages). Needs root.
 * /proc on 6.18: fsyncer D jbd2_log_wait_commit (stack ← ext4_sync_file ← do_fsync);
 * the overwriter D balance_dirty_pages (← balance_dirty_pages_ratelimited_flags ← generic_perform_write).
 */
export function spawnLoopFsWriter(mode: 'fdatasync' | 'buffered', opts: SpawnOptions = {}): Promise<LoopFsWriter> {
  return scenario(`spawnLoopFsWriter(${mode})`, { ...opts, timeoutMs: opts.timeoutMs ?? 15_000 }, async (sc) => {
    // Cleanups run in the order they were registered: the device is released before its directory goes.
    let made: string | null = null;
    sc.onStop(() => {
      if (made) releaseLoop(made);
    });
    const { dir } = diskTempDir(sc);
    made = dir;
    mkdirSync(join(dir, 'mnt'));
    execFileSync('truncate', ['-s', '96M', join(dir, 'img')]);
    execFileSync('mkfs.ext4', ['-q', '-F', join(dir, 'img')], { stdio: 'ignore' });
    const writer =
      mode === 'fdatasync'
        ? [await program('fsyncer'), join(dir, 'mnt', 'wal'), '32']
        : [existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', '-c', OVERWRITE_PY, join(dir, 'mnt', 'data')];
    const root = await sc.launch('unshare', ['-m', '--propagation', 'private', 'sh', '-c', LOOP_SH, 'loopfs', dir, mode === 'buffered' ? 'throttle' : 'plain', ...writer], { stdout: true });
    await sc.line(root, /^ready$/);
    const want = mode === 'fdatasync' ? /^jbd2_log_wait_commit$/ : /^balance_dirty_pages$/;
    await sc.state(`the writer seen in ${want.source}`, () => {
      try {
        return want.test(readFileSync(`/proc/${root.pid}/wchan`, 'utf8').trim()) ? null : 'not in that wait at this look';
      } catch {
        return 'no wchan';
      }
    });
    return sc.handle({ pid: root.pid, waitingTids: [root.pid], related: {}, loop: readFileSync(join(dir, 'loopdev'), 'utf8').trim() });
  });
}
