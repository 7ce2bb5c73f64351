#!/usr/bin/env node
// Runs every bench/*.bench.mjs in turn, each in its own Node process so one benchmark's
// heap and JIT state do not colour the next. Timed runs drop NODE_EXTRA_CA_CERTS, which
// adds ~45 ms to every Node start on these machines.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !only || f.includes(only))
  .sort();
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, [join(here, f)], { stdio: 'inherit', env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
