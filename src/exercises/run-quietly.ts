import { SimClock } from '../clock/sim-clock.js';
import { openBackend } from '../backends/select.js';
import { formatProblem, loadScenarioFile } from '../scenario/loader.js';
import type { RunState } from '../scenario/run-state.js';
import { ScenarioRun, type RunSummary } from '../scenario/runner.js';
import type { Scenario } from '../scenario/types.js';
import { TraceBus } from '../trace/bus.js';
import type { TraceEvent } from '../trace/events.js';

export interface QuietRun {
  scenario: Scenario;
  summary: RunSummary;
  events: TraceEvent[];
  /** The runner's fold of the trace: calls attributed to the scenario's pods, statuses, events. */
  state: RunState;
  /** The clock's time when the run started (the trace's `t` is absolute). */
  startMs: number;
  /** Trace seq of each step's start, by 1-based step index. */
  stepStartSeq: Map<number, number>;
}

export type LoadOutcome = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

export async function loadForCheck(file: string): Promise<LoadOutcome> {
  const res = await loadScenarioFile(file);
  return res.ok ? { ok: true, scenario: res.scenario } : { ok: false, problems: res.problems.map(formatProblem) };
}

/**
 * Run a scenario on the simulated runtime without printing anything, and keep the runner's
 * state: what a checker compares the learner's answer with.
 */
export async function runQuietly(scenario: Scenario): Promise<QuietRun> {
  const clock = new SimClock();
  const bus = new TraceBus(clock);
  const { backend } = await openBackend('sim', { scenario, seed: scenario.seed, bus, clock });
  const run = new ScenarioRun({ scenario, backend, bus, seed: scenario.seed });
  const startMs = clock.now();
  const stepStartSeq = new Map<number, number>();
  const unsubscribe = bus.subscribe((e) => {
    if (e.kind === 'step' && e.phase === 'start') stepStartSeq.set(e.index, e.seq);
  });
  try {
    await run.start();
    const summary = await run.runAll();
    return { scenario, summary, events: bus.events, state: run.state, startMs, stepStartSeq };
  } finally {
    unsubscribe();
    await run.close();
    await backend.close();
  }
}

/** Calls the kubelet makes on timers for the whole node, not for one pod. */
export const BACKGROUND_CALLS = new Set(['ListPodSandbox', 'ListContainers', 'Status', 'Version', 'ImageFsInfo', 'ListImages']);

/** The CRI calls made for one pod (by scenario pod name), in order, without the PLEG's reads. */
export function podCallSequence(run: QuietRun, pod: string, opts: { withStatusReads?: boolean } = {}): string[] {
  const reads = new Set(['PodSandboxStatus', 'ContainerStatus']);
  const out: string[] = [];
  // PodSandboxStatus right after RunPodSandbox is the kubelet's own read for the IP, not the PLEG's.
  let afterRun = false;
  for (const c of run.state.calls) {
    if (c.pod !== pod || BACKGROUND_CALLS.has(c.method)) continue;
    const own = c.method === 'PodSandboxStatus' && afterRun;
    afterRun = c.method === 'RunPodSandbox';
    if (!opts.withStatusReads && reads.has(c.method) && !own) continue;
    out.push(c.method);
  }
  return out;
}

const bundledRuns = new Map<string, Promise<QuietRun>>();

/**
 * Load and run a bundled scenario once per process: a run on the simulated clock is a pure
 * function of the file (its seed fixes every ID), so checking several answers against the
 * same scenario need not run it again.
 */
export function runBundled(file: string): Promise<QuietRun> {
  let run = bundledRuns.get(file);
  if (!run) {
    run = loadForCheck(file).then((loaded) => {
      if (!loaded.ok) throw new Error(`the bundled scenario does not load: ${loaded.problems[0]}`);
      return runQuietly(loaded.scenario);
    });
    run.catch(() => bundledRuns.delete(file));
    bundledRuns.set(file, run);
  }
  return run;
}
