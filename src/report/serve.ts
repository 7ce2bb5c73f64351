import type { CgroupLayout } from '../readers/types.js';
import type { Unavailable } from '../serve/types.js';

/** What an exporter could not use, in one line for its log (the metric `proctriage_unavailable` says the same in labels). */
export function unavailableLine(u: Unavailable, layout: CgroupLayout): string {
  const v1 = layout.v1Controllers.length > 0 ? layout.v1Controllers.join(', ') : null;
  switch (u.source) {
    case 'pressure':
      return u.reason === 'psi-disabled'
        ? 'no PSI: the kernel was booted with psi=0; the pressure metrics are absent'
        : 'no PSI: this kernel has no /proc/pressure (CONFIG_PSI off); the pressure metrics are absent';
    case 'cgroup-pressure':
      if (u.reason === 'cgroup-v2-empty') {
        return `no per-cgroup PSI: the cgroup v2 hierarchy (${layout.v2Root ?? '?'}) holds no cgroup${v1 ? `; processes are grouped by the cgroup v1 controllers (${v1}), which have no PSI files` : ''}`;
      }
      if (u.reason === 'cgroup-v1-only') return `no per-cgroup PSI: only cgroup v1 is mounted (${v1 ?? '?'}), which has no PSI files`;
      return 'no per-cgroup PSI: no cgroup v2 hierarchy was found (in a container, give --cgroup-root with the host\'s /sys/fs/cgroup)';
    case 'listen-counters':
      return `no listen overflow and drop counters: net/netstat ${u.reason === 'denied' ? 'was refused' : 'could not be read'}`;
    case 'listen-sockets':
      return `no accept queues: net/tcp ${u.reason === 'denied' ? 'was refused' : 'could not be read'}`;
    case 'somaxconn':
      return `no backlog limit: sys/net/core/somaxconn ${u.reason === 'denied' ? 'was refused' : 'could not be read'}`;
  }
}
