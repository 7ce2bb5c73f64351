import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';

const ROOT = join(import.meta.dirname, '..', '..');
const rules = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: IForbiddenRuleType[]; options: ICruiseOptions };

/** Run the project's rule set on `dir` (relative paths are reported as `src/…`). */
async function violations(baseDir: string): Promise<IViolation[]> {
  const previous = process.cwd();
  process.chdir(baseDir);
  try {
    const result = await cruise(['src'], {
      ...rules.options,
      ruleSet: { forbidden: rules.forbidden },
      validate: true,
      tsConfig: { fileName: join(ROOT, 'tsconfig.json') },
      outputType: 'json',
    });
    const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
    return output.summary.violations as IViolation[];
  } finally {
    process.chdir(previous);
  }
}

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' → ')})` : ''}`;

describe('layers (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('src/ has no import cycle and no import from a lower layer into a higher one', async () => {
    const found = await violations(ROOT);
    expect(found.map(describeViolation)).toEqual([]);
  }, 60_000);

  describe('the rules catch what they forbid', () => {
    const tree = mkdtempSync(join(tmpdir(), 'proctriage-layers-'));
    afterAll(() => rmSync(tree, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    };
    write('src/kernel/kinds.ts', "import { verdict } from '../diagnose/verdict.js';\nexport const kinds = [verdict];\n");
    write('src/diagnose/verdict.ts', "import { kinds } from '../kernel/kinds.js';\nexport const verdict = 'x';\nexport const k = kinds;\n");
    write('src/ui/top.ts', "import { run } from '../cli/run.js';\nexport const top = run;\n");
    write('src/cli/run.ts', "export const run = 1;\n");
    write('src/parsers/stat.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    write('src/report/text.ts', "import { read } from '../parsers/stat.js';\nexport const text = read;\n");

    it('a back-edge, a cycle, a UI hand-off, a parser touching the file system and a view parsing', async () => {
      const names = (await violations(tree)).map((v) => `${v.rule.name} ${v.from}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'layer-kernel src/kernel/kinds.ts',
          'kernel-is-a-leaf src/kernel/kinds.ts',
          'no-circular src/diagnose/verdict.ts',
          'only-cli-hands-off src/ui/top.ts',
          'layer-ui src/ui/top.ts',
          'parsers-are-pure src/parsers/stat.ts',
          'views-never-read-proc src/report/text.ts',
        ]),
      );
    }, 60_000);
  });
});
