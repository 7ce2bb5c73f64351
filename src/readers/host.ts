import { arch as nodeArch, cpus } from 'node:os';
import { archFromCpuinfo, archFromMachineName, archFromNode, type Arch } from '../kernel/arch.js';
import type { ProcFs } from '../procfs/procfs.js';
import type { HostFacts } from './types.js';

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
  return {
    kernelRelease: release.ok ? release.value.trim() : 'unknown',
    arch: readArch(fs),
    // USER_HZ is 100 on every architecture Linux exposes to user space through /proc.
    clockTicksPerSecond: 100,
    cpuCount: Math.max(1, cpus().length),
  };
}
