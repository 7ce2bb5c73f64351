import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ReadError, ReadResult } from '../../src/procfs/errors.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proctriage-procfs-'));
  made.push(dir);
  return dir;
}

/** Lay out files (string content) and symlinks ({ link }) under `root`; a trailing `/` makes a directory. */
export function layout(root: string, entries: Record<string, string | { link: string }>): string {
  for (const [path, what] of Object.entries(entries)) {
    const full = join(root, path);
    if (path.endsWith('/')) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof what === 'string') writeFileSync(full, what);
    else symlinkSync(what.link, full);
  }
  return root;
}

export function expectValue<T>(result: ReadResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.kind}: ${result.error.path}: ${result.error.message}`);
  return result.value;
}

export interface WantedError {
  readonly kind?: ReadError['kind'];
  readonly path?: string;
  readonly errno?: string;
  readonly message?: string | RegExp;
}

export function expectError(result: ReadResult<unknown>, want: WantedError): ReadError {
  if (result.ok) throw new Error(`expected an error, got a value: ${JSON.stringify(result.value).slice(0, 200)}`);
  const { message, ...rest } = want;
  expect(result.error).toMatchObject(rest);
  if (message !== undefined) expect(result.error.message).toMatch(message);
  return result.error;
}
