import fc from 'fast-check';
import { ParseError } from '../../../src/procfs/errors.js';

/**
 * Runs per property: enough to find shape bugs, small enough for a 2-core CI machine.
 * `PROCTRIAGE_FUZZ_RUNS=20000 npx vitest run test/parsers` digs deeper by hand.
 */
export const RUNS = Number(process.env.PROCTRIAGE_FUZZ_RUNS) || 300;

/**
 * Parse `text`; a parser may only throw ParseError. Returns the value, or undefined when
 * the parser refused the text. Any other throw fails the property with the input shown.
 */
export function parseOrRefuse<T>(parse: (text: string) => T, text: string): T | undefined {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw new Error(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not a ParseError`);
  }
}

/** Every number in a parsed record is a number (NaN would slip silently into a diagnosis). */
export function findNaN(value: unknown, path = '$'): string | null {
  if (typeof value === 'number') return Number.isNaN(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const hit = findNaN(inner, `${path}.${key}`);
    if (hit) return hit;
  }
  return null;
}

const PROC_CHARS = [...'0123456789abcdefABCDEFx -+:()[]<>/.,=@\t\n\\'];

/** Short runs of the characters /proc files are made of, with some arbitrary code points. */
const procish = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...PROC_CHARS), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('-1', '0x', 'unlimited', 'running', '18446744073709551615', '99999999999999999999999', '(', ')', '\n\n') },
);

/** Any text, from any code points. */
export const anyText = fc.string({ unit: 'binary', maxLength: 400 });

/** Any bytes, decoded as we decode what we read from /proc. */
export const anyBytesAsText = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8'));

/** Text made of /proc characters only: reaches further into a parser than random code points. */
export const procishText = fc.array(procish, { maxLength: 40 }).map((parts) => parts.join(''));

/**
 * A real sample with a few random edits (insert, delete, replace a span; cut the tail):
 * text that is almost right is what finds the holes in a parser.
 */
export function mutatedFrom(samples: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: procish });
  return fc
    .record({ base: fc.constantFrom(...samples), edits: fc.array(edit, { minLength: 1, maxLength: 4 }), cut: fc.option(fc.nat()) })
    .map(({ base, edits, cut }) => {
      let text = base;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
      }
      return cut === null ? text : text.slice(0, cut % (text.length + 1));
    });
}
