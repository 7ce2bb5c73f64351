import { tmpdir } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONTENTION_THRESHOLD } from '../diagnose/threshold.js';
import { TOOL_VERSION } from '../version.js';
import { writeFailure } from '../capture/partial.js';
import { EXIT, printError, reported, reportError } from './errors.js';
import { refuseWith } from './refuse.js';
import { parseDurationSeconds, parseHz, parseIntervalMs, parsePercent, parsePid, parsePidList, parsePositiveInt, parsePositiveNumber, parseSampleCount, parseSampleIndex } from './options.js';
import { collectPids, DEFAULT_LISTEN, parseCgroupPath, parseListen, parseRegex } from './serve-options.js';
import { CONDITION_FORMS } from '../watch/conditions.js';
import { collectCondition, parseByteSize, parseSeconds } from '../watch/options.js';

const CONDITION_MEANINGS = [
  'PSI average over a window, in %',
  'PSI stall time rising faster than a rate',
  'a thread in state L [held longer than N]',
  'at least N threads in a wait kind',
  'process CPU, % of one core',
] as const;

const thresholdOption = () =>
  new Option('--threshold <percent>', 'PSI some avg10 above this is contention').argParser(parsePercent).default(DEFAULT_CONTENTION_THRESHOLD);
const procRootOption = () => new Option('--proc-root <dir>', 'read /proc from this directory').default('/proc');

/**
 * Commands load their modules only when they run, so `triage` never loads the dashboard
 * libraries: Node's own start-up is most of a one-shot run.
 */
/** What the launcher (bin/proctriage) knows that the bundle does not: where its helper scripts are. */
export interface Runtime {
  /** Script of the worker thread that shares a one-shot machine sample; absent when run from source. */
  readonly sampleWorker?: string;
}

/**
 * `onUsageError`: commander's usage errors (unknown option, bad argument) go there, as the text
 * of their one line; main() prints them like every other error.
 */
export function buildProgram(setExit: (code: number) => void, runtime: Runtime = {}, onUsageError: (message: string) => void = () => {}): Command {
  const program = new Command('proctriage');
  // Set before the subcommands are added, so they inherit it: usage errors reach main() as exceptions.
  program.exitOverride();
  // Usage errors are one line like every other error: `proctriage: <what> (see --help)`.
  program.configureOutput({
    writeErr: (str) => process.stderr.write(str),
    outputError: (str) => onUsageError(`${str.trim().replace(/^error: /, '')} (see --help)`),
  });
  program
    .description('Why is this process slow or stuck? Reads /proc only: no tracing, no kernel module, never writes or signals.')
    .version(TOOL_VERSION, '-V, --version')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText(
      'after',
      `
Examples:
  proctriage triage $$                      why is my shell waiting? (it waits for proctriage)
  proctriage triage 1234 --interval 2000    measure rates over 2 s
  proctriage triage 1234 --json | jq .verdict
  proctriage capture 1234 -o /tmp/cap --samples 5
  proctriage triage --replay fixtures/epoll-idle-node
  proctriage watch 1234 --when 'state:D>500ms' --capture /tmp/w

Exit codes: 0 report printed, 2 bad usage, 3 no such process / it exited, 4 unusable capture, 5 the dashboard needs a terminal, 70 internal error, 74 the output or a capture could not be written.`,
    );

  program
    .command('triage')
    .description('walk the diagnostic tree for one process and print the report')
    .argument('[pid]', 'process id', parsePid)
    .option('--replay <dir>', 'diagnose a capture instead of a live process (a machine capture: list its processes)')
    .addOption(new Option('--pid <pid>', 'with --replay of a machine capture: the process to diagnose').argParser(parsePid))
    .addOption(new Option('--sample <n>', 'with --replay: diagnose sample n (1-based; default: the trigger sample of a watch capture, else the last)').argParser(parseSampleIndex))
    .addOption(new Option('--interval <ms>', 'time between the two samples rates come from').argParser(parseIntervalMs).default(1000))
    .addOption(thresholdOption())
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
  proctriage triage --replay fixtures/waitpid-parent
  proctriage triage --replay /tmp/machine-cap              the processes a machine capture holds
  proctriage triage --replay /tmp/machine-cap --pid 1234   one of them, diagnosed`,
    )
    .action(async (pid: number | undefined, opts, cmd: Command) => {
      refuseWith(cmd, 'replay', ['interval', 'procRoot']);
      const { runTriage } = await import('./triage.js');
      setExit(await runTriage(pid, opts));
    });

  program
    .command('capture')
    .description("snapshot a process's /proc files into a directory, for replay and bug reports")
    .argument('<pid>', 'process id', parsePid)
    .requiredOption('-o, --output <dir>', 'directory to create (must not exist or be empty; its parent must exist)')
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
    .command('watch')
    .description('flight recorder: sample continuously and write a capture when a condition holds')
    .argument('[pid]', 'process to sample each tick (without one: the whole machine)', parsePid)
    .addOption(new Option('--when <cond>', 'trigger condition; repeat for "any of"').argParser(collectCondition).makeOptionMandatory())
    .requiredOption('--capture <dir>', 'captures are written to DIR/0001, DIR/0002, …')
    .addOption(new Option('--interval <ms>', 'time between samples').argParser(parseIntervalMs).default(1000))
    .addOption(new Option('--before <s>', 'seconds of samples kept from before the trigger').argParser(parseSeconds('--before', 3600)).default(10))
    .addOption(new Option('--after <s>', 'seconds of samples taken after the trigger').argParser(parseSeconds('--after', 3600)).default(5))
    .addOption(new Option('--cooldown <s>', 'seconds after a trigger before another may fire').argParser(parseSeconds('--cooldown', 86400)).default(60))
    .addOption(new Option('--max-captures <n>', 'keep at most n captures of this run; the oldest is deleted').argParser(parsePositiveInt('--max-captures', 1, 10_000)).default(20))
    .addOption(new Option('--max-bytes <size>', 'keep the captures of this run under this size on disk; the oldest are deleted').argParser(parseByteSize).default(1024 * 1024 * 1024, '1G'))
    .addOption(new Option('--listen <addr>', 'serve the captures as Prometheus metrics here (HOST:PORT, [IPv6]:PORT, :PORT; e.g. 127.0.0.1:9809)').argParser(parseListen))
    .option('--expose-paths', "with --listen: name the newest capture's directory in a label", false)
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
Conditions (OP is > or >=; several --when = any):
${CONDITION_FORMS.map((form, i) => `  ${form.padEnd(60)}${CONDITION_MEANINGS[i]}`).join('\n')}
With a PID, each sample is a full sample of that process (as triage reads it). Without one,
each sample is the machine: PSI and every thread's state and wait; state: and threads: then
look at every thread, and from the trigger on the process they point at is sampled in full.
cpu needs a PID. Captures are written in the background while sampling goes on; one line
per capture on stdout once it is on disk, a line on stderr for one that could not be written;
a heartbeat on a terminal only. On start, partial captures a killed proctriage left in DIR are
removed. Stops on SIGINT/SIGTERM (a capture in progress is written with the samples it has).

Examples:
  proctriage watch 1234 --when 'state:D>500ms' --capture /tmp/w
  proctriage watch 1234 --when 'threads:futex>=30' --when 'cpu>90' --capture /tmp/w --cooldown 300
  proctriage watch --when 'psi:io.full.avg10>20' --when 'psi:memory.some.total>100ms/s' --capture /tmp/w
  proctriage watch --when 'state:D>2s' --capture /tmp/w         any thread of the machine
  proctriage watch --when 'state:D>2s' --capture /var/lib/proctriage --listen 127.0.0.1:9809
                                                proctriage_watch_captures_total{condition} for Prometheus
  proctriage triage --replay /tmp/w/0001        the diagnosis at the trigger sample`,
    )
    .action(async (pid: number | undefined, opts) => {
      const { runWatchCommand } = await import('./watch.js');
      setExit(await runWatchCommand(pid, opts, process.argv.slice(2)));
    });

  program
    .command('attach')
    .description('open the live dashboard on a process: what each thread waits on, PSI, the decision tree')
    .argument('<pid>', 'process id', parsePid)
    .addOption(new Option('--interval <ms>', 'time between samples (one sample and one redraw each)').argParser(parseIntervalMs).default(1000))
    .addOption(thresholdOption())
    .option('--capture-dir <dir>', 'where the c key writes captures (default: the temp dir)', tmpdir())
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
      const code = await runAttach(pid, opts);
      setExit(code === 'back' ? 0 : code);
    });

  program
    .command('replay')
    .description('open the dashboard on a capture and step through its samples (← →); a machine capture opens in the top view')
    .argument('<dir>', 'capture directory (from `proctriage capture`, the c key, `sample --capture` or `watch`)')
    .addOption(new Option('--interval <ms>', 'time between samples when playing (p)').argParser(parseIntervalMs).default(1000))
    .addOption(thresholdOption())
    .addOption(new Option('--sample <n>', 'open on sample n (1-based; default: the trigger sample of a watch capture, else the last)').argParser(parseSampleIndex))
    .addHelpText(
      'after',
      `
Keys: ← → step · p play · q quit · ? help · ↑↓/j k select · Enter thread detail · s sort · g group · t tree.
Needs a terminal; for a report use \`proctriage triage --replay DIR\`.

Examples:
  proctriage replay /tmp/cap
  proctriage replay fixtures/waitpid-parent --sample 1
  proctriage replay /tmp/machine-cap          a machine capture, in the top view`,
    )
    .action(async (dir: string, opts) => {
      const { runReplay } = await import('./replay.js');
      setExit(await runReplay(dir, opts));
    });

  program
    .command('top')
    .description('the whole machine: every thread sampled, grouped by what it waits on (average active threads)')
    .option('--once', 'print one sample of the whole machine, grouped, and exit', false)
    .option('--json', 'with --once: one JSON object with every thread and the groups', false)
    .option('--all', 'with --once: every group, idle kernel threads too', false)
    .option('--replay <dir>', 'show a machine capture (sample --capture, watch) instead of the live machine; ← → step')
    .addOption(new Option('--hz <n>', 'samples per second (default: as fast as --budget allows)').argParser(parseHz))
    .addOption(new Option('--budget <percent>', 'CPU budget for sampling, % of one core').argParser(parsePercent).default(10))
    .addOption(thresholdOption())
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
Keys: q quit · ? help · ↑↓/j k select · Enter a group's processes, then Enter attach (q or Esc there
comes back here, Q quits) · Esc back · p pause; with --replay ← → step and p plays.
Without a terminal, use --once (one sample) or \`proctriage sample\` (a window).

Examples:
  proctriage top
  proctriage top --hz 5
  proctriage top --once
  proctriage top --once --json | jq '.groups[0]'
  proctriage top --replay /tmp/machine-cap`,
    )
    .action(async (opts, cmd: Command) => {
      refuseWith(cmd, 'replay', ['hz', 'budget', 'once', 'json', 'all', 'procRoot']);
      refuseWith(cmd, 'once', ['hz', 'budget']);
      const { runTop } = await import('./top.js');
      setExit(await runTop({ ...opts, sampleWorker: runtime.sampleWorker }));
    });

  program
    .command('sample')
    .description('sample every thread of the machine for a while and print the distribution of waits')
    .addOption(new Option('--hz <n>', 'samples per second').argParser(parseHz).default(10))
    .addOption(new Option('--duration <s>', 'seconds to sample').argParser(parseDurationSeconds).default(1))
    .option('--json', 'print one JSON object: the groups with average active threads', false)
    .option('--all', 'every group, idle kernel threads too', false)
    .option('--capture <dir>', 'also record the samples as a machine capture (meta scope "machine")')
    .option('--replay <dir>', 'the distribution over the samples of a machine capture instead of sampling')
    .addOption(new Option('--pids <list>', 'only these processes (comma-separated)').argParser(parsePidList))
    .addOption(procRootOption())
    .addHelpText(
      'after',
      `
Average active threads of a group = the sum over samples of its threads / the number of samples.

Examples:
  proctriage sample
  proctriage sample --hz 20 --duration 5
  proctriage sample --json | jq '.groups[:5]'
  proctriage sample --duration 3 --capture /tmp/machine-cap
  proctriage sample --replay /tmp/machine-cap --json`,
    )
    .action(async (opts, cmd: Command) => {
      refuseWith(cmd, 'replay', ['hz', 'duration', 'capture', 'pids', 'procRoot']);
      const { runSample } = await import('./sample.js');
      setExit(await runSample(opts));
    });

  program
    .command('serve')
    .description('a Prometheus exporter: what every thread waits on, PSI, accept queues and verdicts, on /metrics')
    .addOption(new Option('--listen <addr>', 'HOST:PORT, [IPv6]:PORT or :PORT for every interface; port 0 picks a free one').argParser(parseListen).default(parseListen(DEFAULT_LISTEN), DEFAULT_LISTEN))
    .addOption(new Option('--hz <n>', 'samples per second (default: as fast as --budget allows, from 1 to 10)').argParser(parseHz))
    .addOption(new Option('--budget <percent>', 'CPU budget of sampling, % of one core').argParser(parsePercent).default(2))
    .addOption(new Option('--window <s>', 'seconds of samples the averages are over (set it to your scrape interval)').argParser(parsePositiveNumber('--window', 1, 300)).default(15))
    .addOption(new Option('--pid <pids>', 'give these processes a verdict (repeatable, comma-separated)').argParser(collectPids))
    .addOption(new Option('--comm <regex>', 'give the processes whose comm matches a verdict').argParser(parseRegex))
    .addOption(new Option('--cgroup <path>', 'give the processes of this cgroup and those below it a verdict').argParser(parseCgroupPath))
    .addOption(new Option('--max-targets <n>', 'processes given a verdict at most (lowest pids first)').argParser(parsePositiveInt('--max-targets', 1, 100)).default(16))
    .addOption(new Option('--verdict-interval <s>', 'seconds between two verdicts of a target (its rates are over this)').argParser(parsePositiveNumber('--verdict-interval', 1, 3600)).default(10))
    .addOption(new Option('--max-groups <n>', 'process groups named in the wait metrics; the rest are summed as "(other)"').argParser(parsePositiveInt('--max-groups', 1, 1000)).default(30))
    .option('--expose-addresses', 'label listening sockets with their local address, not only the port', false)
    .addOption(thresholdOption())
    .addOption(procRootOption())
    .option('--cgroup-root <dir>', "the cgroup v2 mount (default: from /proc/self/mountinfo; in a container, the host's: /host/sys/fs/cgroup)")
    .addHelpText(
      'after',
      `
Serves the last window of samples: a scrape never samples. Binds 127.0.0.1 unless --listen says
otherwise; exposes no command line, path or socket address (--expose-addresses adds listening
addresses). Metrics, labels and alert rules: README "On a fleet". Stops on SIGTERM or SIGINT.

Examples:
  proctriage serve                                    http://127.0.0.1:9808/metrics
  proctriage serve --listen :9808 --hz 1              every interface, one sample a second
  proctriage serve --comm '^(nginx|postgres)$' --pid 1234
  proctriage serve --proc-root /host/proc --cgroup-root /host/sys/fs/cgroup   in a container
  curl -s localhost:9808/metrics | grep proctriage_average_active_threads`,
    )
    .action(async (opts) => {
      const { runServe } = await import('./serve.js');
      setExit(await runServe(opts));
    });

  return program;
}

/** True when argv names no command and does not ask for help or the version. */
function lacksCommand(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const hasCommand = args.some((a) => !a.startsWith('-'));
  const asksForInfo = args.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version');
  return !hasCommand && !asksForInfo;
}

/**
 * With no command at all, the main job: `top` on a terminal, else `sample` for 1 s.
 * argv is node's (`node`, script, args…); options before a command (`--debug`) are kept.
 */
export function withDefaultCommand(argv: readonly string[]): string[] {
  if (!lacksCommand(argv)) return [...argv];
  return [...argv, stdinAndStdoutAreTerminals() ? 'top' : 'sample'];
}

/**
 * Asked only when no command is given: touching process.stdin builds a stream (and loads
 * node:net and fs streams), ≈ 4 ms of a one-shot command's start-up.
 */
function stdinAndStdoutAreTerminals(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/**
 * `proctriage … | head` closes the pipe early: that is the reader's choice, not an error. Any
 * other failure to write the output (a full disk, an I/O error) is one line on stderr, exit 74.
 */
function watchStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    process.stderr.write(`proctriage: cannot write the output: ${writeFailure(err)}\n`);
    process.exit(EXIT.cannotWrite);
  });
}

/** Whether the command was asked for JSON: its errors then also go to stdout as one JSON object. */
function wantsJson(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

export async function main(argv: readonly string[], runtime: Runtime = {}): Promise<void> {
  watchStdout();
  let code: number = EXIT.ok;
  let usageError: string | null = null;
  const program = buildProgram((c) => (code = c), runtime, (message) => (usageError = message));
  const options = { json: wantsJson(argv), stderr: (s: string) => process.stderr.write(s), stdout: (s: string) => process.stdout.write(s) };
  try {
    await program.parseAsync(withDefaultCommand(argv));
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0.
      code = err.exitCode === 0 ? EXIT.ok : printError(reported(usageError ?? err.message, EXIT.usage), options);
    } else {
      code = reportError(err, { ...options, debug: program.opts().debug === true });
    }
  }
  process.exitCode = code;
}
