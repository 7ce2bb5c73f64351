import { describe, expect, it } from 'vitest';
import { parseSmapsRollup } from '../../src/parsers/smaps-rollup.js';
import { ParseError } from '../../src/procfs/errors.js';
import { SMAPS_ROLLUP_414, SMAPS_ROLLUP_618 } from './support/samples.js';

describe('smaps_rollup', () => {
  it('reads the sums of a 6.18 kernel, kB, by name', () => {
    expect(parseSmapsRollup(SMAPS_ROLLUP_618)).toEqual({
      rssKb: 1760,
      pssKb: 200,
      pssAnonKb: 108,
      pssFileKb: 92,
      pssShmemKb: 0,
      sharedCleanKb: 1612,
      sharedDirtyKb: 0,
      privateCleanKb: 40,
      privateDirtyKb: 108,
      anonymousKb: 108,
      swapKb: 0,
      swapPssKb: 0,
      lockedKb: 0,
    });
  });

  it('leaves the PSS split null on kernels before 5.3, which lack it', () => {
    const r = parseSmapsRollup(SMAPS_ROLLUP_414);
    expect(r).toMatchObject({ rssKb: 3320, pssKb: 1016, pssAnonKb: null, pssFileKb: null, pssShmemKb: null, swapKb: 128, swapPssKb: 64 });
  });

  it('refuses an empty file (a kernel thread has no memory map) and a line that is not a field', () => {
    expect(() => parseSmapsRollup('')).toThrow(ParseError);
    expect(() => parseSmapsRollup(`${SMAPS_ROLLUP_618}Rss: lots\n`)).toThrow(/not a smaps_rollup field/);
  });
});
