import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batched, writeJson } from '../../src/report/json.js';

function written(value: unknown, size?: number): { text: string; writes: number } {
  const chunks: string[] = [];
  const out = batched((c) => chunks.push(c), size);
  writeJson(value, out.write);
  out.flush();
  return { text: chunks.join(''), writes: chunks.length };
}

describe('writeJson: JSON.stringify(value, null, 2), written piece by piece', () => {
  it('writes exactly what JSON.stringify writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(written(v).text).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out undefined members and writes undefined array items as null, as JSON.stringify does', () => {
    const v = { a: undefined, b: [1, undefined, 3], c: { d: undefined }, e: null };
    expect(written(v).text).toBe(JSON.stringify(v, null, 2));
  });

  it('hands a large value over in pieces of about the batch size, not one string', () => {
    const big = { threads: Array.from({ length: 5000 }, (_, i) => ({ tid: i, comm: 'worker', wait: { kind: 'futex', explanation: 'x'.repeat(200) } })) };
    const { text, writes } = written(big, 64 * 1024);
    expect(text).toBe(JSON.stringify(big, null, 2));
    expect(writes).toBeGreaterThan(10);
  });
});
