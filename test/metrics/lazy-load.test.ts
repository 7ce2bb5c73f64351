import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

/** A preload that names every module the CLI loads by name (not by path), one per line on stderr. */
const dir = mkdtempSync(join(tmpdir(), 'proctriage-lazy-'));
const hook = join(dir, 'hook.cjs');
writeFileSync(
  hook,
  `const Module = require('node:module');
   const load = Module._load;
   Module._load = function (request, ...rest) {
     if (!request.startsWith('.') && !request.startsWith('/')) process.stderr.write('LOADED ' + request + '\\n');
     return load.call(this, request, ...rest);
   };`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaded = (stderr: string) => new Set([...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]));

describe('prom-client loads only for the commands that serve metrics', () => {
  it('top --once --json loads neither prom-client nor node:http', async () => {
    const r = await runCli(['top', '--once', '--json'], { NODE_OPTIONS: `--require ${hook}` });
    expect(r.code).toBe(0);
    const modules = loaded(r.stderr);
    expect(modules.size).toBeGreaterThan(0);
    expect(modules).not.toContain('prom-client');
    expect([...modules].filter((m) => m === 'http' || m === 'node:http')).toEqual([]);
  }, 30_000);

  it('serve loads it (the same hook sees it: a serve that cannot listen has loaded it by then)', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const r = await runCli(['serve', '--listen', `127.0.0.1:${(busy.address() as { port: number }).port}`], { NODE_OPTIONS: `--require ${hook}` });
      expect(r.code).toBe(2);
      expect(loaded(r.stderr)).toContain('prom-client');
    } finally {
      busy.close();
    }
  }, 30_000);
});
