import type { ProcFs } from '../procfs/procfs.js';
import { fail, type ReadResult } from '../procfs/errors.js';
import { parsePressure, type Pressure } from '../parsers/pressure.js';
import { PSI_RESOURCES, type PressureSet, type PsiResource } from '../readers/types.js';
import { parseResult } from './parsed.js';

function unavailable(result: ReadResult<Pressure>): ReadResult<Pressure> {
  // ENOENT (no CONFIG_PSI, psi=0 on 5.6+, no irq accounting) and EOPNOTSUPP (psi=0 on 4.20–5.5)
  // mean the same to a user: this kernel gives no pressure for that resource.
  if (!result.ok && (result.error.errno === 'EOPNOTSUPP' || result.error.errno === 'ENOTSUP')) {
    return fail({ ...result.error, kind: 'unsupported', message: 'PSI is disabled on this kernel (booted with psi=0?)' });
  }
  if (!result.ok && result.error.errno === 'ENOENT') {
    const irq = result.error.path.includes('irq');
    return fail({
      ...result.error,
      kind: 'unsupported',
      message: irq ? 'no irq pressure on this kernel (needs 6.1+ with CONFIG_IRQ_TIME_ACCOUNTING)' : 'no PSI on this kernel (CONFIG_PSI off, or booted with psi=0)',
    });
  }
  return result;
}

export function readSystemPressure(fs: ProcFs): PressureSet {
  const entries = PSI_RESOURCES.map((resource): [PsiResource, ReadResult<Pressure>] => {
    const path = `pressure/${resource}`;
    return [resource, unavailable(parseResult(fs.readText(path), path, parsePressure))];
  });
  return Object.fromEntries(entries) as Record<PsiResource, ReadResult<Pressure>>;
}

/** PSI of one cgroup v2 directory (`cpu.pressure`, …), path relative to the cgroup2 root. */
export function readCgroupPressure(fs: ProcFs, cgroupPath: string): PressureSet {
  const dir = cgroupPath.replace(/^\/+/, '');
  const entries = PSI_RESOURCES.map((resource): [PsiResource, ReadResult<Pressure>] => {
    const path = dir === '' ? `${resource}.pressure` : `${dir}/${resource}.pressure`;
    return [resource, unavailable(parseResult(fs.readCgroupText(path), `cgroup:${path}`, parsePressure))];
  });
  return Object.fromEntries(entries) as Record<PsiResource, ReadResult<Pressure>>;
}
