import { open, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { Clock } from '../clock/clock.js';
import { SimClock } from '../clock/sim-clock.js';
import { openBackend, type BackendChoice } from '../backends/select.js';
import {
  describeContainerRestartMachine,
  describeImagePullMachine,
  describePodWorkerMachine,
} from '../kubelet/machines/index.js';
import { describeRuntimeMachines } from '../runtime/machines/index.js';
import { formatProblem } from '../scenario/errors.js';
import { loadScenarioFile } from '../scenario/loader.js';
import { loadOrThrow } from '../scenario/run-scenario.js';
import { ScenarioRun } from '../scenario/runner.js';
import type { Scenario } from '../scenario/types.js';
import { TraceBus } from '../trace/bus.js';
import { RECORDING_FORMAT } from '../trace/recording.js';
import type { ScenarioChoice } from '../ui/components/scenario-picker.js';
import { liveSession, type LiveSession } from '../ui/live-session.js';
import { uiMachineDescription } from '../ui/model/describe-adapter.js';
import type { MachineDescriptions } from '../ui/model/view-model.js';
import { runUi } from '../ui/run-ui.js';
import { sessionFromEvents, type UiSession } from '../ui/session.js';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';
import { loadRecordingOrExit } from './replay.js';
import { backendOption, reportLoadError, seedOption } from './run.js';

/** The package root (where scenarios/ is), from dist/cli/ or src/cli/. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The bundled scenarios, numbered in teaching order; the picker lists them. */
export const BUNDLED_SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');

/** One line each (the CLI prefixes `crilab: `). */
export const NOT_A_TERMINAL = 'play needs a terminal (stdout is not a TTY); use `crilab run` for a transcript';
const STDIN_NOT_A_TERMINAL = 'play needs a terminal to read keys from (stdin is not a TTY); use `crilab run` for a transcript';

/** How long the process may linger after the UI has closed everything (real ms). */
const EXIT_GRACE_MS = 2000;

interface PlayOptions {
  backend: BackendChoice;
  seed?: number;
  quiz?: boolean;
}

/** The UI draws and steps; a terminal is needed for both (ink reads keys in raw mode). */
function requireTerminal(): void {
  if (process.stdout.isTTY !== true) throw new CliError(NOT_A_TERMINAL, EXIT_BAD_INPUT);
  if (process.stdin.isTTY !== true) throw new CliError(STDIN_NOT_A_TERMINAL, EXIT_BAD_INPUT);
}

/** Every machine's states and edges, from the definitions that run, for the state-machine view. */
export function machineDescriptions(): MachineDescriptions {
  const runtime = describeRuntimeMachines();
  return {
    'pod-worker': uiMachineDescription(describePodWorkerMachine()),
    'container-restart': uiMachineDescription(describeContainerRestartMachine()),
    'image-pull': uiMachineDescription(describeImagePullMachine()),
    sandbox: uiMachineDescription(runtime.sandbox),
    pause: uiMachineDescription(runtime.pause),
    netns: uiMachineDescription(runtime.netns),
    container: uiMachineDescription(runtime.container),
  };
}

/**
 * Is this file a recording (JSON lines, a header with the recording format first) rather than a
 * scenario? Only the first line is read. A `.jsonl` file counts as one whatever it holds, so
 * that a broken recording is reported as a recording, not as YAML.
 */
export async function isRecordingFile(path: string): Promise<boolean> {
  if (path.endsWith('.jsonl')) return true;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false; // the scenario loader says what is wrong with a missing file
  }
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').trimStart();
    // The header's first key is `format` (recordingToJsonl writes the header object as built).
    return head.startsWith('{') && head.includes(`"${RECORDING_FORMAT.split('/')[0]}`);
  } finally {
    await handle.close();
  }
}

/** A live run of a scenario for the UI: the backend opened, the kubelet started, the clock paused. */
export async function openLiveSession(scenario: Scenario, opts: { backend: BackendChoice; seed?: number | undefined }): Promise<LiveSession> {
  const seed = opts.seed ?? scenario.seed;
  const clock = new SimClock();
  // As `crilab run` does: the trace is stamped with the clock the run goes by, the simulated
  // one or, once a containerd backend is chosen, the real one.
  let timeSource: Pick<Clock, 'now'> = clock;
  const bus = new TraceBus({ now: () => timeSource.now() });
  const { backend } = await openBackend(opts.backend, { scenario, seed, bus, clock });
  timeSource = backend.clock;
  const run = new ScenarioRun({ scenario, backend, bus, seed });
  const session = liveSession({
    run,
    trace: bus,
    backend: backend.kind,
    // Only the simulated clock can wait for the learner; containerd runs in real time.
    clock: backend.clock === clock ? clock : undefined,
    closeBackend: () => backend.close(),
  });
  try {
    await session.start();
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  return session;
}

/** The bundled scenarios as the picker shows them; files that do not load are left out, with a warning. */
export async function bundledScenarioChoices(dir = BUNDLED_SCENARIOS_DIR): Promise<{ choices: (ScenarioChoice & { path: string })[]; warnings: string[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const loaded = await Promise.all(files.map(async (f) => ({ f, res: await loadScenarioFile(join(dir, f)) })));
  const choices: (ScenarioChoice & { path: string })[] = [];
  const warnings: string[] = [];
  for (const { f, res } of loaded) {
    const path = join(dir, f);
    if (res.ok) {
      choices.push({ file: f, title: res.scenario.title, teaches: res.scenario.teaches.trim().replace(/\s+/g, ' '), path });
      continue;
    }
    const first = res.problems[0];
    warnings.push(`skipped ${f}: ${res.problems.length} problem(s)${first ? `, first: ${formatProblem(first)}` : ''}`);
  }
  return { choices, warnings };
}

/** Run the UI, then close whatever session it ended on, and pass its exit code on. */
async function runAndClose(first: UiSession | undefined, opts: Parameters<typeof runUi>[1], opened: () => LiveSession[]): Promise<void> {
  let code = 0;
  try {
    ({ exitCode: code } = await runUi(first, opts));
  } finally {
    await Promise.all(opened().map((s) => s.close().catch(() => undefined)));
  }
  if (code !== 0) process.exitCode = code;
  // The terminal is back and the run is closed. Should anything still hold the event loop (a
  // socket the runtime did not let go), leave anyway: a learner who pressed q wants the shell.
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

/** `crilab play FILE`: a scenario (run live) or a recording (replayed), in the terminal UI. */
export async function play(file: string, opts: PlayOptions): Promise<void> {
  const machines = machineDescriptions();
  if (await isRecordingFile(file)) {
    const recording = await loadRecordingOrExit(file);
    requireTerminal();
    const { header, events } = recording;
    const session = sessionFromEvents(header.scenario.title, header.backend.kind, events);
    await runAndClose(session, { quiz: opts.quiz ?? false, machines }, () => []);
    return;
  }
  const scenario = await loadOrThrow(file).catch(reportLoadError);
  requireTerminal();
  const session = await openLiveSession(scenario, { backend: opts.backend, seed: opts.seed });
  await runAndClose(session, { quiz: opts.quiz ?? false, machines }, () => [session]);
}

/**
 * `crilab` with no arguments: the scenario picker over the bundled scenarios, the first one
 * highlighted, so that enter starts the first pod. A workshop attendee sees at once what there
 * is to learn, in teaching order, and is one key away from the first scenario.
 */
export async function playPicker(opts: PlayOptions = { backend: 'sim' }): Promise<void> {
  const machines = machineDescriptions();
  const { choices, warnings } = await bundledScenarioChoices();
  requireTerminal();
  let current: LiveSession | undefined;
  const openChoice = async (choice: ScenarioChoice): Promise<UiSession> => {
    const path = choices.find((c) => c.file === choice.file)?.path ?? join(BUNDLED_SCENARIOS_DIR, choice.file);
    const res = await loadScenarioFile(path);
    if (!res.ok) throw new Error(`${basename(path)} has ${res.problems.length} problem(s); run \`crilab run ${relative(process.cwd(), path)}\` to see them`);
    const previous = current;
    current = undefined;
    await previous?.close();
    current = await openLiveSession(res.scenario, { backend: opts.backend, seed: opts.seed });
    return current;
  };
  await runAndClose(
    undefined,
    {
      quiz: opts.quiz ?? false,
      machines,
      scenarios: choices,
      openScenario: openChoice,
      ...(warnings.length > 0 ? { notice: `skipped ${warnings.length} scenario(s) that do not load (listed when you quit)` } : {}),
    },
    () => (current ? [current] : []),
  );
  // The warnings were drawn over by the UI's alternate screen: say them again where they stay.
  for (const w of warnings) process.stderr.write(`crilab: ${w}\n`);
}

/**
 * `crilab` with no subcommand opens the picker. A word that is not a command is still an
 * unknown command (with commander's "did you mean"), not a file to play.
 */
export function playByDefault(program: Command): void {
  program.allowExcessArguments().action(async () => {
    const [word] = program.args;
    if (word !== undefined) {
      const cmd = program as unknown as { unknownCommand?: () => never };
      if (typeof cmd.unknownCommand === 'function') cmd.unknownCommand();
      program.error(`error: unknown command '${word}'`, { code: 'commander.unknownCommand' });
    }
    await playPicker();
  });
}

export function playCommand(): Command {
  return new Command('play')
    .description('open the terminal UI on a scenario (run live, step by step) or a recording (replayed)')
    .argument('<scenario-or-recording>', 'a scenario file (e.g. scenarios/01-first-pod.yaml) or a recording from `crilab record`')
    .addOption(backendOption())
    .addOption(seedOption())
    .addOption(new Option('--quiz', 'workshop quiz: guess each lifecycle CRI call before it is revealed'))
    .action(async (file: string, opts: PlayOptions) => play(file, opts));
}
