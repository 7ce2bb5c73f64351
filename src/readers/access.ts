import { parseStatus } from '../parsers/status.js';
import type { ProcFs } from '../procfs/procfs.js';
import { parseResult } from './parsed.js';

/** CAP_SYS_PTRACE (19) and CAP_SYS_ADMIN (21): bit numbers in CapEff (include/uapi/linux/capability.h). */
const CAP_SYS_PTRACE = 19n;
const CAP_SYS_ADMIN = 21n;

/**
 * Who is reading, and what the kernel lets them read: told apart so that "could not see" can
 * say why — not root, Yama's ptrace_scope, a missing capability, another user namespace. Read
 * through the proc root (`self/…`), so a capture holds the reader it was made by.
 */
export interface AccessFacts {
  /** Effective uid of the reader (proctriage). */
  readonly euid: number | null;
  readonly capSysPtrace: boolean | null;
  readonly capSysAdmin: boolean | null;
  /** kernel.yama.ptrace_scope: 0 classic, 1 restricted, 2 admin-only, 3 no attach; null without Yama. */
  readonly ptraceScope: number | null;
  /** The target lives in the reader's user namespace; null when it cannot be told. */
  readonly sameUserNamespace: boolean | null;
}

export function readAccess(fs: ProcFs, pid: number): AccessFacts {
  const self = parseResult(fs.readText('self/status'), 'self/status', parseStatus);
  const capEff = self.ok ? self.value.fields['CapEff'] : undefined;
  const caps = capEff !== undefined && /^[0-9a-f]+$/i.test(capEff.trim()) ? BigInt(`0x${capEff.trim()}`) : null;
  const scope = fs.readText('sys/kernel/yama/ptrace_scope');
  const mine = fs.readLink('self/ns/user');
  const theirs = fs.readLink(`${pid}/ns/user`);
  return {
    euid: self.ok ? (self.value.uids[1] ?? null) : null,
    capSysPtrace: caps === null ? null : ((caps >> CAP_SYS_PTRACE) & 1n) === 1n,
    capSysAdmin: caps === null ? null : ((caps >> CAP_SYS_ADMIN) & 1n) === 1n,
    ptraceScope: scope.ok && /^\d+\s*$/.test(scope.value) ? Number(scope.value.trim()) : null,
    sameUserNamespace: mine.ok && theirs.ok ? mine.value === theirs.value : null,
  };
}
