import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONTENTION_THRESHOLD } from '../diagnose/pressure.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT, reportError } from './errors.js';
import { parseIntervalMs, parsePercent, parsePid, parseSampleCount } from './options.js';

const procRootOption = () => new Option('--proc-root <dir>', 'read /proc from this directory').default('/proc');

/**
 * Commands load their modules only when they run, so `triage` never loads the dashboard
 * libraries: Node's own start-up is most of a one-shot run.
 */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('proctriage');
  // Set before the subcommands are added, so they inherit it: usage errors reach main() as exceptions.
  program.exitOverride();
  program.configureOutput({ writeErr: (str) => process.stderr.write(str) });
  program
    .description('Why is this process slow or stuck? Reads /proc only: no tracing, no kernel module, never writes or signals.')
    .version(TOOL_VERSION, '-V, --version')
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  proctriage triage $$                      why is my shell waiting? (it waits for proctriage)
  proctriage triage 1234 --interval 2000    measure rates over 2 s
  proctriage triage 1234 --json | jq .verdict
  proctriage capture 1234 -o /tmp/cap --samples 5
  proctriage triage --replay fixtures/epoll-idle-node

Exit codes: 0 report printed, 2 bad usage, 3 no such process / it exited, 4 unusable capture, 70 internal error.`,
    );

  program
    .command('triage')
    .description('walk the diagnostic tree for one process and print the report')
    .argument('[pid]', 'process id', parsePid)
    .option('--replay <dir>', 'diagnose a capture instead of a live process')
    .addOption(new Option('--interval <ms>', 'time between the two samples rates come from').argParser(parseIntervalMs).default(1000))
    .addOption(new Option('--threshold <percent>', 'PSI some avg10 above this is contention').argParser(parsePercent).default(DEFAULT_CONTENTION_THRESHOLD))
    .option('--json', 'print one JSON object (schema in the README)', false)
    .option('--all', 'list every thread, not the first 40', false)
    .option('-v, --verbose', 'show all evidence of every step', false)
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
Examples:
  proctriage triage $$
  proctriage triage 1234 --interval 500 --threshold 20
  proctriage triage 1234 --json
  proctriage triage --replay fixtures/waitpid-parent`,
    )
    .action(async (pid: number | undefined, opts) => {
      const { runTriage } = await import('./triage.js');
      setExit(await runTriage(pid, opts));
    });

  program
    .command('capture')
    .description("snapshot a process's /proc files into a directory, for replay and bug reports")
    .argument('<pid>', 'process id', parsePid)
    .requiredOption('-o, --output <dir>', 'directory to create (must not exist or be empty)')
    .addOption(new Option('--samples <n>', 'number of samples').argParser(parseSampleCount).default(2))
    .addOption(new Option('--interval <ms>', 'time between samples').argParser(parseIntervalMs).default(1000))
    .option('--include-cmdline', 'keep the full command line (may hold secrets); by default only the program name', false)
    .option('--scenario <text>', 'a note stored in meta.json')
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
The capture holds raw /proc text laid out like /proc (fd/N as symlinks, never followed on replay),
meta.json and errors.json per sample. It never holds environ; cmdline is the program name only
unless --include-cmdline. Socket addresses are kept: they are part of the diagnosis.

Examples:
  proctriage capture 1234 -o /tmp/cap
  proctriage capture 1234 -o /tmp/cap --samples 10 --interval 500
  proctriage triage --replay /tmp/cap`,
    )
    .action(async (pid: number, opts) => {
      const { runCapture } = await import('./capture.js');
      setExit(await runCapture(pid, opts));
    });

  program
    .command('attach')
    .description('open the live dashboard on a process: what each thread waits on, PSI, the decision tree')
    .argument('<pid>', 'process id', parsePid)
    .addOption(new Option('--interval <ms>', 'time between samples (one sample and one redraw each)').argParser(parseIntervalMs).default(1000))
    .addOption(new Option('--threshold <percent>', 'PSI some avg10 above this is contention').argParser(parsePercent).default(DEFAULT_CONTENTION_THRESHOLD))
    .option('--capture-dir <dir>', 'where the c key writes captures (falls back to the temp dir if not writable)', process.cwd())
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
Keys: q quit · ? help · ↑↓/j k select · Enter thread detail · s sort · g group · t tree · p pause · c capture.
Needs a terminal; for a report in a pipe or a script use \`proctriage triage PID\`.

Examples:
  proctriage attach 1234
  proctriage attach 1234 --interval 500 --threshold 20
  proctriage attach $(pgrep -o nginx)`,
    )
    .action(async (pid: number, opts) => {
      const { runAttach } = await import('./attach.js');
      setExit(await runAttach(pid, opts));
    });

  program
    .command('replay')
    .description('open the dashboard on a capture and step through its samples (← →)')
    .argument('<dir>', 'capture directory (from `proctriage capture` or the c key)')
    .addOption(new Option('--interval <ms>', 'time between samples when playing (p)').argParser(parseIntervalMs).default(1000))
    .addOption(new Option('--threshold <percent>', 'PSI some avg10 above this is contention').argParser(parsePercent).default(DEFAULT_CONTENTION_THRESHOLD))
    .addOption(new Option('--sample <n>', 'open on sample n (1-based; default: the last)').argParser(parseSampleCount))
    .addHelpText(
      'after',
      `
Keys: ← → step · p play · q quit · ? help · ↑↓/j k select · Enter thread detail · s sort · g group · t tree.
Needs a terminal; for a report use \`proctriage triage --replay DIR\`.

Examples:
  proctriage replay /tmp/cap
  proctriage replay fixtures/waitpid-parent --sample 1`,
    )
    .action(async (dir: string, opts) => {
      const { runReplay } = await import('./replay.js');
      setExit(await runReplay(dir, opts));
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      code = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      code = reportError(err, program.opts().debug === true, (s) => process.stderr.write(s));
    }
  }
  process.exitCode = code;
}
