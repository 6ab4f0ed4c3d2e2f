/**
 * `crilab play` and `crilab` (the picker). Only the UI and the scenario loader are imported up
 * front: the first frame is drawn before the runtime, the kubelet and gRPC are loaded
 * (./live.js), which would otherwise double the time a learner waits for the screen.
 */
import { basename, join, relative } from 'node:path';
import type { BackendChoice } from '../../backends/select.js';
import { BUNDLED_SCENARIOS_DIR } from '../../package-root.js';
import { loadScenarioFile } from '../../scenario/loader.js';
import type { ScenarioChoice } from '../../ui/components/scenario-picker.js';
import type { LiveSession } from '../../ui/live-session.js';
import type { MachineDescriptions } from '../../ui/model/view-model.js';
import { openingSession } from '../../ui/opening-session.js';
import { runUi, type RunUiOptions } from '../../ui/run-ui.js';
import { sessionFromEvents, type UiSession } from '../../ui/session.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';
import { loadRecordingOrExit } from './load-recording.js';
import { loadScenarioOrExit } from './load-scenario.js';
import { bundledScenarioChoices, isRecordingFile } from './play-files.js';

export interface PlayOptions {
  backend: BackendChoice;
  seed?: number;
  quiz?: boolean;
}

/** One line each (the CLI prefixes `crilab: `). */
export const NOT_A_TERMINAL = 'play needs a terminal (stdout is not a TTY); use `crilab run` for a transcript';
const STDIN_NOT_A_TERMINAL = 'play needs a terminal to read keys from (stdin is not a TTY); use `crilab run` for a transcript';

/** How long the process may linger after the UI has closed everything (real ms). */
const EXIT_GRACE_MS = 2000;

const live = () => import('./live.js');
/** The state-machine view's shapes, loaded after the first frame. */
const machinesLater = async (): Promise<MachineDescriptions> => (await live()).machineDescriptions();

/** The UI draws and steps; a terminal is needed for both (ink reads keys in raw mode). */
function requireTerminal(): void {
  if (process.stdout.isTTY !== true) throw new CliError(NOT_A_TERMINAL, EXIT_BAD_INPUT);
  if (process.stdin.isTTY !== true) throw new CliError(STDIN_NOT_A_TERMINAL, EXIT_BAD_INPUT);
}

/** Run the UI, then close whatever session it ended on, and pass its exit code on. */
async function runAndClose(first: UiSession | undefined, opts: RunUiOptions, opened: () => LiveSession[]): Promise<void> {
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
  const quiz = opts.quiz ?? false;
  if (await isRecordingFile(file)) {
    const recording = await loadRecordingOrExit(file);
    requireTerminal();
    const { header, events } = recording;
    const session = sessionFromEvents(header.scenario.title, header.backend.kind, events);
    await runAndClose(session, { quiz, machines: machinesLater }, () => []);
    return;
  }
  const scenario = await loadScenarioOrExit(file);
  requireTerminal();
  const seed = opts.seed;
  if (opts.backend !== 'sim') {
    // containerd (or auto) is opened before the screen is taken: an unreachable containerd is
    // then one clear line in the shell, not an error inside a UI that has to be closed.
    const session = await (await live()).openLiveSession(scenario, { backend: opts.backend, seed });
    await runAndClose(session, { quiz, machines: machinesLater }, () => [session]);
    return;
  }
  // The simulated node starts behind the first frame. Should it fail to start, the UI closes
  // and the failure is reported like any other (one line, exit 1).
  const session = openingSession({ title: scenario.title, backend: 'sim', totalSteps: scenario.steps.length });
  const failed = new AbortController();
  let failure: unknown;
  const begin = () => {
    session.begin(async () => (await live()).openLiveSession(scenario, { backend: 'sim', seed })).catch((err: unknown) => {
      failure = err;
      failed.abort();
    });
  };
  await runAndClose(session, { quiz, machines: machinesLater, onDrawn: begin, signal: failed.signal }, () => [session]);
  if (failure !== undefined) throw failure;
}

/**
 * `crilab` with no arguments: the scenario picker over the bundled scenarios, the first one
 * highlighted, so that enter starts the first pod. A workshop attendee sees at once what there
 * is to learn, in teaching order, and is one key away from the first scenario.
 */
export async function playPicker(opts: PlayOptions = { backend: 'sim' }): Promise<void> {
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
    current = await (await live()).openLiveSession(res.scenario, { backend: opts.backend, seed: opts.seed });
    return current;
  };
  await runAndClose(
    undefined,
    {
      quiz: opts.quiz ?? false,
      machines: machinesLater,
      scenarios: choices,
      openScenario: openChoice,
      ...(warnings.length > 0 ? { notice: `skipped ${warnings.length} scenario(s) that do not load (listed when you quit)` } : {}),
    },
    () => (current ? [current] : []),
  );
  // The warnings were drawn over by the UI's alternate screen: say them again where they stay.
  for (const w of warnings) process.stderr.write(`crilab: ${w}\n`);
}
