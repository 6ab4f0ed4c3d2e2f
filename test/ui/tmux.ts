/**
 * A real terminal for end-to-end tests and the UI benchmark: a tmux pane on a private tmux
 * server (`tmux -L`), so that nothing touches the user's own tmux sessions. Every wait polls
 * the pane until what is expected appears, with a bound; nothing relies on a fixed sleep.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why tmux cannot be used here, or undefined when it can. */
export function tmuxMissing(): string | undefined {
  const res = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) return `tmux is not installed (${res.error?.message ?? res.stderr.trim()}); install tmux to run the terminal end-to-end test`;
  return undefined;
}

/** Quote for the shell tmux runs the command in. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const POLL_MS = 50;

/** Panes not closed yet: killed when the process exits, whatever happened to the test. */
const openPanes = new Set<TmuxPane>();
process.once('exit', () => {
  for (const p of openPanes) p.close();
});

export interface PaneOptions {
  readonly columns: number;
  readonly rows: number;
  /** The command, run by `sh -c` in `cwd`. */
  readonly command: string;
  readonly cwd: string;
  /** Printed by the shell before the command: what the screen shows once the UI has left. */
  readonly banner?: string;
  /** Log everything the program writes to the terminal (tmux pipe-pane), from its first byte. */
  readonly log?: boolean;
}

export class TmuxPane {
  readonly dir: string;
  private readonly socket: string;
  private readonly target = 'ui';
  private readonly exitFile: string;
  private readonly goFile: string;
  readonly logFile: string;
  private startedAt = 0;
  private socketPath: string | undefined;

  private constructor(private readonly opts: PaneOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'crilab-tmux-'));
    this.socket = `crilab-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.exitFile = join(this.dir, 'exit');
    this.goFile = join(this.dir, 'go');
    this.logFile = join(this.dir, 'pane.log');
  }

  /**
   * Open the pane. The shell waits for a go file before running the command, so the log (when
   * asked for) is attached before the program writes anything, and `startedAt` is the moment the
   * command was let go. After the command the shell writes `EXIT:<code>` and stays, so the screen
   * it leaves behind can be read.
   */
  static open(opts: PaneOptions): TmuxPane {
    const pane = new TmuxPane(opts);
    const script = [
      `while [ ! -f ${shellQuote(pane.goFile)} ]; do sleep 0.01; done`,
      ...(opts.banner ? [`printf '%s\\n' ${shellQuote(opts.banner)}`] : []),
      opts.command,
      `echo "EXIT:$?" > ${shellQuote(pane.exitFile)}`,
      'exec sleep 3600',
    ].join('; ');
    pane.tmux('new-session', '-d', '-s', pane.target, '-x', String(opts.columns), '-y', String(opts.rows), '-c', opts.cwd, `sh -c ${shellQuote(script)}`);
    openPanes.add(pane);
    pane.socketPath = pane.tmux('display-message', '-p', '#{socket_path}').trim() || undefined;
    // A detached session takes its size from -x/-y only while no client says otherwise.
    pane.tmux('set-option', '-t', pane.target, 'window-size', 'manual');
    if (opts.log) pane.tmux('pipe-pane', '-o', '-t', pane.target, `cat >> ${shellQuote(pane.logFile)}`);
    pane.startedAt = performance.now();
    writeFileSync(pane.goFile, '');
    return pane;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Milliseconds since the command was let go. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  /** The visible screen as plain text, trailing blanks trimmed. */
  capture(): string {
    return this.tmux('capture-pane', '-p', '-t', this.target)
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** A tmux format about the pane, e.g. `#{cursor_flag}`. */
  display(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.target, format).trim();
  }

  /** Keys as tmux names them (`n`, `Enter`, `Escape`, `?`). */
  send(...keys: string[]): void {
    for (const k of keys) this.tmux('send-keys', '-t', this.target, k);
  }

  /** Poll the screen until `ok` holds; throw with the last screen when `timeoutMs` passes. */
  async waitFor(what: string, ok: (screen: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.capture();
      if (ok(screen)) return screen;
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Poll until the command has exited; its exit code. */
  async waitForExit(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.exitFile)) {
        const m = /EXIT:(\d+)/.exec(readFileSync(this.exitFile, 'utf8'));
        if (m) return Number(m[1]);
      }
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the command to exit; the screen:\n${this.capture()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'latin1') : '';
  }

  close(): void {
    if (!openPanes.delete(this)) return;
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    // A killed server leaves its socket file behind.
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
