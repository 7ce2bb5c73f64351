import type { HostDescription, HostFacts } from './types.js';
import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { arch as nodeArch, cpus } from 'node:os';
import { archFromCpuinfo, archFromMachineName, archFromNode, type Arch } from '../kernel/arch.js';
import { parseKernelRelease } from '../kernel/version.js';
import { parseCpuInfo } from '../parsers/cpuinfo.js';
import { parseMemTotalBytes } from '../parsers/meminfo.js';
import { parseOsRelease } from '../parsers/os-release.js';
import { parseResult } from './parsed.js';
import { readHostFile } from '../procfs/host-file.js';

/**
 * The one place the architecture is decided, from the proc root: `sys/kernel/arch` (Linux
 * 6.1+), else `cpuinfo`, else — only for the live `/proc` of the machine we run on — Node's own
 * build. A capture or `--proc-root /host/proc` thus speaks for its own machine.
 */
export function readArch(fs: ProcFs): Arch {
  const named = fs.readText('sys/kernel/arch');
  const fromName = named.ok ? archFromMachineName(named.value) : null;
  if (fromName) return fromName;
  const cpuinfo = fs.readText('cpuinfo');
  const fromCpuinfo = cpuinfo.ok ? archFromCpuinfo(cpuinfo.value) : null;
  return fromCpuinfo ?? ownArch(fs);
}

function ownArch(fs: ProcFs): Arch {
  // Node runs on the machine whose /proc this is only when the root is the live /proc.
  return (fs.mode === 'live' && fs.root === '/proc' ? archFromNode(nodeArch()) : null) ?? 'x86_64';
}

/** Host facts of the machine whose /proc this is; the kernel release and architecture are read through the ProcFs. */
export function liveHostFacts(fs: ProcFs): HostFacts {
  const release = fs.readText('sys/kernel/osrelease');
  const kernelRelease = release.ok ? release.value.trim() : 'unknown';
  return {
    kernelRelease,
    kernelVersion: parseKernelRelease(kernelRelease),
    arch: readArch(fs),
    // USER_HZ is 100 on every architecture Linux exposes to user space through /proc.
    clockTicksPerSecond: 100,
    cpuCount: Math.max(1, cpus().length),
  };
}

/**
 * The page size in KiB, from the proc root: `self/statm` counts resident pages and `self/status`
 * gives VmRSS in kB for the same process. 4 when either cannot be read (x86_64's only size).
 */
export function readPageSizeKb(fs: ProcFs): number {
  const statm = fs.readText('self/statm');
  const status = fs.readText('self/status');
  const pages = statm.ok ? Number(statm.value.split(' ')[1]) : NaN;
  const rss = status.ok ? Number(/^VmRSS:\s+(\d+) kB$/m.exec(status.value)?.[1]) : NaN;
  if (!(pages > 0) || !(rss > 0)) return 4;
  // VmRSS and statm are read a moment apart: round to the nearest power of two.
  return 2 ** Math.round(Math.log2(rss / pages));
}


/** os-release(5): `/etc/os-release`, else `/usr/lib/os-release`. */
function readOsRelease(): ReadResult<string> {
  const etc = readHostFile('/etc/os-release');
  return etc.ok ? etc : readHostFile('/usr/lib/os-release');
}

/**
 * CPU model and count (`cpuinfo`), memory (`meminfo`) and kernel (`sys/kernel/osrelease`)
 * through the ProcFs, so `--proc-root /host/proc` describes the host; the distribution from
 * os-release. Nothing is run: no program is started to ask.
 */
export function readHostDescription(fs: ProcFs, osRelease: () => ReadResult<string> = readOsRelease): HostDescription {
  const cpu = parseResult(fs.readText('cpuinfo'), 'cpuinfo', parseCpuInfo);
  const memory = parseResult(fs.readText('meminfo'), 'meminfo', parseMemTotalBytes);
  const release = fs.readText('sys/kernel/osrelease');
  const os = parseResult(osRelease(), 'os-release', parseOsRelease);
  const name = os.ok ? [os.value.NAME, os.value.VERSION_ID].filter((s) => s !== undefined && s !== '').join(' ') || os.value.PRETTY_NAME || null : null;
  return {
    cpuModel: cpu.ok ? cpu.value.model : null,
    cpuCount: cpu.ok ? cpu.value.count : null,
    memoryBytes: memory.ok ? memory.value : null,
    distro: name,
    kernelRelease: release.ok && release.value.trim() !== '' ? release.value.trim() : null,
  };
}
