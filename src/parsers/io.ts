import { ParseError } from '../procfs/errors.js';
import { parseDecimal, parseKeyValueLines } from './keyvalue.js';

/** `/proc/<pid>/io` (needs ptrace read access: another user's process is denied). */
export interface ProcIo {
  readonly rchar: number;
  readonly wchar: number;
  readonly syscr: number;
  readonly syscw: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly cancelledWriteBytes: number;
}

export function parseIo(text: string): ProcIo {
  const kv = parseKeyValueLines(text);
  const get = (key: string) => {
    if (!kv.has(key)) throw new ParseError(`io has no ${key}`);
    return parseDecimal(kv.get(key), `io ${key}`);
  };
  return {
    rchar: get('rchar'),
    wchar: get('wchar'),
    syscr: get('syscr'),
    syscw: get('syscw'),
    readBytes: get('read_bytes'),
    writeBytes: get('write_bytes'),
    cancelledWriteBytes: get('cancelled_write_bytes'),
  };
}
