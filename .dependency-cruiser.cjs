/**
 * The layers of ../shared/design.md, lowest first. A module may import its own layer and any
 * layer below it, never one above, and nothing may form a cycle. `npm test` runs this
 * (test/architecture/layers.test.ts); `npx depcruise src` shows the same report.
 */
const LAYERS = [
  // The vocabulary leaf: architecture, kernel versions, wait kinds, syscalls, the wait-site catalog.
  ['kernel', '^src/(kernel/|version\\.ts$)'],
  ['procfs', '^src/procfs/'],
  ['parsers', '^src/parsers/'],
  ['readers', '^src/readers/'],
  ['classify', '^src/classify/'],
  ['sample', '^src/sample/'],
  ['diagnose', '^src/diagnose/'],
  ['capture', '^src/capture/'],
  ['session', '^src/session/'],
  ['watch', '^src/watch/'],
  // The exporter's state: the machine feed's samples aggregated over a window, verdicts of targets.
  ['serve', '^src/serve/'],
  ['report', '^src/report/'],
  ['ui', '^src/(ui|metrics)/'],
  ['cli', '^src/cli/'],
];

const above = (index) => LAYERS.slice(index + 1).map(([, path]) => path);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: break it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map(([name, path], index) => ({
      name: `layer-${name}`,
      severity: 'error',
      comment: `${name} sits below ${LAYERS.slice(index + 1).map(([n]) => n).join(', ')}: it may not import them.`,
      from: { path },
      to: { path: above(index) },
    })),
    {
      name: 'kernel-is-a-leaf',
      severity: 'error',
      comment: 'src/kernel imports nothing of the project but itself.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'parsers-are-pure',
      severity: 'error',
      comment: 'Parsers turn text into records: no file system, no process, no printing.',
      from: { path: '^src/parsers/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'views-never-read-proc',
      severity: 'error',
      comment: 'Reports and screens show what the diagnosis says; they never parse or read /proc.',
      from: { path: '^src/(report|ui|metrics)/' },
      // readers/types.ts is pure data (the snapshot shapes and PSI resource names), which views may name.
      to: { path: '^src/(parsers|readers)/|^src/procfs/procfs\\.ts$', pathNot: '^src/readers/types\\.ts$' },
    },
    {
      name: 'only-cli-hands-off',
      severity: 'error',
      comment: 'Only src/cli starts commands and hands off between them; the UI returns an intent.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
