import { describeReadError, type ReadResult } from '../procfs/errors.js';
import type { Model } from '../sample/model.js';
import type { CgroupSnapshot } from '../readers/cgroup.js';
import { V1_CONTROLLER, type CgroupPlace, type CgroupResource } from '../readers/cgroup-place.js';
import { tightestQuota } from '../readers/cgroup-cpu.js';
import { effectiveMemoryLimits } from '../readers/cgroup-memory.js';
import { ioThrottles } from '../readers/cgroup-io.js';
import { cgroupMemoryStatFacts } from '../parsers/cgroup-memory.js';
import type { CgroupCpuView, CgroupGap, CgroupIoView, CgroupMemoryView, CgroupView } from './cgroup-types.js';

const valueOf = <T>(r: ReadResult<T> | null | undefined): T | null => (r?.ok ? r.value : null);

/** Why a place was not read, in words. */
function placeWords(resource: CgroupResource, place: CgroupPlace, v2Path: string | null): string {
  switch (place.unavailable) {
    case 'no-cgroup-file':
      return place.error ? describeReadError(place.error) : '/proc/PID/cgroup could not be read';
    case 'not-mounted':
      return place.version === 'v1'
        ? `the ${V1_CONTROLLER[resource]} controller is on a cgroup v1 hierarchy that is not mounted here (or the capture holds none of its files)`
        : 'no cgroup v2 hierarchy is mounted here (or the capture holds none of its files)';
    case 'outside-view':
      return `the cgroup ${place.path ?? '?'} lies outside what this cgroup namespace or mount shows`;
    case 'not-enabled':
      return v2Path === null
        ? `no cgroup v1 hierarchy carries the ${V1_CONTROLLER[resource]} controller and the process has no cgroup v2 membership`
        : `no cgroup v1 hierarchy carries the ${V1_CONTROLLER[resource]} controller and it is not enabled for ${v2Path} on cgroup v2 (not in its cgroup.controllers)`;
    case 'root-cgroup':
      return `${place.path ?? '/'} is the root cgroup: it has no ${resource} limits`;
    case 'unreadable':
      return place.error ? describeReadError(place.error) : 'cgroup.controllers could not be read';
    case null:
      return '';
  }
}

interface Base {
  version: 'v1' | 'v2' | null;
  path: string | null;
  unavailable: string | null;
  unavailableReason: CgroupGap | null;
  unreadable: string[];
}

/** The common fields: the place, or the first failed limit file, and the other failed files. */
function base(resource: CgroupResource, place: CgroupPlace, v2Path: string | null, limit: ReadResult<unknown> | null, others: readonly (ReadResult<unknown> | null)[]): Base {
  const unreadable = others.flatMap((r) => (r && !r.ok ? [describeReadError(r.error)] : []));
  if (place.unavailable !== null) {
    return { version: place.version, path: place.path, unavailable: placeWords(resource, place, v2Path), unavailableReason: place.unavailable, unreadable: [] };
  }
  if (limit && !limit.ok) {
    // The real root of a v2 tree has no limit files at all: that is "no limits there", not a failure.
    const root = place.path === '/' && limit.error.kind === 'unsupported';
    return {
      version: place.version,
      path: place.path,
      unavailable: root ? `/ is the root cgroup: it has no ${resource} limits` : describeReadError(limit.error),
      unavailableReason: root ? 'root-cgroup' : limit.error.kind === 'denied' ? 'denied' : 'unreadable',
      unreadable: root ? [] : unreadable,
    };
  }
  return { version: place.version, path: place.path, unavailable: null, unavailableReason: null, unreadable };
}

function cpuView(snap: CgroupSnapshot, model: Model): CgroupCpuView {
  const cpu = snap.cpu;
  const rates = model.rates?.cgroup?.cpu ?? null;
  const own = cpu?.quotas[0]?.quota ?? null;
  const limiting = cpu ? tightestQuota(cpu.quotas) : null;
  const stat = cpu ? valueOf(cpu.limitingStat ? cpu.limitingStat.stat : cpu.stat) : null;
  const weight = cpu ? valueOf(cpu.weight) : null;
  const others = cpu ? [...cpu.quotas.slice(1).map((q) => q.quota), cpu.stat, cpu.limitingStat?.stat ?? null, cpu.usageNs, cpu.weight] : [];
  return {
    ...base('cpu', snap.places.cpu, snap.places.v2Path, own, others),
    quotaCores: limiting?.cores ?? null,
    quotaUs: limiting?.quota.quotaUs ?? null,
    periodUs: limiting?.quota.periodUs ?? (own?.ok ? own.value.periodUs : null),
    limitPath: limiting?.path ?? null,
    weight: cpu?.version === 'v2' ? weight : null,
    shares: cpu?.version === 'v1' ? weight : null,
    usageCores: rates?.usageCores ?? null,
    periodsInInterval: rates?.periods ?? null,
    nrThrottledInInterval: rates?.throttledPeriods ?? null,
    throttledPeriodsPercent: rates?.throttledPeriodsPercent ?? null,
    throttledMsPerSec: rates?.throttledMsPerSec ?? null,
    nrPeriodsTotal: stat?.nrPeriods ?? null,
    nrThrottledTotal: stat?.nrThrottled ?? null,
    throttledSecondsTotal: stat?.throttledUs === null || stat?.throttledUs === undefined ? null : stat.throttledUs / 1e6,
  };
}

function memoryView(snap: CgroupSnapshot, model: Model): CgroupMemoryView {
  const mem = snap.memory;
  const rates = model.rates?.cgroup?.memory ?? null;
  const limits = mem ? effectiveMemoryLimits(mem.limits) : { max: null, high: null };
  const usage = mem ? valueOf(mem.usage) : null;
  const stat = mem ? valueOf(mem.stat) : null;
  const facts = stat ? cgroupMemoryStatFacts(stat) : null;
  const others = mem ? [...mem.limits.slice(1).map((l) => l.max), ...mem.limits.map((l) => l.high), mem.usage, mem.maxUsage, mem.failcnt, mem.events, mem.stat, mem.swap] : [];
  // A v1 limit set above this cgroup shows in hierarchical_memory_limit even when the walk up could not name it.
  const limitBytes = limits.max?.bytes ?? null;
  const hierarchical = mem?.version === 'v1' ? (facts?.hierarchicalLimitBytes ?? null) : null;
  const effective = hierarchical !== null && (limitBytes === null || hierarchical < limitBytes) ? hierarchical : limitBytes;
  return {
    ...base('memory', snap.places.memory, snap.places.v2Path, mem?.limits[0]?.max ?? null, others),
    limitBytes: effective,
    limitPath: effective === limitBytes ? (limits.max?.path ?? null) : null,
    highBytes: limits.high?.bytes ?? null,
    highPath: limits.high?.path ?? null,
    usageBytes: usage,
    usagePercentOfLimit: usage !== null && effective !== null && effective > 0 ? (usage / effective) * 100 : null,
    maxUsageBytes: mem ? valueOf(mem.maxUsage) : null,
    swapBytes: mem ? valueOf(mem.swap) : null,
    anonBytes: facts?.anonBytes ?? null,
    fileBytes: facts?.fileBytes ?? null,
    failcnt: mem ? valueOf(mem.failcnt) : null,
    failcntInInterval: rates?.failcnt ?? null,
    majorFaultsPerSec: rates?.majorFaultsPerSec ?? null,
    refaultsPerSec: rates?.refaultsPerSec ?? null,
    events: mem ? valueOf(mem.events) : null,
    eventsInInterval: rates?.events ?? null,
  };
}

function ioView(snap: CgroupSnapshot, model: Model): CgroupIoView {
  const io = snap.io;
  const rates = model.rates?.cgroup?.io ?? null;
  const names = io ? valueOf(io.deviceNames) : null;
  const files = io ? (io.limits.version === 'v2' ? [io.limits.max] : [io.limits.readBps, io.limits.writeBps, io.limits.readIops, io.limits.writeIops]) : [];
  return {
    ...base('io', snap.places.io, snap.places.v2Path, files.find((r) => !r.ok) ?? null, [io?.bytes ?? null, io?.deviceNames ?? null]),
    throttles: io
      ? ioThrottles(io.limits).map((t) => ({
          device: t.device,
          name: names?.get(t.device) ?? null,
          readBytesPerSecMax: t.readBps,
          writeBytesPerSecMax: t.writeBps,
          readIopsMax: t.readIops,
          writeIopsMax: t.writeIops,
        }))
      : [],
    readBytesPerSec: rates?.readBytesPerSec ?? null,
    writeBytesPerSec: rates?.writeBytesPerSec ?? null,
  };
}

/** The `cgroup` section: the limits of the process's cgroup (v1 or v2) and what they did over the interval. Null without a cgroup read. */
export function cgroupView(model: Model): CgroupView | null {
  const snap = model.current.follow?.cgroup;
  if (!snap) return null;
  const versions = new Set([snap.places.cpu.version, snap.places.memory.version, snap.places.io.version].filter((v) => v !== null));
  return {
    version: versions.size === 0 ? null : versions.size > 1 ? 'hybrid' : versions.has('v1') ? 'v1' : 'v2',
    cpu: cpuView(snap, model),
    memory: memoryView(snap, model),
    io: ioView(snap, model),
  };
}
