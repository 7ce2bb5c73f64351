'use strict';
// Loads a bundle of dist/bundle/ (proctriage.cjs, sample-worker.cjs) with the V8 code cache
// written beside it at build time (scripts/bundle.mjs). V8 checks a cache against the
// source's length only, so each cache records the build id on the bundle's first line
// (`// proctriage-build <id>`), and a cache made for another bundle is never offered to V8.
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

/** { exports, script, stamp }; `useCache: false` compiles from source (to make the cache). */
function loadBundle(name, { useCache = true } = {}) {
  const { bundle, cache } = paths(name);
  const source = fs.readFileSync(bundle, 'utf8');
  const stamp = /^\/\/ proctriage-build (\S+)/.exec(source)?.[1] ?? '';
  const cachedData = useCache && stamp !== '' ? readCache(cache, stamp) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, DIR);
  return { name, exports: module.exports, script, stamp };
}

function writeCache(loaded) {
  const header = Buffer.alloc(HEADER, ' ');
  header.write(loaded.stamp, 'latin1');
  fs.writeFileSync(paths(loaded.name).cache, Buffer.concat([header, loaded.script.createCachedData()]));
}

module.exports = { loadBundle, writeCache };
