import { parseCpuInfo } from '../parsers/cpuinfo.js';
import { parseMemTotalBytes } from '../parsers/meminfo.js';
import { parseOsRelease } from '../parsers/os-release.js';
import type { ReadResult } from '../procfs/errors.js';
import { readHostFile } from '../procfs/host-file.js';
import type { ProcFs } from '../procfs/procfs.js';
import { parseResult } from './parsed.js';

/** The machine in words for a header line; null where a file did not say. */
export interface HostDescription {
  readonly cpuModel: string | null;
  readonly cpuCount: number | null;
  readonly memoryBytes: number | null;
  readonly distro: string | null;
  readonly kernelRelease: string | null;
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
