import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runUi, type RunUiOptions } from '../../src/ui/run-ui.js';
import { sessionFromEvents } from '../../src/ui/session.js';
import { firstPodEvents } from './fixtures/first-pod-events.js';
import { settle, until } from './helpers.js';

/** A terminal in miniature: a TTY stdout that records writes, and a raw-mode stdin we type into. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  written = '';
  write(s: string): boolean {
    this.written += s;
    return true;
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  setRawMode(): this {
    return this;
  }
  setEncoding(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  type(s: string): void {
    this.queue.push(s);
    this.emit('readable');
  }
}

/** runUi on the first-pod fixture in a fake terminal, with options on top of the test defaults. */
function openUi(extra: Partial<RunUiOptions> = {}, stdout = new FakeStdout()) {
  const stdin = new FakeStdin();
  const done = runUi(sessionFromEvents('First pod', 'sim', firstPodEvents()), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    color: false,
    patchConsole: false,
    ...extra,
  });
  return { stdout, stdin, done };
}

describe('runUi', () => {
  it('uses the alternate screen, hides the cursor, and restores both when q is pressed', async () => {
    const { stdout, stdin, done } = openUi();
    await until(() => stdout.written.includes('step 0/6'));
    expect(stdout.written.startsWith('\u001B[?1049h\u001B[?25l')).toBe(true);
    expect(stdout.written).toContain('step 0/6');
    stdin.type('n');
    await until(() => stdout.written.includes('step 1/6'));
    expect(stdout.written).toContain('step 1/6');
    // A resize clears the screen before ink redraws.
    const before = stdout.written.length;
    stdout.columns = 100;
    stdout.emit('resize');
    await settle();
    expect(stdout.written.slice(before).startsWith('\u001B[2J\u001B[H')).toBe(true);
    stdin.type('q');
    await expect(done).resolves.toEqual({ exitCode: 0 });
    expect(stdout.written.endsWith('\u001B[?25h\u001B[?1049l')).toBe(true);
  });

  it('exits 130 on SIGINT and still restores the terminal', async () => {
    const { stdout, done } = openUi();
    await settle();
    process.emit('SIGINT', 'SIGINT');
    await expect(done).resolves.toEqual({ exitCode: 130 });
    expect(stdout.written.endsWith('\u001B[?25h\u001B[?1049l')).toBe(true);
  });

  it('writes no screen-switching codes when stdout is not a terminal', async () => {
    const notATerminal = new FakeStdout();
    notATerminal.isTTY = false;
    const { stdout, stdin, done } = openUi({}, notATerminal);
    await settle();
    stdin.type('q');
    await expect(done).resolves.toEqual({ exitCode: 0 });
    expect(stdout.written).not.toContain('\u001B[?1049h');
  });

  it('calls onDrawn after the first frame, loads machine shapes after it, and closes when aborted', async () => {
    const order: string[] = [];
    const abort = new AbortController();
    const stdout = new FakeStdout();
    const { done } = openUi(
      {
        onDrawn: () => order.push(`drawn: frame on screen = ${stdout.written.includes('step 0/6')}`),
        machines: async () => {
          order.push('machines loaded');
          return {};
        },
        signal: abort.signal,
      },
      stdout,
    );
    await until(() => order.length === 2);
    expect(order).toEqual(['drawn: frame on screen = true', 'machines loaded']);
    abort.abort();
    await expect(done).resolves.toEqual({ exitCode: 0 });
    expect(stdout.written.endsWith('\u001B[?25h\u001B[?1049l')).toBe(true);
  });
});
