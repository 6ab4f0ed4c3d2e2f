import { dirname } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { SimClock } from '../clock/sim-clock.js';
import type { BackendKind } from '../backends/backend.js';
import { openBackend, type BackendChoice } from '../backends/select.js';
import { TraceBus } from '../trace/bus.js';
import type { TraceEvent } from '../trace/events.js';
import { loadScenarioFile } from './loader.js';
import type { Problem } from './errors.js';
import { ScenarioRun, type RunSummary } from './runner.js';
import type { Scenario } from './types.js';

/** The scenario did not validate: nothing was run. */
export class ScenarioLoadError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`${problems.length} problem(s) in the scenario`);
  }
}

export interface RunScenarioOptions {
  backend: BackendChoice;
  seed?: number;
  /** Called with every trace event as it happens. */
  onEvent?: (e: TraceEvent) => void;
  /** Told which backend was chosen (for `auto`). */
  onNote?: (note: string) => void;
}

export interface RunScenarioResult {
  scenario: Scenario;
  summary: RunSummary;
  events: TraceEvent[];
  /** The backend's description line (`crilab simulated runtime, answering as containerd …`). */
  backend: string;
  backendKind: BackendKind;
  /** The clock the run went by: simulated on the sim backend, real on containerd. */
  clock: 'sim' | 'real';
  seed: number;
  startMs: number;
  /**
   * The simulated runtime's private temporary directory (its socket lives there), which shows
   * up in the text of errors while the runtime is down; recordings write it as `SIM_DIR_WORD`.
   */
  privateDir?: string;
}

/** What a recording writes instead of the simulated runtime's temporary directory. */
export const SIM_DIR_WORD = '$CRILAB_SIM_DIR';

export async function loadOrThrow(path: string): Promise<Scenario> {
  const res = await loadScenarioFile(path);
  if (!res.ok) throw new ScenarioLoadError(res.problems);
  return res.scenario;
}

/** Load a scenario, open the backend, run every step, close everything; the trace comes back whole. */
export async function runScenario(scenario: Scenario, opts: RunScenarioOptions): Promise<RunScenarioResult> {
  const seed = opts.seed ?? scenario.seed;
  const clock = new SimClock();
  // The trace is stamped with the clock the run goes by: the simulated one, or the real one
  // once a containerd backend has been chosen.
  let timeSource: Pick<Clock, 'now'> = clock;
  const bus = new TraceBus({ now: () => timeSource.now() });
  if (opts.onEvent) bus.subscribe(opts.onEvent);
  const { backend, note } = await openBackend(opts.backend, { scenario, seed, bus, clock });
  timeSource = backend.clock;
  opts.onNote?.(note);
  const run = new ScenarioRun({ scenario, backend, bus, seed });
  const startMs = backend.clock.now();
  try {
    await run.start();
    const summary = await run.runAll();
    return {
      scenario,
      summary,
      events: bus.events,
      backend: backend.describe(),
      backendKind: backend.kind,
      clock: backend.clock.kind === 'sim' ? 'sim' : 'real',
      seed,
      startMs,
      ...(backend.kind === 'sim' && backend.endpoint.startsWith('unix://') ? { privateDir: dirname(backend.endpoint.slice('unix://'.length)) } : {}),
    };
  } finally {
    await run.close();
    await backend.close();
  }
}
