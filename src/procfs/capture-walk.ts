import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Why a path in a capture could not be resolved. */
export type WalkFailure =
  /** A link on the way is absolute or climbs above the sample directory. */
  | { readonly why: 'outside' }
  /** A component is missing or not a directory, too many links, a name too long, … (the errno). */
  | { readonly why: 'errno'; readonly error: unknown };

export type Walked = { readonly ok: true; readonly dir: string } | ({ readonly ok: false } & WalkFailure);

/** As many links as the kernel follows in one path walk (MAXSYMLINKS). */
const MAX_LINKS = 40;

function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Resolves directories inside a capture's sample directory as the kernel would, but by hand,
 * so that nothing outside the capture is ever looked at: each component is lstat'ed, and a
 * symlink met on the way is read and resolved against the directory holding it, lexically.
 * A link that is absolute or climbs above the sample directory is refused where it is met —
 * its target is never stat'ed, followed or opened. One lstat per component, each directory
 * walked once (results are remembered): a deep path costs as many system calls as it has
 * components, never the square of them.
 */
export class CaptureWalker {
  private readonly known = new Map<string, Walked>();

  /** `top`: the sample directory, an absolute path; nothing above it is reachable. */
  constructor(private readonly top: string) {}

  /** The directory `components` (relative to the sample directory) name, with every link in it resolved. */
  dir(components: readonly string[]): Walked {
    const key = components.join('/');
    let walked = this.known.get(key);
    if (!walked) this.known.set(key, (walked = this.walk(components)));
    return walked;
  }

  private walk(components: readonly string[]): Walked {
    const pending = [...components].reverse();
    let here = '';
    let links = 0;
    try {
      for (;;) {
        const name = pending.pop();
        if (name === undefined) return { ok: true, dir: here === '' ? this.top : join(this.top, here) };
        if (name === '' || name === '.') continue;
        if (name === '..') {
          if (here === '') return { ok: false, why: 'outside' };
          here = here.includes('/') ? here.slice(0, here.lastIndexOf('/')) : '';
          continue;
        }
        const next = here === '' ? name : `${here}/${name}`;
        const st: Stats = lstatSync(join(this.top, next));
        if (st.isSymbolicLink()) {
          if (++links > MAX_LINKS) throw errnoError('ELOOP', 'too many levels of symbolic links');
          const target = readlinkSync(join(this.top, next));
          if (target.startsWith('/')) return { ok: false, why: 'outside' };
          // Resolved against `here`, the directory that holds the link.
          for (const part of target.split('/').reverse()) pending.push(part);
          continue;
        }
        if (!st.isDirectory()) throw errnoError('ENOTDIR', 'not a directory');
        here = next;
      }
    } catch (error) {
      return { ok: false, why: 'errno', error };
    }
  }
}
