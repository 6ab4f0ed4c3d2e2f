import type { TraceEvent } from '../trace/events.js';
import type { UiSession } from './session.js';

/** What the live session drives: the scenario runner's public API (`ScenarioRun`). */
export interface LiveRun {
  readonly scenario: { readonly title: string; readonly steps: readonly unknown[] };
  start(): Promise<void>;
  runThroughStep(n: number): Promise<void>;
  /** Steps run so far. */
  readonly stepsRun: number;
  readonly finished: boolean;
  close(): Promise<void>;
}

/** Where the run's events go: the `TraceBus` (its `events` array grows in place). */
export interface LiveTrace {
  readonly events: readonly TraceEvent[];
  subscribe(listener: (e: TraceEvent) => void): () => void;
}

/**
 * The simulated clock, when the run goes by one: it is paused between steps so that the
 * kubelet's periodic work (PLEG relist every second, status polls, garbage collection) does not
 * run on and on while a learner reads the screen. A real clock (containerd) cannot be paused;
 * its events keep arriving and the UI shows them when the next step is reached.
 */
export interface PausableClock {
  start(): void;
  pause(): void;
  /** Work holding the clock right now (calls on the wire that are not waiting on a timer). */
  readonly inFlight: number;
}

export interface LiveSessionOptions {
  readonly run: LiveRun;
  readonly trace: LiveTrace;
  readonly backend: 'sim' | 'containerd';
  readonly clock?: PausableClock | undefined;
  /** Closes what the run needs besides itself (the backend); called once, after the run is closed. */
  readonly closeBackend?: () => Promise<void>;
  /** At most one change notification per this many ms while events pour in (default 16). */
  readonly notifyEveryMs?: number;
}

export interface LiveSession extends UiSession {
  /** Start the kubelet (step 0: what happens before the first step), then pause the clock. */
  start(): Promise<void>;
  /** Stop the kubelet and close the backend; waits for a step still running. */
  close(): Promise<void>;
}

const DEFAULT_NOTIFY_MS = 16;
/**
 * How long quitting waits for a step that is still running before closing under it (real ms).
 * On the simulated clock a step ends in milliseconds; on containerd a `wait` may take its full
 * timeout, and a learner who pressed q should not wait for it.
 */
const STEP_DRAIN_MS = 1000;
/** The longest a step's end waits for the work it left in flight to settle (real ms). */
const SETTLE_MAX_MS = 2000;

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Wait, with the clock paused, until no work holds it: the calls a step left on the wire
 * (the rest of a sync after a `wait` was met) reach their next timer or their end. Without
 * this, where those calls land would depend on how fast the learner presses n: before the
 * next step's start when they read slowly, inside it when they press quickly. Same test as the
 * clock's own before it advances: nothing in flight across two turns of the event loop.
 */
async function settle(clock: PausableClock): Promise<void> {
  const deadline = performance.now() + SETTLE_MAX_MS;
  let quiet = 0;
  while (quiet < 2 && performance.now() < deadline) {
    await turn();
    await turn();
    quiet = clock.inFlight === 0 ? quiet + 1 : 0;
  }
}

/**
 * A UiSession over a live ScenarioRun. Stepping forward runs the scenario to the end of the
 * step asked for (the UI shows the events as they come); stepping back needs nothing from the
 * run, because the UI refolds the recorded events. Calls are queued: the runner runs one step
 * at a time, and a learner pressing `n` three times quickly asks for three steps in order.
 */
export function liveSession(opts: LiveSessionOptions): LiveSession {
  const { run, trace, clock } = opts;
  const listeners = new Set<() => void>();
  const every = opts.notifyEveryMs ?? DEFAULT_NOTIFY_MS;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;

  const notifyNow = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    for (const l of [...listeners]) l();
  };
  // A step on the simulated clock emits hundreds of events in a few milliseconds: one
  // re-render per batch, not per event. The timer is unref'd so it never keeps the process up.
  const notifySoon = () => {
    if (timer) return;
    timer = setTimeout(notifyNow, every);
    timer.unref?.();
  };
  const unsubscribe = trace.subscribe(notifySoon);

  /** Let the clock run while `work` does, then pause it and let what is in flight settle. */
  const withClock = async (work: () => Promise<void>) => {
    clock?.start();
    try {
      await work();
    } finally {
      if (clock) {
        clock.pause();
        await settle(clock);
      }
      notifyNow();
    }
  };

  /** One step at a time, each settled, so a step's events do not depend on how many were asked for. */
  const runSteps = async (n: number) => {
    const last = Math.min(n, run.scenario.steps.length);
    while (!closing && !run.finished && run.stepsRun < last) {
      const before = run.stepsRun;
      await withClock(() => run.runThroughStep(before + 1));
      if (run.stepsRun === before) return; // the run stopped (a step aborted it)
    }
  };

  return {
    title: run.scenario.title,
    backend: opts.backend,
    totalSteps: run.scenario.steps.length,
    events: () => trace.events,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    get finished() {
      return run.finished || closing !== undefined;
    },
    start() {
      queue = queue.then(() => withClock(() => run.start()));
      return queue;
    },
    runThroughStep(n: number) {
      if (closing) return Promise.resolve();
      const next = queue.then(() => runSteps(n));
      // One failed step must not wedge the queue for the steps asked for after it.
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      closing ??= (async () => {
        let drainTimer: NodeJS.Timeout | undefined;
        await Promise.race([queue, new Promise<void>((r) => (drainTimer = setTimeout(r, STEP_DRAIN_MS)))]);
        clearTimeout(drainTimer);
        // Calls still on the wire (a pull that takes simulated time) finish only if time moves;
        // the runtime's server waits for them before it closes.
        clock?.start();
        unsubscribe();
        if (timer) clearTimeout(timer);
        listeners.clear();
        try {
          await run.close();
        } finally {
          await opts.closeBackend?.();
        }
      })();
      return closing;
    },
  };
}
