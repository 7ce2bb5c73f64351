import { readHostFile } from '../procfs/host-file.js';
import type { ProcFs } from '../procfs/procfs.js';
import { readHostDescription } from '../readers/host.js';
import type { HostInfo } from '../ui/panels/header.js';

/**
 * The machine, read once, after the first frame: from the proc root (cpuinfo, meminfo,
 * osrelease) and os-release, never by running a program.
 */
export async function readHostInfo(fs: ProcFs): Promise<HostInfo> {
  return readHostDescription(fs);
}

/** uid → user name from /etc/passwd (this machine's; read once, lazily). */
export function userNames(passwdPath = '/etc/passwd'): (uid: number) => string | null {
  let names: Map<number, string> | null = null;
  return (uid) => {
    if (names === null) {
      names = new Map();
      // No passwd file (a container, a chroot): uids stay numbers. Read bounded, non-blocking.
      const text = readHostFile(passwdPath, 16 * 1024 * 1024);
      for (const row of (text.ok ? text.value : '').split('\n')) {
        const [name, , id] = row.split(':');
        if (name && id && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
      }
    }
    return names.get(uid) ?? null;
  };
}
