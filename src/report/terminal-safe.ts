/**
 * Text from /proc or a capture is hostile: a process may name itself (comm) or open a file
 * whose name holds escape sequences that retitle, clear or rewrite the terminal, or a newline
 * that forges a line of the report. Before a diagnosis is printed for a person, every control
 * character in its data is shown as a visible `\xNN` escape. JSON output needs none of this:
 * JSON.stringify escapes control characters itself.
 */

/** C0 controls (newline and tab included), DEL, and the C1 controls (U+0080–U+009F). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f]/;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A copy of a JSON-like value with every string made terminal-safe. */
export function terminalSafeDeep<T>(value: T): T {
  return safeValue(value) as T;
}

function safeValue(value: unknown): unknown {
  if (typeof value === 'string') return HAS_UNSAFE.test(value) ? terminalSafe(value) : value;
  if (Array.isArray(value)) return value.map(safeValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeValue(v)]));
  }
  return value;
}
