import { readFileSync } from 'node:fs';
import type { HostInfo } from './panels/header.js';

/**
 * The machine, read once at start with systeminformation. It spawns helper programs
 * (lscpu, …), so it runs once, asynchronously, after the first frame — never on the
 * sampling path.
 */
export async function readHostInfo(timeoutMs = 5000): Promise<HostInfo> {
  const si = (await import('systeminformation')).default;
  const work = Promise.all([si.cpu(), si.mem(), si.osInfo()]).then(([cpu, mem, os]): HostInfo => {
    const model = [cpu.manufacturer, cpu.brand].filter((s) => s && s.trim() !== '').join(' ').trim();
    return {
      cpuModel: model || null,
      cpuCount: cpu.cores > 0 ? cpu.cores : null,
      memoryBytes: mem.total > 0 ? mem.total : null,
      distro: [os.distro, os.release].filter((s) => s && s !== 'unknown').join(' ') || null,
      kernelRelease: os.kernel || null,
    };
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`systeminformation did not answer in ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** uid → user name from /etc/passwd (this machine's; read once, lazily). */
export function userNames(passwdPath = '/etc/passwd'): (uid: number) => string | null {
  let names: Map<number, string> | null = null;
  return (uid) => {
    if (names === null) {
      names = new Map();
      try {
        for (const row of readFileSync(passwdPath, 'utf8').split('\n')) {
          const [name, , id] = row.split(':');
          if (name && id && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
        }
      } catch {
        // No passwd file (a container, a chroot): uids stay numbers.
      }
    }
    return names.get(uid) ?? null;
  };
}
