import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NEWEST_COVERED_KERNEL,
  OLDEST_COVERED_KERNEL,
  compareKernelVersions,
  formatKernelVersion,
  inKernelRange,
  kernelVersion,
  parseKernelRelease,
  type KernelRange,
} from '../../src/kernel/version.js';

const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });

describe('parseKernelRelease', () => {
  // Releases as distributions and kernel builds print them in `uname -r` and /proc/sys/kernel/osrelease.
  it.each([
    ['6.18.44-fc-v669', v(6, 18, 44)],
    ['6.18.44-arm64', v(6, 18, 44)],
    ['5.4.0-150-generic', v(5, 4, 0)],
    ['4.19.0-27-amd64', v(4, 19, 0)],
    ['5.10.0-30-amd64\n', v(5, 10, 0)],
    ['5.15.0', v(5, 15, 0)],
    ['6.1', v(6, 1, 0)],
    ['5.14.0-362.8.1.el9_3.x86_64', v(5, 14, 0)],
    ['3.10.0-1160.el7.x86_64', v(3, 10, 0)],
    ['2.6.32-754.el6.x86_64', v(2, 6, 32)],
    ['6.8.0-rc3+', v(6, 8, 0)],
    ['6.1-rc1', v(6, 1, 0)],
    ['6.1.0+', v(6, 1, 0)],
    ['5.15.133.1-microsoft-standard-WSL2', v(5, 15, 133)],
    ['6.1.21-v8+', v(6, 1, 21)],
    ['6.7.3-arch1-1', v(6, 7, 3)],
    ['6.5.6-300.fc39.x86_64', v(6, 5, 6)],
    ['5.10.43-android12-9-00001-g1d2e3f4', v(5, 10, 43)],
    ['4.9.337', v(4, 9, 337)],
    ['6.6.30-generic', v(6, 6, 30)],
    ['4.4.0-21-generic~16.04.1', v(4, 4, 0)],
  ])('%j', (release, expected) => {
    expect(parseKernelRelease(release)).toEqual(expected);
  });

  it.each(['', '\n', 'unknown', 'Linux', '6', '6.', '6.x', '5.x+', 'v6.1', '-5.4', '5..4', '5.4x', '5.4.0x', '5.4.', '1234.1.1', ' .5.4'])(
    'rejects %j',
    (garbage) => {
      expect(parseKernelRelease(garbage)).toBeNull();
    },
  );

  it('reads back what formatKernelVersion writes, whatever follows the version', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.constantFrom('', '-generic', '-rc1+', '-362.8.1.el9_3.x86_64', '+', '_custom', '-arch1-1'),
        (major, minor, patch, suffix) => {
          const version = v(major, minor, patch);
          expect(parseKernelRelease(`${formatKernelVersion(version)}${suffix}`)).toEqual(version);
        },
      ),
    );
  });
});

describe('compareKernelVersions', () => {
  it('orders by major, minor, then patch, numerically', () => {
    const sorted = [v(4, 9, 337), v(4, 19), v(4, 20), v(5, 4, 0), v(5, 4, 214), v(5, 15, 100), v(5, 16), v(6, 1, 37), v(6, 18, 44)];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareKernelVersions)).toEqual(sorted);
    expect(compareKernelVersions(v(5, 10, 3), v(5, 10, 3))).toBe(0);
  });
});

describe('formatKernelVersion', () => {
  it('drops a patch level of 0, keeps any other', () => {
    expect(formatKernelVersion(v(6, 18))).toBe('6.18');
    expect(formatKernelVersion(v(6, 18, 44))).toBe('6.18.44');
    expect(formatKernelVersion(parseKernelRelease('5.4.0-150-generic')!)).toBe('5.4');
  });
});

describe('kernelVersion', () => {
  it('parses catalog literals', () => {
    expect(kernelVersion('5.16')).toEqual(v(5, 16, 0));
    expect(kernelVersion('6.1.37')).toEqual(v(6, 1, 37));
  });

  it.each(['', '5', '5.x', '5.16+', '5.16-rc1', ' 5.16', 'all', '4.9-5.15'])('throws on %j', (literal) => {
    expect(() => kernelVersion(literal)).toThrow(/malformed kernel version literal/);
  });
});

describe('inKernelRange', () => {
  const range = (since: string | null, until: string | null): KernelRange => ({
    since: since === null ? null : kernelVersion(since),
    until: until === null ? null : kernelVersion(until),
  });

  it('treats null ends as open', () => {
    expect(inKernelRange(v(2, 6, 32), range(null, null))).toBe(true);
    expect(inKernelRange(v(7, 0), range(null, null))).toBe(true);
    expect(inKernelRange(v(4, 0), range(null, '5.15'))).toBe(true);
    expect(inKernelRange(v(6, 18, 44), range('5.16', null))).toBe(true);
  });

  it('includes both ends, and a whole stable series when until has no patch level', () => {
    const r = range('5.6', '6.14');
    expect(inKernelRange(v(5, 5, 19), r)).toBe(false);
    expect(inKernelRange(v(5, 6, 0), r)).toBe(true);
    expect(inKernelRange(v(6, 14, 0), r)).toBe(true);
    expect(inKernelRange(v(6, 14, 11), r)).toBe(true);
    expect(inKernelRange(v(6, 15, 0), r)).toBe(false);
  });

  it('compares patch levels where the range names them (stable backports)', () => {
    expect(inKernelRange(v(6, 1, 20), range('6.1.37', null))).toBe(false);
    expect(inKernelRange(v(6, 1, 37), range('6.1.37', null))).toBe(true);
    expect(inKernelRange(v(6, 1, 36), range(null, '6.1.36'))).toBe(true);
    expect(inKernelRange(v(6, 1, 37), range(null, '6.1.36'))).toBe(false);
  });

  it('covers 4.0 to 6.18', () => {
    expect(formatKernelVersion(OLDEST_COVERED_KERNEL)).toBe('4.0');
    expect(formatKernelVersion(NEWEST_COVERED_KERNEL)).toBe('6.18');
  });
});
