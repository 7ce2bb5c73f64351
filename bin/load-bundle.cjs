'use strict';
// Loads a bundle of dist/bundle/ (proctriage.cjs, sample-worker.cjs) with the V8 code cache
// written beside it at build time (scripts/bundle.mjs). V8 checks a cache against the
// source's length only, so each cache records the size and mtime of the bundle it was made
// from, and a cache made for another bundle is never offered to V8.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const DIR = path.join(__dirname, '..', 'dist', 'bundle');
const HEADER = 64;

function paths(name) {
  return { bundle: path.join(DIR, `${name}.cjs`), cache: path.join(DIR, `${name}.cache`) };
}

function readCache(file, stamp) {
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER || data.subarray(0, HEADER).toString('latin1').trimEnd() !== stamp) return undefined;
  return data.subarray(HEADER);
}

/** { exports, script, stamp, cacheRejected }; `useCache: false` compiles from source (to make the cache). */
function loadBundle(name, { useCache = true } = {}) {
  const { bundle, cache } = paths(name);
  const source = fs.readFileSync(bundle, 'utf8');
  const stat = fs.statSync(bundle);
  const stamp = `${stat.size}:${Math.round(stat.mtimeMs)}`;
  const cachedData = useCache ? readCache(cache, stamp) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, DIR);
  return { name, exports: module.exports, script, stamp, cacheRejected: cachedData === undefined || script.cachedDataRejected === true };
}

function writeCache(loaded) {
  const header = Buffer.alloc(HEADER, ' ');
  header.write(loaded.stamp, 'latin1');
  fs.writeFileSync(paths(loaded.name).cache, Buffer.concat([header, loaded.script.createCachedData()]));
}

module.exports = { loadBundle, writeCache };
