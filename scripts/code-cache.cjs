'use strict';
// Run by scripts/bundle.mjs with stdout to /dev/null: loads each bundle from source, runs
// what a one-shot command runs (so V8 has compiled those functions too), then writes the code
// caches. Everything these runs do is read-only.
const { loadBundle, writeCache } = require('../bin/load-bundle.cjs');

const WARM_UP = [['--version'], ['top', '--once', '--json'], ['triage', String(process.pid), '--json']];

async function main() {
  const cli = loadBundle('proctriage', { useCache: false });
  for (const args of WARM_UP) await cli.exports.main([process.execPath, 'proctriage', ...args]);
  process.exitCode = 0;
  writeCache(cli);

  const worker = loadBundle('sample-worker', { useCache: false });
  const tasks = [{ pid: process.pid, tids: [process.pid] }];
  worker.exports.runSampleWorker({ procRoot: '/proc', tasks, control: new SharedArrayBuffer(8) }, () => {});
  writeCache(worker);
}
main().catch((err) => {
  process.stderr.write(`code-cache: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
