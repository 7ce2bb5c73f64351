import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/watch/ring.js';
import { afterCount, ringCapacity } from '../../src/watch/recorder.js';

describe('Ring', () => {
  it('keeps the newest items, oldest first, and returns what it drops', () => {
    const r = new Ring<number>(3);
    expect(r.toArray()).toEqual([]);
    expect(r.push(1)).toBeUndefined();
    r.push(2);
    r.push(3);
    expect(r.toArray()).toEqual([1, 2, 3]);
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.length).toBe(3);
    r.clear();
    expect(r.length).toBe(0);
    r.push(6);
    expect(r.toArray()).toEqual([6]);
  });

  it('wraps many times without losing order', () => {
    const r = new Ring<number>(4);
    for (let i = 0; i < 103; i++) r.push(i);
    expect(r.toArray()).toEqual([99, 100, 101, 102]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });

  it.each([
    [10_000, 1000, 11],
    [2000, 200, 11],
    [0, 1000, 2], // always one sample before the trigger, for rates
    [500, 1000, 2],
  ])('ring for --before %d ms at %d ms holds %d samples', (before, interval, n) => {
    expect(ringCapacity(before, interval)).toBe(n);
  });

  it.each([
    [5000, 1000, 5],
    [1000, 200, 5],
    [0, 1000, 0],
    [300, 200, 2],
  ])('--after %d ms at %d ms takes %d samples', (after, interval, n) => {
    expect(afterCount(after, interval)).toBe(n);
  });
});
