import fc from 'fast-check';

/** Values a kernel counter takes that a JS number holds exactly; small ones are likelier. */
export const counter = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat());

/** A u64 register value, any of the 2^64. */
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** `%0<width>X` / `%0<width>x`. */
export function hex(value: number | bigint, width = 0, upper = false): string {
  const text = value.toString(16).padStart(width, '0');
  return upper ? text.toUpperCase() : text;
}

/** The byte runs a task's comm is made of: ASCII, the characters that fool parsers, UTF-8. */
const commPiece = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
  fc.constantFrom(' ', '(', ')', ') (', '\n', '\t', '\\', ') R 1 2 (', ':', 'é', '€', '𝄞', '日本'),
);

/**
 * The raw bytes of a comm: prctl(PR_SET_NAME) keeps the first 15 bytes (we allow 16), so a
 * multi-byte character may be cut in the middle. Never a NUL (it ends the C string).
 */
export const commBytes = fc
  .tuple(fc.array(commPiece, { maxLength: 8 }), fc.integer({ min: 0, max: 16 }))
  .map(([pieces, length]) => Buffer.from(pieces.join(''), 'utf8').subarray(0, length))
  .filter((bytes) => !bytes.includes(0));

/** Bytes as we read them: decoded as UTF-8 (an invalid or cut sequence becomes U+FFFD). */
export function asRead(...parts: (string | Uint8Array)[]): string {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8');
}
