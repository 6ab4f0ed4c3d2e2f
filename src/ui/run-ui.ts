import { render } from 'ink';
import { createElement } from 'react';
import { App } from './app.js';
import type { ScenarioChoice } from './components/scenario-picker.js';
import type { MachineDescriptions } from './model/view-model.js';
import type { UiSession } from './session.js';
import { colorFromEnv } from './theme.js';

export interface RunUiOptions {
  /** Workshop quiz mode (`--quiz`). */
  readonly quiz?: boolean;
  /** For the picker when no session is given. */
  readonly scenarios?: readonly ScenarioChoice[];
  readonly openScenario?: (choice: ScenarioChoice) => Promise<UiSession> | UiSession;
  /** A line for the picker's message bar at start (e.g. scenarios that were skipped). */
  readonly notice?: string;
  /**
   * Machine shapes from the machines' `describe` exports, for the state-machine view; or a
   * loader for them, called after the first frame (they live with the runtime's and kubelet's
   * modules, which need not be loaded for the UI to draw).
   */
  readonly machines?: MachineDescriptions | (() => Promise<MachineDescriptions>);
  /** Called once the first frame is on the screen (start the slow work here). */
  readonly onDrawn?: () => void;
  /** Aborting closes the UI (as `q` would, exit code 0) and gives the terminal back. */
  readonly signal?: AbortSignal;
  /** Default: on unless NO_COLOR is set and not empty. */
  readonly color?: boolean;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Use the alternate screen buffer; default: when stdout is a terminal. */
  readonly alternateScreen?: boolean;
  /** Route console output above the UI instead of through it (ink's patchConsole); default true. */
  readonly patchConsole?: boolean;
}

/** DEC private modes: 1049 = alternate screen (with saved cursor), 25 = cursor visible. */
const ENTER_ALT_SCREEN = '\u001B[?1049h';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';
const HIDE_CURSOR = '\u001B[?25l';
const SHOW_CURSOR = '\u001B[?25h';
const CLEAR_SCREEN = '\u001B[2J\u001B[H';

/** Exit codes for the signals, as shells report them (128 + signal number). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Run the terminal UI until the user quits. Ink 6 has no alternate-screen option, so the
 * escape codes are written here; the terminal is restored however the UI ends: `q` (exit code
 * 0), SIGINT/SIGTERM (130/143), a render error (rethrown) or an uncaught error (exit 1).
 */
export async function runUi(session: UiSession | undefined, opts: RunUiOptions = {}): Promise<{ exitCode: number }> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const alt = opts.alternateScreen ?? stdout.isTTY === true;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(SHOW_CURSOR + (alt ? LEAVE_ALT_SCREEN : ''));
  };
  if (alt) stdout.write(ENTER_ALT_SCREEN + HIDE_CURSOR + CLEAR_SCREEN);

  // On resize, wipe the screen before ink draws the new layout (this listener is registered
  // before ink's): lines drawn for the old width would otherwise be left behind or reflowed.
  const onResize = () => {
    if (alt) stdout.write(CLEAR_SCREEN);
  };
  stdout.on('resize', onResize);

  let exitCode = 0;
  let closed = false;
  let machines: MachineDescriptions = typeof opts.machines === 'function' ? {} : (opts.machines ?? {});
  const app = () =>
    createElement(App, {
      session,
      quiz: opts.quiz ?? false,
      ...(opts.scenarios ? { scenarios: opts.scenarios } : {}),
      ...(opts.openScenario ? { openScenario: opts.openScenario } : {}),
      ...(opts.notice !== undefined ? { notice: opts.notice } : {}),
      machines,
      color: opts.color ?? colorFromEnv(),
      onExit: (code: number) => {
        exitCode = code;
      },
    });
  const instance = render(app(), {
    stdout,
    stdin,
    ...(opts.stderr ? { stderr: opts.stderr } : {}),
    // q and ctrl-c are handled by the key map, so the exit code is ours.
    exitOnCtrlC: false,
    patchConsole: opts.patchConsole ?? true,
  });
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    exitCode = SIGNAL_EXIT[signal];
    instance.unmount();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  const onCrash = (err: unknown) => {
    // Give the terminal back before anything else, then die as an uncaught error would.
    instance.unmount();
    restore();
    (opts.stderr ?? process.stderr).write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  process.once('uncaughtException', onCrash);
  process.once('exit', restore);
  // ink wrote the first frame synchronously in render(); the slow work may start now.
  opts.onDrawn?.();
  if (typeof opts.machines === 'function') {
    opts.machines().then(
      (loaded) => {
        machines = loaded;
        if (!closed) instance.rerender(app());
      },
      // Without the shapes the state-machine view lists transitions only; the run goes on.
      () => undefined,
    );
  }
  const onAbort = () => instance.unmount();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  try {
    await instance.waitUntilExit();
  } finally {
    closed = true;
    opts.signal?.removeEventListener('abort', onAbort);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('uncaughtException', onCrash);
    process.off('exit', restore);
    stdout.off('resize', onResize);
    restore();
  }
  return { exitCode };
}
