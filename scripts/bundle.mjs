#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ (one file per command, split at the lazy imports) so that
// a one-shot command loads a handful of files instead of ~50 ES modules: Node's module
// resolution and loading is most of the start-up cost of `proctriage top --once`.
// The dashboard's libraries (blessed, blessed-contrib, systeminformation) stay external: they
// are CommonJS with dynamic requires and are loaded only when drawing.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['blessed', 'blessed-contrib', 'systeminformation'],
  // commander is CommonJS: give the ESM bundle a require() for the builtins it loads.
  banner: { js: "import { createRequire as __proctriageRequire } from 'node:module'; const require = __proctriageRequire(import.meta.url);" },
  logLevel: 'warning',
});
