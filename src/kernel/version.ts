/**
 * Kernel versions as data: the running kernel's release (`uname -r`, /proc/sys/kernel/osrelease)
 * parsed once, and the version ranges of the wait-site catalog.
 *
 * A leaf: it imports nothing of the project, so every layer may use it.
 */

export interface KernelVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * Kernels on which something exists, both ends inclusive.
 *
 * - `since` null: already there in the oldest kernel the catalog covers (`OLDEST_COVERED_KERNEL`).
 * - `until` null: still there in the newest one (`NEWEST_COVERED_KERNEL`).
 * - `until` is the last version that has it. Written without a patch level (`5.15`, patch 0) it
 *   stands for the whole stable series, 5.15.y; with one (`6.1.36`) it ends at that release.
 */
export interface KernelRange {
  readonly since: KernelVersion | null;
  readonly until: KernelVersion | null;
}

/** The catalog's ranges start here: `since: null` means "already in this one". */
export const OLDEST_COVERED_KERNEL: KernelVersion = { major: 4, minor: 0, patch: 0 };
/** The newest kernel the catalog was checked against: `until: null` means "still in this one". */
export const NEWEST_COVERED_KERNEL: KernelVersion = { major: 6, minor: 18, patch: 0 };

// Three digit groups at most per component: real releases stay far below that, and a longer run
// of digits means the string is not a release at all.
const RELEASE = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,5})(?=$|[-+._~])|(?=$|[-+_~]))/;

/**
 * The version at the start of a kernel release string, as `uname -r` prints it:
 * `6.18.44-fc-v669`, `5.4.0-150-generic`, `5.14.0-362.8.1.el9_3.x86_64`, `6.8.0-rc3+`, `6.1`.
 * What follows the version (distro suffix, `-rcN`, a fourth number) is ignored, so a release
 * candidate counts as the release it leads to. Null when the string does not start with
 * `major.minor`, or a component runs straight into a letter (`5.4x`).
 */
export function parseKernelRelease(release: string): KernelVersion | null {
  const match = RELEASE.exec(release.trim());
  if (!match) return null;
  const [, major, minor, patch] = match;
  if (major === undefined || minor === undefined) return null;
  return { major: Number(major), minor: Number(minor), patch: patch === undefined ? 0 : Number(patch) };
}

/** Negative if `a` is older than `b`, 0 if the same release, positive if newer. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * `6.18.44`, or `6.18` when the patch level is 0: ranges name a stable series, and distro
 * releases such as `5.4.0-150-generic` keep patch 0 whatever fixes they carry, so `5.4.0`
 * would promise a precision the release string does not have.
 */
export function formatKernelVersion(v: KernelVersion): string {
  return v.patch === 0 ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
}

/** A version literal of the catalog (`'5.16'`, `'6.1.37'`); throws on a malformed one. */
export function kernelVersion(literal: string): KernelVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(literal);
  if (!match) throw new Error(`malformed kernel version literal: ${JSON.stringify(literal)}`);
  const [, major, minor, patch] = match;
  return { major: Number(major), minor: Number(minor), patch: patch === undefined ? 0 : Number(patch) };
}

/** Whether `v` falls in `range` (see `KernelRange` for what patch 0 in `until` means). */
export function inKernelRange(v: KernelVersion, range: KernelRange): boolean {
  const { since, until } = range;
  if (since !== null && compareKernelVersions(v, since) < 0) return false;
  if (until === null) return true;
  if (until.patch === 0) return v.major < until.major || (v.major === until.major && v.minor <= until.minor);
  return compareKernelVersions(v, until) <= 0;
}
