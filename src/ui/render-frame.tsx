import { EventEmitter } from 'node:events';
import { render, renderToString, type Instance } from 'ink';
import type { TraceEvent } from '../trace/events.js';
import { App } from './app.js';
import type { MachineDescriptions } from './model/view-model.js';
import { sessionFromEvents, type UiSession } from './session.js';

export interface FrameOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly step?: number;
  readonly color?: boolean;
  readonly quiz?: boolean;
  readonly machines?: MachineDescriptions;
}

/**
 * One screen of the UI as text, without a terminal: for documentation captures, the
 * asciicast writer and the benchmark. Shares the session's fold cache with the live UI.
 */
export function renderFrame(session: UiSession, opts: FrameOptions = {}): string {
  const columns = opts.columns ?? 80;
  const rows = opts.rows ?? 24;
  return renderToString(
    <App
      session={session}
      size={{ columns, rows }}
      initialStep={opts.step ?? 0}
      color={opts.color ?? false}
      quiz={opts.quiz ?? false}
      machines={opts.machines ?? {}}
    />,
    { columns },
  );
}

/** A stdout that keeps the last frame ink wrote (ink writes whole frames in debug mode). */
class FrameSink extends EventEmitter {
  readonly columns: number;
  readonly rows: number;
  lastFrame = '';
  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  write(frame: string): boolean {
    this.lastFrame = frame;
    return true;
  }
}

/** A terminal stdin that never types (ink's useInput wants raw mode). */
class SilentStdin extends EventEmitter {
  readonly isTTY = true;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

interface BenchScreen {
  readonly session: UiSession;
  readonly sink: FrameSink;
  readonly instance: Instance;
}

/** A large terminal: what the benchmark times by default. */
const BENCH_SIZE = { columns: 120, rows: 40 };
const benchScreens = new WeakMap<readonly TraceEvent[], BenchScreen>();

/**
 * Fold and render step `stepIndex` of `events` (at 120×40 unless `size` says otherwise) and
 * return the frame, the way the UI does when a learner presses n: one app stays mounted per
 * events array and re-renders for the new step, folding only the events since the last step
 * when moving forward. This is the function the benchmark times. Run it with
 * NODE_ENV=production: React's development build costs about twice as much.
 */
export function renderStepForBench(
  events: readonly TraceEvent[],
  stepIndex: number,
  size: { columns: number; rows: number } = BENCH_SIZE,
): string {
  let screen = benchScreens.get(events);
  const app = (session: UiSession) => <App session={session} size={size} step={stepIndex} color={false} />;
  if (!screen) {
    const session = sessionFromEvents('bench', 'sim', events);
    const sink = new FrameSink(size.columns, size.rows);
    const instance = render(app(session), {
      stdout: sink as unknown as NodeJS.WriteStream,
      stdin: new SilentStdin() as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    screen = { session, sink, instance };
    benchScreens.set(events, screen);
  } else {
    screen.instance.rerender(app(screen.session));
  }
  return screen.sink.lastFrame;
}
