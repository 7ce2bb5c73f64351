import { describe, expect, it } from 'vitest';
import { intentForKey, keyHelp, type KeyPress } from '../../src/ui/keys.js';

describe('intentForKey', () => {
  const table: [string, KeyPress, 'live' | 'replay', unknown][] = [
    ['q quits', { ch: 'q', name: 'q' }, 'live', { type: 'quit' }],
    ['Ctrl-C quits (all of it, from top too)', { ch: '\u0003', name: 'c', ctrl: true }, 'live', { type: 'quit', all: true }],
    ['Ctrl-C quits in replay', { name: 'c', ctrl: true }, 'replay', { type: 'quit', all: true }],
    ['q quits (or goes back to top)', { ch: 'q', name: 'q' }, 'live', { type: 'quit' }],
    ['Q quits all', { ch: 'Q', name: 'q' }, 'live', { type: 'quit', all: true }],
    ['v toggles the charts', { ch: 'v', name: 'v' }, 'live', { type: 'charts' }],
    ['c (no ctrl) captures', { ch: 'c', name: 'c' }, 'live', { type: 'capture' }],
    ['other ctrl keys do nothing', { name: 'l', ctrl: true }, 'live', null],
    ['? is help', { ch: '?' }, 'live', { type: 'help' }],
    ['down arrow', { name: 'down' }, 'live', { type: 'move', delta: 1 }],
    ['up arrow', { name: 'up' }, 'live', { type: 'move', delta: -1 }],
    ['j moves down', { ch: 'j', name: 'j' }, 'live', { type: 'move', delta: 1 }],
    ['k moves up', { ch: 'k', name: 'k' }, 'live', { type: 'move', delta: -1 }],
    ['Enter opens (blessed name enter)', { ch: '\r', name: 'enter' }, 'live', { type: 'open' }],
    ['return alone is ignored (blessed sends it before enter)', { ch: '\r', name: 'return' }, 'live', null],
    ['Esc closes', { name: 'escape' }, 'live', { type: 'close' }],
    ['s sorts', { ch: 's', name: 's' }, 'live', { type: 'sort' }],
    ['g groups', { ch: 'g', name: 'g' }, 'live', { type: 'group' }],
    ['p pauses', { ch: 'p', name: 'p' }, 'live', { type: 'pause' }],
    ['t shows the tree', { ch: 't', name: 't' }, 'live', { type: 'tree' }],
    ['left steps back in replay', { name: 'left' }, 'replay', { type: 'step', delta: -1 }],
    ['right steps on in replay', { name: 'right' }, 'replay', { type: 'step', delta: 1 }],
    ['left does nothing live', { name: 'left' }, 'live', null],
    ['page down', { name: 'pagedown' }, 'live', { type: 'page', delta: 1 }],
    ['home', { name: 'home' }, 'live', { type: 'first' }],
    ['end', { name: 'end' }, 'live', { type: 'last' }],
    ['unbound letter', { ch: 'x', name: 'x' }, 'live', null],
    ['nothing at all', {}, 'live', null],
  ];
  it.each(table)('%s', (_, key, mode, want) => {
    expect(intentForKey(key, mode)).toEqual(want);
  });
});

describe('keyHelp', () => {
  it('lists every key of the mode', () => {
    const live = keyHelp('live').map(([k]) => k);
    expect(live).toEqual(expect.arrayContaining(['q', '?', 'Enter', 's', 'g', 'p', 'c']));
    expect(keyHelp('replay').map(([k]) => k)).toContain('←→');
    expect(keyHelp('replay').map(([k]) => k)).not.toContain('c');
  });
});
