import type { TraceEvent } from '../trace/events.js';

/**
 * What the terminal UI consumes: a titled, growing list of trace events. The scenario runner
 * (live, on the simulated runtime or containerd) and the recording player both implement it,
 * so a live run and a recording look the same on screen.
 */
export interface UiSession {
  readonly title: string;
  readonly backend: 'sim' | 'containerd';
  /** Number of scenario steps. */
  readonly totalSteps: number;
  /** Every event so far, in `seq` order (grows during a live run; never rewritten). */
  events(): readonly TraceEvent[];
  /** Called after new events arrive or `finished` changes; returns an unsubscribe function. */
  subscribe(onChange: () => void): () => void;
  /** Live runs: run the scenario until step `n` has ended (no-op if it already has); recordings: resolved at once. */
  runThroughStep?(n: number): Promise<void>;
  /** True when no more events will arrive. */
  readonly finished: boolean;
  /** True while the run's backend and kubelet are still starting (the screen is up before them). */
  readonly starting?: boolean;
}

/** A finished session over a fixed list of events: for recordings and tests. */
export function sessionFromEvents(
  title: string,
  backend: 'sim' | 'containerd',
  events: readonly TraceEvent[],
): UiSession {
  let total = 0;
  for (const e of events) if (e.kind === 'step' && e.total > total) total = e.total;
  const frozen = events.slice();
  return {
    title,
    backend,
    totalSteps: total,
    events: () => frozen,
    subscribe: () => () => {},
    runThroughStep: async () => {},
    finished: true,
  };
}
