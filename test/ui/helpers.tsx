import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';

/** Fewest real milliseconds a settle lasts: React renders updates made outside an input handler on its scheduler, not at once. */
const SETTLE_MIN_MS = 15;
/** A turn of the event loop this short had nothing else (a React render) queued before it. */
const QUIET_TURN_MS = 2;
/** Quiet turns in a row that mean React has finished. */
const QUIET_TURNS = 3;
/** Give up waiting for quiet after this long (the caller's assertion then says what is wrong). */
const SETTLE_MAX_MS = 2_000;

/**
 * Let ink process input and React commit (input is parsed on `readable`, a lone ESC on
 * setImmediate). Waits at least a few milliseconds, then until the event loop has turned quietly
 * a few times in a row: React's scheduler runs its work in the same macrotask queue, so a turn
 * that took long had a render before it. A fixed wait alone fails on a busy machine, where a
 * render can take longer than the wait.
 */
export async function settle(): Promise<void> {
  // setImmediate, not setTimeout: the play test fakes setTimeout.
  const start = performance.now();
  let quiet = 0;
  for (;;) {
    const before = performance.now();
    await new Promise((r) => setImmediate(r));
    const now = performance.now();
    quiet = now - before < QUIET_TURN_MS ? quiet + 1 : 0;
    if (now - start >= SETTLE_MIN_MS && quiet >= QUIET_TURNS) return;
    if (now - start >= SETTLE_MAX_MS) return;
  }
}

/** Press keys one at a time, letting the app settle after each. */
export async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await settle();
  }
}

export const KEYS = {
  right: '\u001B[C',
  left: '\u001B[D',
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  backspace: '\u007F',
} as const;

/** Visible width of a frame's widest line, ANSI codes removed. */
export function widest(frame: string): number {
  // eslint-disable-next-line no-control-regex
  const plain = frame.replace(/\u001B\[[0-9;]*m/g, '');
  return Math.max(0, ...plain.split('\n').map((l) => l.length));
}

export function lineCount(frame: string): number {
  return frame.split('\n').length;
}

/** Render and wait for the first effects (subscriptions, resize listeners) to run. */
export async function mount(tree: ReactElement) {
  const inst = render(tree);
  await settle();
  return inst;
}

/** Make ink-testing-library's stdout report a size and emit `resize`, as a terminal would. */
export async function resize(stdout: object, columns: number, rows: number): Promise<void> {
  Object.defineProperty(stdout, 'columns', { configurable: true, get: () => columns });
  Object.defineProperty(stdout, 'rows', { configurable: true, get: () => rows });
  (stdout as { emit(e: string): void }).emit('resize');
  await settle();
}

export function frameOf(inst: { lastFrame(): string | undefined }): string {
  return inst.lastFrame() ?? '';
}

/** Settle until `pred` holds (ink throttles real-terminal renders to ~30 fps), or give up after `ms`. */
export async function until(pred: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred() && Date.now() < deadline) await settle();
}
