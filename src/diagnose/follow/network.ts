import type { NetworkRates } from '../../sample/model.js';
import type { Sample } from '../../sample/types.js';
import { isSkipped } from '../../procfs/errors.js';
import { followFd, fdContext } from './peers.js';
import type { NetworkView } from './types.js';

function total(sample: Sample, file: 'snmp' | 'netstat', section: string, name: string): number | null {
  const r = sample.follow?.netCounters[file];
  return r?.ok ? (r.value[section]?.[name] ?? null) : null;
}

/** The network branch: the process's sockets by state and queue, and its namespace's TCP trouble counters. */
export function networkView(sample: Sample, rates: NetworkRates | null): NetworkView {
  const proc = sample.process;
  const totals = {
    retransSegs: total(sample, 'snmp', 'Tcp', 'RetransSegs'),
    listenOverflows: total(sample, 'netstat', 'TcpExt', 'ListenOverflows'),
    listenDrops: total(sample, 'netstat', 'TcpExt', 'ListenDrops'),
  };
  const base = { byState: {}, sendQueueBytes: 0, recvQueueBytes: 0, listening: [], queued: [], rates, totals };
  if (!proc.fds.ok) return { ...base, sockets: null, unavailable: `open files: ${proc.fds.error.message}` };
  if (!sample.follow) return { ...base, sockets: null, unavailable: 'socket tables were not read' };
  const ctx = fdContext(proc.pid, proc.fds.value, sample.follow);
  const sockets = { tcp: 0, udp: 0, unix: 0, other: 0 };
  const byState: Record<string, number> = {};
  let send = 0;
  let recv = 0;
  const queued: { text: string; sendQueue: number; recvQueue: number }[] = [];
  const listening: NetworkView['listening'][number][] = [];
  for (const fd of proc.fds.value) {
    if (fd.target.type !== 'socket') continue;
    const f = followFd(fd.fd, { ...ctx, owners: null });
    if (f.type === 'tcp' || f.type === 'udp') {
      sockets[f.type]++;
      byState[f.state] = (byState[f.state] ?? 0) + 1;
      send += f.sendQueue;
      recv += f.recvQueue;
      if (f.type === 'tcp' && f.listening) listening.push({ fd: fd.fd, local: f.local, acceptQueue: f.recvQueue, inode: f.inode });
      else if (f.sendQueue > 0 || f.recvQueue > 0) queued.push({ text: f.text, sendQueue: f.sendQueue, recvQueue: f.recvQueue });
    } else if (f.type === 'unix') sockets.unix++;
    else sockets.other++;
  }
  const tablesMissing = sample.follow.net && !sample.follow.net.inet.tcp.ok && !isSkipped(sample.follow.net.inet.tcp) ? `socket tables: ${sample.follow.net.inet.tcp.error.message}` : null;
  return {
    sockets,
    byState,
    sendQueueBytes: send,
    recvQueueBytes: recv,
    listening,
    queued: queued.sort((a, b) => b.sendQueue + b.recvQueue - (a.sendQueue + a.recvQueue)).slice(0, 5),
    rates,
    totals,
    unavailable: tablesMissing,
  };
}
