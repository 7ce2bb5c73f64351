/**
 * Point 1 of the hardening issue, kept true as parsers are added: every `parse*` function
 * exported from src/parsers is fuzzed by test/parsers/robustness.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from './support.js';

describe('every parser is fuzzed', () => {
  it('robustness.test.ts covers each exported parse* function of src/parsers', () => {
    const dir = join(PROJECT, 'src', 'parsers');
    const exported = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^export function (parse[A-Z]\w*)/gm)].map((m) => `${f}: ${m[1]}`));
    const robustness = readFileSync(join(PROJECT, 'test', 'parsers', 'robustness.test.ts'), 'utf8');
    // A PARSERS entry: `parse: parseX` or `parse: (t) => …parseX(t…)`.
    const fuzzed = (name: string) => new RegExp(`parse: (\\([a-z]\\) => [^\\n]*)?\\b${name}\\b`).test(robustness);
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.filter((e) => !fuzzed(e.split(': ')[1]!))).toEqual([]);
  });
});
