import { describe, expect, it } from 'vitest';
import { computeLayout, MIN_COLS, MIN_ROWS, PANEL_IDS, type Rect } from '../../src/ui/layout.js';

const overlaps = (a: Rect, b: Rect) =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

describe('computeLayout', () => {
  it.each([
    [79, 40],
    [120, 23],
    [10, 5],
    [0, 0],
  ])('%i×%i is too small', (cols, rows) => {
    const l = computeLayout(cols, rows);
    expect(l.kind).toBe('too-small');
    if (l.kind === 'too-small') expect([l.needCols, l.needRows]).toEqual([MIN_COLS, MIN_ROWS]);
  });

  it.each([
    [80, 24, 'narrow'],
    [100, 30, 'narrow'],
    [120, 40, 'narrow'],
    [159, 50, 'narrow'],
    [160, 50, 'wide'],
    [300, 90, 'wide'],
  ])('%i×%i: every panel inside the screen, none overlapping, thread table ≥ 3 rows', (cols, rows, kind) => {
    const l = computeLayout(cols, rows);
    if (l.kind === 'too-small') throw new Error('unexpected');
    expect(l.kind).toBe(kind);
    const rects = [l.header, l.status, ...PANEL_IDS.map((id) => l.panels[id])];
    for (const r of rects) {
      expect(r.left).toBeGreaterThanOrEqual(0);
      expect(r.top).toBeGreaterThanOrEqual(0);
      expect(r.left + r.width).toBeLessThanOrEqual(cols);
      expect(r.top + r.height).toBeLessThanOrEqual(rows);
      expect(r.width).toBeGreaterThan(0);
      expect(r.height).toBeGreaterThan(0);
    }
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
    expect(l.panels.threads.height - 3).toBeGreaterThanOrEqual(3);
    expect(l.panels.pressure.height).toBeGreaterThanOrEqual(7);
    // The body is covered exactly: panel areas add up to it.
    const area = PANEL_IDS.reduce((n, id) => n + l.panels[id].width * l.panels[id].height, 0);
    expect(area).toBe(l.body.width * l.body.height);
  });
});
