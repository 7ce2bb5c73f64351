/**
 * JSON as `JSON.stringify(value, null, 2)` writes it, but written piece by piece: a diagnosis of
 * a 10,000-thread process is tens of megabytes of text, and one string that size costs its size
 * twice over in memory. Arrays are written an element at a time, objects a member at a time.
 */
export function writeJson(value: unknown, write: (chunk: string) => void, indent = ''): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return write('[]');
    const inner = `${indent}  `;
    write('[\n');
    value.forEach((item, i) => {
      write(inner);
      writeJson(item === undefined || typeof item === 'function' ? null : item, write, inner);
      write(i < value.length - 1 ? ',\n' : '\n');
    });
    return write(`${indent}]`);
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    if (entries.length === 0) return write('{}');
    const inner = `${indent}  `;
    write('{\n');
    entries.forEach(([key, v], i) => {
      write(`${inner}${JSON.stringify(key)}: `);
      writeJson(v, write, inner);
      write(i < entries.length - 1 ? ',\n' : '\n');
    });
    return write(`${indent}}`);
  }
  write(JSON.stringify(value, null, 2)?.replaceAll('\n', `\n${indent}`) ?? 'null');
}

/** A writer that hands `sink` pieces of about `size` characters: few writes, bounded memory. */
export function batched(sink: (chunk: string) => void, size = 256 * 1024): { write: (chunk: string) => void; flush: () => void } {
  let parts: string[] = [];
  let length = 0;
  const flush = () => {
    if (length === 0) return;
    sink(parts.join(''));
    parts = [];
    length = 0;
  };
  return {
    write: (chunk) => {
      parts.push(chunk);
      length += chunk.length;
      if (length >= size) flush();
    },
    flush,
  };
}
