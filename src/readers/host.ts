import { arch as osArch, cpus } from 'node:os';
import type { ProcFs } from '../procfs/procfs.js';
import type { Arch } from '../kernel/wait-kinds.js';
import type { HostFacts } from '../sample/types.js';

/** Node's name for the CPU architecture → the kernel's (uname -m). */
export function archFromNode(nodeArch: string): Arch {
  return nodeArch === 'arm64' ? 'aarch64' : 'x86_64';
}

/** Host facts of the machine we run on; the kernel release is read through the ProcFs. */
export function liveHostFacts(fs: ProcFs): HostFacts {
  const release = fs.readText('sys/kernel/osrelease');
  return {
    kernelRelease: release.ok ? release.value.trim() : 'unknown',
    arch: archFromNode(osArch()),
    // USER_HZ is 100 on every architecture Linux exposes to user space through /proc.
    clockTicksPerSecond: 100,
    cpuCount: Math.max(1, cpus().length),
  };
}
