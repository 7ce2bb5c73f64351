/**
 * The CPU architectures whose syscall numbers the classifier knows. The numbers differ between
 * them (x86_64 `wait4` is 61, aarch64's is 260), so every syscall file is read against one.
 */
export const ARCHES = ['x86_64', 'aarch64'] as const;
export type Arch = (typeof ARCHES)[number];

/** `uname -m` as the kernel writes it (`/proc/sys/kernel/arch`, since Linux 6.1); null for a machine we have no table for. */
export function archFromMachineName(text: string): Arch | null {
  const name = text.trim();
  if (name === 'x86_64' || name === 'aarch64') return name;
  // Big-endian arm64 reports aarch64_be: the same syscall numbers.
  return name === 'aarch64_be' ? 'aarch64' : null;
}

/**
 * Older kernels have no `kernel/arch` sysctl; `/proc/cpuinfo` still tells the two apart:
 * x86 lists `vendor_id` and `flags`, arm64 lists `CPU architecture` and `Features`.
 */
export function archFromCpuinfo(text: string): Arch | null {
  if (/^CPU architecture\s*:\s*8/m.test(text)) return 'aarch64';
  if (/^vendor_id\s*:/m.test(text) && /^flags\s*:/m.test(text)) return 'x86_64';
  return null;
}

/** Node's name for the architecture it was built for (`process.arch`), for a live root that says nothing itself. */
export function archFromNode(nodeArch: string): Arch | null {
  if (nodeArch === 'x64') return 'x86_64';
  return nodeArch === 'arm64' ? 'aarch64' : null;
}
