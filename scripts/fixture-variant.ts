/**
 * The one way a hand-written fixture is made from a captured one (make-synthetic-fixtures.ts,
 * make-cgroup-v2-fixtures.ts): copy it (symlinks as they are), rewrite each sample, and mark
 * meta.json `"synthetic": true` with the source it follows.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

export interface CapturedMeta extends Record<string, unknown> {
  readonly samples: readonly { readonly dir: string }[];
  readonly pid: number;
}

/** fixtures/<from> → fixtures/<name>: `rewrite` each sample directory, then merge `meta` (with synthetic: true) into meta.json. */
export function writeVariant(from: string, name: string, rewrite: (sampleDir: string, meta: CapturedMeta) => void, meta: (captured: CapturedMeta) => Record<string, unknown>): void {
  const dst = join(FIXTURES, name);
  rmSync(dst, { recursive: true, force: true });
  cpSync(join(FIXTURES, from), dst, { recursive: true, verbatimSymlinks: true });
  const captured = JSON.parse(readFileSync(join(dst, 'meta.json'), 'utf8')) as CapturedMeta;
  for (const s of captured.samples) rewrite(join(dst, 'samples', s.dir), captured);
  writeFileSync(join(dst, 'meta.json'), `${JSON.stringify({ ...captured, synthetic: true, ...meta(captured) }, null, 2)}\n`);
  console.log(`wrote ${dst}`);
}
