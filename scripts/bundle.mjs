#!/usr/bin/env node
// Bundles the CLI into one CommonJS file, dist/bundle/proctriage.cjs (and the sampling worker
// into sample-worker.cjs), and records a V8 code cache for each (*.cache beside them) so that
// a one-shot command starts fast:
// - CommonJS, not ES modules: Node 20's ESM loader costs ≈ 9 ms of every start before any
//   of our code runs; require() of one file does not.
// - One file: a single compile, and module identity (`instanceof UserError`) across commands.
// - The code cache: compiling the 0.5 MB bundle costs ≈ 13 ms; V8 deserialises the cached
//   bytecode instead, including the functions a warm-up run compiled (bin/load-bundle.cjs).
// The dashboard's libraries (blessed, blessed-contrib) stay external: they
// are CommonJS with dynamic requires and are loaded only when drawing.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * commander loads node:child_process at start-up only to run executable subcommands, which
 * proctriage has none of; loading it (and node:net behind it) costs ≈ 5 ms of every start.
 * This gives commander a stand-in that loads the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/commander/`) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "let real; module.exports = new Proxy({}, { get(_, key) { real ??= require('node:child_process'); return real[key]; } });",
      loader: 'js',
    }));
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
// Each build gets an id, written at the top of each bundle and into its code cache's header:
// a cache is offered to V8 only for the bundle it was made from (V8 itself compares lengths
// only). An id, not the file's mtime: npm pack sets every mtime to one fixed date.
const buildId = randomUUID();
const common = {
  banner: { js: `// proctriage-build ${buildId}` },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() of an external (blessed) becomes require(): the bundle runs in a vm.Script,
  // which has no loader for dynamic import.
  supported: { 'dynamic-import': false },
  // prom-client (serve, watch --listen) too: loaded from node_modules only by those commands.
  external: ['blessed', 'blessed-contrib', 'prom-client'],
  plugins: [lazyChildProcess],
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [join(root, 'src', 'cli', 'main.ts')], outfile: join(outdir, 'proctriage.cjs') });
// The worker thread that shares `top --once`'s sample loads only the sampler.
await build({ ...common, entryPoints: [join(root, 'src', 'sample', 'machine', 'sample-worker.ts')], outfile: join(outdir, 'sample-worker.cjs') });

// The code cache is an optimisation: without it (or if V8 rejects it) the CLI works, slower.
const made = spawnSync(process.execPath, [join(root, 'scripts', 'code-cache.cjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (made.status !== 0) process.stderr.write('bundle: no code cache was written; proctriage will start ≈ 20 ms slower\n');
