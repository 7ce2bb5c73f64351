/**
 * Real programs for the insights (issue 12) that test/support/scenarios.ts does not have: a
 * listener whose accept queue holds connections nobody accepts (yet does not overflow), a
 * process making millions of tiny syscalls, and one holding anonymous memory. Same guard and
 * readiness rules as scenarios.ts: the handle is returned once /proc shows the promised state.
 */
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { keyValues, listenRow } from './scenarios.js';
import { positiveInt, scenario, type SpawnOptions, type Spawned } from './spawners.js';

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
