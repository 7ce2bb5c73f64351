import { describe, expect, it } from 'vitest';
import { initialState, reconcile, reduce, type RowContext } from '../../src/ui/state.js';

const ctx = (n: number, pageSize = 5, sampleCount: number | null = null): RowContext => ({
  rowKeys: Array.from({ length: n }, (_, i) => `t:${i + 1}`),
  pageSize,
  sampleCount,
});

describe('reduce', () => {
  it('moves the selection and keeps it on screen', () => {
    let s = reconcile(initialState(), ctx(20));
    expect(s.selectedKey).toBe('t:1');
    for (let i = 0; i < 7; i++) s = reduce(s, { type: 'move', delta: 1 }, ctx(20));
    expect(s.selectedKey).toBe('t:8');
    expect(s.selectedIndex).toBe(7);
    expect(s.scrollTop).toBe(3); // rows 4–8 visible
    s = reduce(s, { type: 'move', delta: -1 }, ctx(20));
    expect(s.scrollTop).toBe(3);
  });

  it('stops at both ends', () => {
    let s = reconcile(initialState(), ctx(3));
    s = reduce(s, { type: 'move', delta: -1 }, ctx(3));
    expect(s.selectedIndex).toBe(0);
    s = reduce(s, { type: 'last' }, ctx(3));
    s = reduce(s, { type: 'move', delta: 1 }, ctx(3));
    expect(s.selectedKey).toBe('t:3');
  });

  it('pages', () => {
    let s = reconcile(initialState(), ctx(30, 10));
    s = reduce(s, { type: 'page', delta: 1 }, ctx(30, 10));
    expect(s.selectedIndex).toBe(9);
  });

  it('cycles the sort and toggles grouping, pause and overlays', () => {
    let s = initialState();
    const sorts = [s.sort];
    for (let i = 0; i < 4; i++) sorts.push((s = reduce(s, { type: 'sort' }, ctx(1))).sort);
    expect(sorts).toEqual(['wait', 'cpu', 'switches', 'tid', 'wait']);
    expect(reduce(s, { type: 'group' }, ctx(1)).grouped).toBe(true);
    expect(reduce(s, { type: 'pause' }, ctx(1)).paused).toBe(true);
    const open = reduce(s, { type: 'open' }, ctx(1));
    expect(open.overlay).toBe('detail');
    expect(reduce(open, { type: 'open' }, ctx(1)).overlay).toBe('none');
    expect(reduce(open, { type: 'close' }, ctx(1)).overlay).toBe('none');
    expect(reduce(open, { type: 'help' }, ctx(1)).overlay).toBe('help');
    expect(reduce(open, { type: 'tree' }, ctx(1)).overlay).toBe('tree');
  });

  it('steps through replay samples within the capture', () => {
    let s = initialState({ replayIndex: 1 });
    s = reduce(s, { type: 'step', delta: 1 }, ctx(1, 5, 3));
    s = reduce(s, { type: 'step', delta: 1 }, ctx(1, 5, 3));
    expect(s.replayIndex).toBe(2);
    s = reduce(s, { type: 'step', delta: -5 }, ctx(1, 5, 3));
    expect(s.replayIndex).toBe(0);
    expect(reduce(s, { type: 'step', delta: 1 }, ctx(1)).replayIndex).toBe(0); // live: no samples to step
  });
});

describe('overlays', () => {
  it('arrows scroll help and the tree; in the detail they pick another thread and PgDn scrolls', () => {
    let s = reconcile(initialState(), ctx(5));
    s = reduce(s, { type: 'tree' }, ctx(5));
    s = reduce(s, { type: 'move', delta: 1 }, ctx(5));
    expect(s.overlayScroll).toBe(1);
    expect(s.selectedIndex).toBe(0);
    s = reduce(s, { type: 'first' }, ctx(5));
    expect(s.overlayScroll).toBe(0);
    s = reduce(s, { type: 'open' }, ctx(5)); // Enter: the detail replaces the tree
    expect(s.overlay).toBe('detail');
    s = reduce(s, { type: 'move', delta: 1 }, ctx(5));
    expect(s.selectedIndex).toBe(1);
    s = reduce(s, { type: 'page', delta: 1 }, ctx(5));
    expect(s.overlayScroll).toBe(4);
    expect(reduce(s, { type: 'close' }, ctx(5)).overlayScroll).toBe(0);
  });
});

describe('reconcile', () => {
  it('follows the selected thread when rows reorder', () => {
    let s = reconcile(initialState(), ctx(5));
    s = reduce(s, { type: 'move', delta: 2 }, ctx(5)); // t:3
    const reordered: RowContext = { rowKeys: ['t:5', 't:3', 't:1'], pageSize: 5, sampleCount: null };
    s = reconcile(s, reordered);
    expect(s.selectedKey).toBe('t:3');
    expect(s.selectedIndex).toBe(1);
  });

  it('lands on a neighbour when the selected thread exits', () => {
    let s = reconcile(initialState(), ctx(5));
    s = reduce(s, { type: 'last' }, ctx(5)); // t:5 at index 4
    s = reconcile(s, { rowKeys: ['t:1', 't:2'], pageSize: 5, sampleCount: null });
    expect(s.selectedKey).toBe('t:2');
  });

  it('copes with no rows', () => {
    const s = reconcile(initialState(), ctx(0));
    expect(s.selectedKey).toBeNull();
  });
});
