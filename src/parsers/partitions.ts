import { ParseError } from '../procfs/errors.js';

/**
 * `/proc/partitions` (block/genhd.c show_partition): a header `major minor  #blocks  name`, a
 * blank line, then one row per disk and partition. Gives `MAJ:MIN` → name (`254:0` → `vda`),
 * to name the devices of cgroup io limits.
 */
export function parsePartitions(text: string): Map<string, string> {
  const names = new Map<string, string>();
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const fields = rows[i]!.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    if (i === 0 && fields[0] === 'major') continue;
    const [major, minor, blocks, name] = fields;
    if (fields.length !== 4 || !/^\d+$/.test(major!) || !/^\d+$/.test(minor!) || !/^\d+$/.test(blocks!)) {
      throw new ParseError(`expected "major minor #blocks name", got ${JSON.stringify(rows[i]!.slice(0, 60))}`, i + 1);
    }
    names.set(`${major}:${minor}`, name!);
  }
  return names;
}
