import { describe, expect, it } from 'vitest';
import { CHART_IDS, CHART_ROWS, computeLayout, MIN_COLS, MIN_ROWS, PANEL_IDS, type Rect } from '../../src/ui/layout.js';

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
    const l = computeLayout(cols, rows, 3);
    if (l.kind === 'too-small') throw new Error('unexpected');
    expect(l.kind).toBe(kind);
    // The charts have a row of their own from CHART_ROWS rows on.
    expect(l.charts !== null).toBe(rows >= CHART_ROWS);
    const charts = l.charts ? CHART_IDS.map((id) => l.charts![id]) : [];
    const rects = [l.header, l.verdict, l.status, ...PANEL_IDS.map((id) => l.panels[id]), ...charts];
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
    expect(l.panels.pressure.height).toBeGreaterThanOrEqual(6);
    expect(l.verdict).toEqual({ top: 3, left: 0, width: cols, height: 3 });
    // The body is covered exactly: panel (and chart) areas add up to it.
    const area = [...PANEL_IDS.map((id) => l.panels[id]), ...charts].reduce((n, r) => n + r.width * r.height, 0);
    expect(area).toBe(l.body.width * l.body.height);
  });

  it('a long verdict takes the rows it needs; the panels below shrink, the threads keep some', () => {
    const l = computeLayout(80, 24, 9);
    if (l.kind === 'too-small') throw new Error('unexpected');
    expect(l.verdict.height).toBe(9);
    expect(l.panels.pressure.top).toBe(12);
    expect(l.panels.threads.height).toBeGreaterThanOrEqual(3);
    expect(l.status.top).toBe(23);
  });
});
