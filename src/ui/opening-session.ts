import type { TraceEvent } from '../trace/events.js';
import type { LiveSession } from './live-session.js';

/** What is known about a run before its backend is open: enough for the header. */
export interface OpeningSessionMeta {
  readonly title: string;
  readonly backend: 'sim' | 'containerd';
  readonly totalSteps: number;
}

export interface OpeningSession extends LiveSession {
  /**
   * Open the real session (load the runtime and kubelet modules, start the backend and the
   * kubelet). Called once the UI has drawn its first frame, so that a learner sees the screen
   * while the node starts behind it. Resolves or rejects with the opening.
   */
  begin(open: () => Promise<LiveSession>): Promise<void>;
}

const NO_EVENTS: readonly TraceEvent[] = Object.freeze([]);

/**
 * A live session that can be shown before it exists. Until `begin`'s opening resolves it has no
 * events (the panes are empty and the header says step 0 of N, as the real session would at
 * once); then it is the real session, and the UI is told to re-read. Keys pressed meanwhile are
 * not lost: `runThroughStep` waits for the opening and then asks the real session.
 */
export function openingSession(meta: OpeningSessionMeta): OpeningSession {
  const listeners = new Set<() => void>();
  let real: LiveSession | undefined;
  let opening: Promise<LiveSession> | undefined;
  let closed = false;
  const notify = () => {
    for (const l of [...listeners]) l();
  };

  return {
    title: meta.title,
    get backend() {
      return real?.backend ?? meta.backend;
    },
    get totalSteps() {
      return real?.totalSteps ?? meta.totalSteps;
    },
    events: () => real?.events() ?? NO_EVENTS,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    get finished() {
      return real?.finished ?? closed;
    },
    get starting() {
      return real === undefined && !closed;
    },
    begin(open) {
      if (opening) throw new Error('openingSession: begin called twice');
      opening = open();
      return opening.then(async (session) => {
        if (closed) {
          // Quit before the node was up: close what was opened, show nothing.
          await session.close();
          return;
        }
        real = session;
        session.subscribe(notify);
        notify();
      });
    },
    async start() {
      // The real session was started by the opener; nothing more to do here.
      await opening;
    },
    async runThroughStep(n) {
      if (!opening) throw new Error('openingSession: runThroughStep before begin');
      const session = await opening;
      if (!closed) await session.runThroughStep?.(n);
    },
    async close() {
      closed = true;
      listeners.clear();
      const session = await opening?.catch(() => undefined);
      await session?.close();
    },
  };
}
