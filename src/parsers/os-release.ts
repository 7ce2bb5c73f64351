import { ParseError } from '../procfs/errors.js';

/**
 * `/etc/os-release` (os-release(5)): `KEY=value` lines, the value bare or in single or double
 * quotes with shell-style backslash escapes; `#` starts a comment line.
 */
export function parseOsRelease(text: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new ParseError(`expected KEY=value, got ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) {
    const inner = raw.slice(1, -1);
    return q === '"' ? inner.replace(/\\([\\$"`])/g, '$1') : inner;
  }
  return raw;
}
