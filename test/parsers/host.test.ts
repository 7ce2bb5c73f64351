import { describe, expect, it } from 'vitest';
import { parseCpuInfo } from '../../src/parsers/cpuinfo.js';
import { parseMemTotalBytes } from '../../src/parsers/meminfo.js';
import { parseOsRelease } from '../../src/parsers/os-release.js';
import { ok, fail } from '../../src/procfs/errors.js';
import { createProcFs } from '../../src/procfs/procfs.js';
import { readHostDescription } from '../../src/readers/host.js';
import { layout, tempDir } from '../procfs/support.js';
import * as S from './support/samples.js';

describe('host facts, from /proc and os-release', () => {
  it('cpuinfo: the first model name and one CPU per processor line', () => {
    expect(parseCpuInfo(S.CPUINFO_X86)).toEqual({ model: 'Intel(R) Xeon(R) Processor', count: 2 });
    expect(parseCpuInfo(S.CPUINFO_AARCH64)).toEqual({ model: null, count: 1 });
    expect(() => parseCpuInfo('vendor_id\t: x\n')).toThrow(/no processor/);
  });

  it('meminfo: MemTotal in bytes', () => {
    expect(parseMemTotalBytes(S.MEMINFO)).toBe(24634412 * 1024);
    expect(() => parseMemTotalBytes('MemFree: 1 kB\n')).toThrow(/MemTotal/);
  });

  it('os-release: quoted and bare values, escapes, comments, a BOM', () => {
    expect(parseOsRelease(S.OS_RELEASE_DEBIAN)).toMatchObject({ NAME: 'Debian GNU/Linux', VERSION_ID: '12', VERSION_CODENAME: 'bookworm' });
    expect(parseOsRelease('\uFEFF# x\nNAME="say \\"hi\\""\nID=\'a b\'\n')).toEqual({ NAME: 'say "hi"', ID: 'a b' });
    expect(() => parseOsRelease('not a pair\n')).toThrow(/KEY=value/);
  });

  it('reads the proc root it is given (a /host/proc gives the host), and says null for what it lacks', () => {
    const root = layout(tempDir(), { cpuinfo: S.CPUINFO_X86, meminfo: S.MEMINFO, 'sys/kernel/osrelease': '6.1.0-test\n' });
    expect(readHostDescription(createProcFs({ root, cgroupRoot: null }), () => ok(S.OS_RELEASE_DEBIAN))).toEqual({
      cpuModel: 'Intel(R) Xeon(R) Processor',
      cpuCount: 2,
      memoryBytes: 24634412 * 1024,
      distro: 'Debian GNU/Linux 12',
      kernelRelease: '6.1.0-test',
    });
    const bare = readHostDescription(createProcFs({ root: tempDir(), cgroupRoot: null }), () => fail({ kind: 'unsupported', path: 'os-release', message: 'missing' }));
    expect(bare).toEqual({ cpuModel: null, cpuCount: null, memoryBytes: null, distro: null, kernelRelease: null });
  });
});
