import type { Clock } from '../../clock/clock.js';
import type { AndOr, Command, ForCommand, List, LoopCommand, Pipeline, Redir, SimpleCommand } from './ast.js';
import { baseName, normalizePath, parentPath, type ContainerFs } from './container-fs.js';
import { NOT_FOUND_STATUS, ShellSyntaxError, SYNTAX_ERROR_STATUS } from './errors.js';
import { expandFields, expandString, type ExpandHost } from './expand.js';
import { execProgram, lookupCommand, runInProc, type ExecTarget } from './launcher.js';
import { Parser } from './parser.js';
import { Proc, untilAborted } from './proc.js';
import type { ProgramContext } from './program.js';
import { SIGNAL_DESCRIPTIONS, SIGNAL_EXIT_BASE, signalNumber, type SignalName } from './signals.js';
import { APPLET_BUILTINS, SHELL_BUILTINS, SPECIAL_BUILTINS } from './builtins.js';
import { shellMain } from './sh-main.js';

/**
 * Commands a shell may run while the clock stands still before it yields BUSY_YIELD_MS of
 * clock time: a loop without `sleep` then costs simulated CPU time and never starves the
 * event loop or the other simulated components.
 */
export const BUSY_YIELD_EVERY = 1000;
export const BUSY_YIELD_MS = 1;
/**
 * After this many commands without waiting on the clock (no `sleep`, no `wait`), the shell
 * stops running the script and only waits for signals: a simulation limit, so that
 * `while true; do echo x; done` cannot run forever in zero simulated time. It prints one
 * notice on stderr (see docs/shell.md).
 */
export const BUSY_STEP_LIMIT = 100_000;

export type OutFd = { kind: 'out'; write(data: string): void };
export type InFd = { kind: 'in'; content: string; offset: number };
export type Fd = OutFd | InFd;
export type FdTable = Map<number, Fd>;

const NULL_OUT: OutFd = { kind: 'out', write: () => undefined };

/** Thrown to leave the shell: `exit`, `set -e`, a fatal expansion error, or the end of an exec'd program. */
export class ExitShell {
  constructor(
    readonly status: number,
    /** false after exec: the shell image is gone, no EXIT trap runs. */
    readonly runExitTrap = true,
  ) {}
}

/** `break n` / `continue n`. */
export class LoopJump {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

export interface EvalFlags {
  /** The status is tested (if/while condition, left of && ||, after !): no `set -e` exit. */
  tested: boolean;
  /** ash's EV_EXIT: the shell ends after this command, so an external one may be exec'd in place. */
  exit: boolean;
}

const TESTED: EvalFlags = { tested: true, exit: false };

export type TrapKey = SignalName | 'EXIT';

export interface ShellOptions {
  /** $0, and the first word of error messages (`sh: foo: not found`). */
  arg0: string;
  /** ash's commandname: set for a script file (or `sh -c CMD NAME`); messages then carry `line N:`. */
  commandName?: string;
  positional: string[];
  errexit?: boolean;
}

/**
 * The interpreter: evaluates the tree the way busybox ash does (see docs/shell.md for the
 * subset). One Shell runs in one simulated process; subshells and command substitutions run
 * in clones of it, background jobs in child processes.
 */
export class Shell implements ExpandHost {
  vars = new Map<string, { value: string; exported: boolean }>();
  positionalArgs: string[];
  arg0: string;
  commandName: string | undefined;
  status = 0;
  lastBgPid: number | undefined;
  rootPid: number;
  traps = new Map<TrapKey, string>();
  mayHaveTraps = false;
  pending: SignalName[] = [];
  jobs = new Map<number, Proc>();
  cwd: string;
  errexit: boolean;
  fds: FdTable;
  lineno = 0;
  loopDepth = 0;
  /** `exec` with only redirections: keep them after the command. */
  keepRedirections = false;
  lastSubstitutionStatus: number | undefined;
  private busySteps = 0;
  private parkNoticeShown = false;
  private readonly wakers = new Set<() => void>();
  readonly fs: ContainerFs;
  readonly clock: Clock;
  readonly appletName: string;

  constructor(
    public proc: Proc,
    ctx: ProgramContext,
    opts: ShellOptions,
  ) {
    this.fs = ctx.fs;
    this.clock = ctx.clock;
    this.appletName = ctx.appletName;
    this.arg0 = opts.arg0;
    this.commandName = opts.commandName;
    this.positionalArgs = opts.positional;
    this.errexit = opts.errexit ?? false;
    this.cwd = ctx.cwd;
    this.rootPid = proc.pid;
    for (const [k, v] of Object.entries(ctx.env)) this.vars.set(k, { value: v, exported: true });
    this.fds = new Map<number, Fd>([
      [0, { kind: 'in', content: ctx.stdin, offset: 0 }],
      [1, { kind: 'out', write: (d) => ctx.stdout(d) }],
      [2, { kind: 'out', write: (d) => ctx.stderr(d) }],
    ]);
  }

  // ---- running a script -------------------------------------------------------------------

  /**
   * Run a script, one top-level line at a time as ash's evalstring does (a syntax error on a
   * later line is reported after the earlier lines ran). `cMode`: `sh -c` (line numbers count
   * from 0 and the last command may be exec'd in place).
   */
  async runScript(src: string, cMode: boolean): Promise<number> {
    const parser = new Parser(src, 0, cMode ? 0 : 1);
    let status: number;
    try {
      for (;;) {
        let cmd;
        try {
          cmd = parser.nextCommand();
        } catch (e) {
          if (!(e instanceof ShellSyntaxError)) throw e;
          this.lineno = e.line;
          this.errorLine(`syntax error: ${e.message}`);
          throw new ExitShell(SYNTAX_ERROR_STATUS);
        }
        if (!cmd) break;
        try {
          await this.evalList(cmd.list, { tested: false, exit: cMode && cmd.atEof });
        } catch (e) {
          if (!(e instanceof LoopJump)) throw e;
        }
        await this.runPendingTraps();
      }
      status = this.status;
    } catch (e) {
      if (!(e instanceof ExitShell)) throw e;
      if (!e.runExitTrap) return e.status;
      status = e.status;
    }
    return this.runExitTrap(status);
  }

  private async runExitTrap(status: number): Promise<number> {
    const action = this.traps.get('EXIT');
    if (action === undefined) return status;
    this.traps.delete('EXIT');
    this.status = status;
    try {
      await this.evalString(action);
    } catch (e) {
      if (e instanceof ExitShell) return e.status;
      throw e;
    }
    return status;
  }

  /** `eval`, trap actions, `.`: parse a string and run it in this shell. */
  async evalString(src: string): Promise<number> {
    let list: List;
    try {
      list = new Parser(src, 0, this.lineno).parseAll();
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.errorLine(`syntax error: ${e.message}`);
      throw new ExitShell(SYNTAX_ERROR_STATUS);
    }
    return this.evalList(list, { tested: false, exit: false });
  }

  // ---- messages ---------------------------------------------------------------------------

  /** ash's message prefix: `$0: [cmd: ][line N: ]`. */
  prefix(builtin?: string): string {
    let s = `${this.arg0}: `;
    const cmdname = builtin ?? this.commandName;
    if (cmdname !== undefined) {
      if (cmdname !== this.arg0) s += `${cmdname}: `;
      s += `line ${this.lineno}: `;
    }
    return s;
  }

  errorLine(msg: string, builtin?: string): void {
    this.writeFd(2, `${this.prefix(builtin)}${msg}\n`);
  }

  writeFd(fd: number, data: string): void {
    if (!this.proc.alive) return;
    const f = this.fds.get(fd);
    if (f?.kind === 'out') f.write(data);
  }

  fatal(message: string): never {
    this.errorLine(message);
    throw new ExitShell(SYNTAX_ERROR_STATUS);
  }

  // ---- variables (ExpandHost) ---------------------------------------------------------------

  param(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.rootPid);
      case '!':
        return this.lastBgPid === undefined ? '' : String(this.lastBgPid);
      case '#':
        return String(this.positionalArgs.length);
      case '-':
        return this.errexit ? 'e' : '';
      case '0':
        return this.arg0;
    }
    if (/^\d+$/.test(name)) return this.positionalArgs[Number(name) - 1];
    return this.vars.get(name)?.value;
  }

  positional(): string[] {
    return this.positionalArgs;
  }

  setVar(name: string, value: string, exported?: boolean): void {
    const old = this.vars.get(name);
    this.vars.set(name, { value, exported: exported ?? old?.exported ?? false });
  }

  exportedEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.vars) if (v.exported) env[k] = v.value;
    return env;
  }

  async commandSubstitution(body: List): Promise<string> {
    let out = '';
    const sub = this.clone();
    sub.fds.set(1, { kind: 'out', write: (d) => (out += d) });
    try {
      await sub.evalList(body, { tested: false, exit: false });
    } catch (e) {
      if (e instanceof ExitShell) sub.status = e.status;
      else if (!(e instanceof LoopJump)) throw e;
    }
    this.lastSubstitutionStatus = sub.status;
    return out;
  }

  /** A subshell: a copy of the variables, fds and positional parameters; traps reset except ignored ones. */
  clone(proc: Proc = this.proc): Shell {
    const sub: Shell = Object.create(Shell.prototype) as Shell;
    Object.assign(sub, this);
    sub.proc = proc;
    sub.vars = new Map([...this.vars].map(([k, v]) => [k, { ...v }]));
    sub.positionalArgs = [...this.positionalArgs];
    sub.fds = new Map(this.fds);
    sub.traps = new Map([...this.traps].filter(([, a]) => a === ''));
    sub.mayHaveTraps = sub.traps.size > 0;
    sub.pending = [];
    sub.jobs = new Map();
    sub.keepRedirections = false;
    (sub as unknown as { wakers: Set<() => void> }).wakers = new Set();
    return sub;
  }

  // ---- traps and signals ------------------------------------------------------------------

  setTrap(key: TrapKey, action: string | undefined): void {
    this.mayHaveTraps = true;
    if (action === undefined) this.traps.delete(key);
    else this.traps.set(key, action);
    if (key === 'EXIT') return;
    this.proc.setDisposition(key, action === undefined ? 'default' : action === '' ? 'ignore' : (sig) => this.onTrappedSignal(sig));
  }

  /** A trapped signal arrived: remember it (the action runs after the current command) and wake `wait`. */
  private onTrappedSignal(sig: SignalName): void {
    this.pending.push(sig);
    for (const w of [...this.wakers]) w();
  }

  /** ash's dotrap(): run the actions of signals that arrived, after the current command. */
  async runPendingTraps(): Promise<void> {
    while (this.pending.length > 0) {
      const sig = this.pending.shift()!;
      const action = this.traps.get(sig);
      if (!action) continue;
      const saved = this.status;
      await this.evalString(action);
      this.status = saved;
    }
  }

  /** Wait for `promise`, or return early when a trapped signal arrives (the `wait` builtin). */
  async waitInterruptible<T>(promise: Promise<T>): Promise<{ signal: SignalName } | { value: T }> {
    if (this.pending.length > 0) return { signal: this.pending[0]! };
    let waker: (() => void) | undefined;
    const sig = new Promise<{ signal: SignalName }>((resolve) => {
      waker = () => resolve({ signal: this.pending[0]! });
      this.wakers.add(waker);
    });
    const t0 = this.clock.now();
    try {
      return await untilAborted(Promise.race([promise.then((value) => ({ value })), sig]), this.proc.signal);
    } finally {
      if (waker) this.wakers.delete(waker);
      if (this.clock.now() > t0) this.busySteps = 0;
    }
  }

  // ---- evaluation ------------------------------------------------------------------------

  async evalList(list: List, flags: EvalFlags): Promise<number> {
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      if (entry.background) {
        await this.startBackground(entry.andOr);
        this.status = 0;
      } else {
        const last = i === list.length - 1;
        this.status = await this.evalAndOr(entry.andOr, last ? flags : { tested: flags.tested, exit: false });
      }
      await this.runPendingTraps();
    }
    return this.status;
  }

  private async evalAndOr(a: AndOr, flags: EvalFlags): Promise<number> {
    let status = await this.evalPipeline(a.head, a.tail.length > 0 ? TESTED : flags);
    for (let i = 0; i < a.tail.length; i++) {
      const { op, pipeline } = a.tail[i]!;
      if ((op === '&&') !== (status === 0)) continue;
      status = await this.evalPipeline(pipeline, i === a.tail.length - 1 ? flags : TESTED);
    }
    return status;
  }

  private async evalPipeline(p: Pipeline, flags: EvalFlags): Promise<number> {
    const f = p.negate ? TESTED : flags;
    let status = p.commands.length === 1 ? await this.evalCommand(p.commands[0]!, f) : await this.evalPipe(p.commands);
    if (p.negate) status = status === 0 ? 1 : 0;
    this.status = status;
    const checked = p.commands.length > 1 || p.commands[0]!.type === 'simple' || p.commands[0]!.type === 'subshell';
    if (this.errexit && !f.tested && checked && status !== 0) throw new ExitShell(status);
    return status;
  }

  /**
   * `a | b`: the stages run one after another and each stage's output is buffered whole
   * (a simplification: enough for `cat f | wc -l`, not for endless producers).
   */
  private async evalPipe(commands: Command[]): Promise<number> {
    let input: string | undefined;
    let status = 0;
    for (let i = 0; i < commands.length; i++) {
      const sub = this.clone();
      if (input !== undefined) sub.fds.set(0, { kind: 'in', content: input, offset: 0 });
      let out = '';
      if (i < commands.length - 1) sub.fds.set(1, { kind: 'out', write: (d) => (out += d) });
      try {
        status = await sub.evalCommand(commands[i]!, { tested: false, exit: false });
      } catch (e) {
        if (e instanceof ExitShell) status = e.status;
        else if (!(e instanceof LoopJump)) throw e;
      }
      input = out;
    }
    return status;
  }

  async evalCommand(cmd: Command, flags: EvalFlags): Promise<number> {
    switch (cmd.type) {
      case 'simple':
        return this.evalSimple(cmd, flags);
      case 'if':
        return this.withRedirections(cmd.redirs, async () => {
          for (const c of cmd.clauses) {
            if ((await this.evalList(c.cond, TESTED)) === 0) return this.evalList(c.body, flags);
          }
          return cmd.elseBody ? this.evalList(cmd.elseBody, flags) : 0;
        });
      case 'while':
      case 'until':
        return this.withRedirections(cmd.redirs, () => this.evalLoop(cmd, flags));
      case 'for':
        return this.withRedirections(cmd.redirs, () => this.evalFor(cmd, flags));
      case 'group':
        return this.withRedirections(cmd.redirs, () => this.evalList(cmd.body, flags));
      case 'subshell':
        return this.withRedirections(cmd.redirs, async () => {
          const sub = this.clone();
          try {
            return await sub.evalList(cmd.body, flags);
          } catch (e) {
            if (e instanceof ExitShell) return e.status;
            if (e instanceof LoopJump) return sub.status;
            throw e;
          }
        });
    }
  }

  private async loopBody(body: List, flags: EvalFlags): Promise<'break' | 'next'> {
    try {
      this.status = await this.evalList(body, { tested: flags.tested, exit: false });
    } catch (e) {
      if (!(e instanceof LoopJump)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      if (e.kind === 'break') return 'break';
    }
    return 'next';
  }

  private async evalLoop(cmd: LoopCommand, flags: EvalFlags): Promise<number> {
    this.loopDepth++;
    let status = 0;
    try {
      for (;;) {
        const c = await this.evalList(cmd.cond, TESTED);
        if ((cmd.type === 'while') !== (c === 0)) break;
        const r = await this.loopBody(cmd.body, flags);
        status = this.status;
        if (r === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private async evalFor(cmd: ForCommand, flags: EvalFlags): Promise<number> {
    const items: string[] = [];
    if (cmd.items) for (const w of cmd.items) items.push(...(await expandFields(w, this)));
    else items.push(...this.positionalArgs);
    this.loopDepth++;
    let status = 0;
    try {
      for (const item of items) {
        this.setVar(cmd.name, item);
        const r = await this.loopBody(cmd.body, flags);
        status = this.status;
        if (r === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  private async evalSimple(cmd: SimpleCommand, flags: EvalFlags): Promise<number> {
    await this.step();
    this.lineno = cmd.line;
    this.lastSubstitutionStatus = undefined;
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await expandFields(w, this)));
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns) assigns.push([a.name, await expandString(a.value, this)]);
    if (argv.length === 0) {
      for (const [n, v] of assigns) this.setVar(n, v);
      const r = await this.withRedirections(cmd.redirs, async () => 0);
      return r !== 0 ? r : (this.lastSubstitutionStatus ?? 0);
    }
    return this.withRedirections(cmd.redirs, () => this.runCommand(argv, assigns, flags));
  }

  private async runCommand(argv: string[], assigns: [string, string][], flags: EvalFlags): Promise<number> {
    const name = argv[0]!;
    const special = SPECIAL_BUILTINS[name];
    if (special) {
      for (const [n, v] of assigns) this.setVar(n, v);
      return special(this, argv);
    }
    const builtin = SHELL_BUILTINS[name];
    if (builtin) return builtin(this, argv);
    const applet = APPLET_BUILTINS[name];
    if (applet) return applet(this.programContext(this.proc, { ...this.exportedEnv(), ...Object.fromEntries(assigns) }, argv));

    const env = { ...this.exportedEnv(), ...Object.fromEntries(assigns) };
    const target = this.resolve(argv, env);
    if (typeof target === 'number') return target;
    if (flags.exit && !this.mayHaveTraps) {
      // ash execs the last command of `sh -c` instead of forking (so `sh -c 'sleep 3600'`
      // leaves sleep as PID 1).
      const status = await execProgram(this.programContext(this.proc, env, target.argv), target, env);
      throw new ExitShell(status, false);
    }
    const child = new Proc(this.proc.ns, this.proc);
    runInProc(child, target, this.programContext(child, env, target.argv));
    return this.waitForeground(child);
  }

  /** Find an external command; prints ash's message and returns the status when there is none. */
  resolve(argv: string[], env: Record<string, string>, builtin?: string): ExecTarget | number {
    const found = lookupCommand(argv, this.fs, env, this.cwd);
    if (found.ok) return found.target;
    if (found.errno === 'ENOEXEC' && found.path !== undefined) {
      // ash runs a file that is not a binary as a shell script.
      return { path: found.path, program: shellMain, argv: [found.path, ...argv.slice(1)] };
    }
    const msg = found.errno === 'EACCES' ? 'Permission denied' : 'not found';
    this.errorLine(`${argv[0]}: ${msg}`, builtin);
    return found.errno === 'EACCES' ? 126 : NOT_FOUND_STATUS;
  }

  /** Wait for a foreground child. Signals to the shell do not interrupt this (ash's DOWAIT_BLOCK): traps run after. */
  async waitForeground(child: Proc): Promise<number> {
    const t0 = this.clock.now();
    const e = await untilAborted(child.exited, this.proc.signal);
    if (this.clock.now() > t0) this.busySteps = 0;
    this.reportSignalled(e.signal);
    return e.exitCode;
  }

  /** ash prints the signal's description when a waited-for job was killed (not for SIGINT/SIGPIPE). */
  reportSignalled(sig: SignalName | undefined): void {
    if (sig && sig !== 'SIGINT' && sig !== 'SIGPIPE') this.writeFd(2, `${SIGNAL_DESCRIPTIONS[sig] ?? sig}\n`);
  }

  /** The context a program (or an applet run as a builtin) gets: output through the current fds. */
  programContext(proc: Proc, env: Record<string, string>, argv: string[]): ProgramContext {
    const fds = this.fds;
    const out = (fd: number) => (data: string) => {
      if (!proc.alive) return;
      const f = fds.get(fd);
      if (f?.kind === 'out') f.write(data);
    };
    return {
      argv,
      env,
      cwd: this.cwd,
      fs: this.fs,
      clock: this.clock,
      proc,
      stdin: this.takeStdin(),
      stdout: out(1),
      stderr: out(2),
      appletName: proc === this.proc ? this.appletName : baseName(argv[0] ?? ''),
    };
  }

  /**
   * The unread rest of fd 0, as a snapshot: only `read` advances the offset (a program that
   * reads stdin to the end inside a `while read` loop is not modelled).
   */
  private takeStdin(): string {
    const f = this.fds.get(0);
    return f?.kind === 'in' ? f.content.slice(f.offset) : '';
  }

  private async startBackground(andOr: AndOr): Promise<void> {
    const child = new Proc(this.proc.ns, this.proc);
    const sub = this.clone(child);
    this.jobs.set(child.pid, child);
    this.lastBgPid = child.pid;
    const run = async (): Promise<number> => {
      try {
        // The job's shell ends after the list, so its last command is exec'd (ash forks with EV_EXIT).
        return await sub.evalAndOr(andOr, { tested: false, exit: true });
      } catch (e) {
        if (e instanceof ExitShell) return e.status;
        if (e instanceof LoopJump) return sub.status;
        throw e;
      }
    };
    run().then(
      (code) => child.exit(code),
      () => child.exit(SIGNAL_EXIT_BASE + signalNumber('SIGKILL')),
    );
  }

  // ---- redirections ----------------------------------------------------------------------

  async withRedirections(redirs: Redir[], fn: () => Promise<number>): Promise<number> {
    if (redirs.length === 0) return fn();
    const saved = this.fds;
    const fds = await this.applyRedirections(redirs);
    if (!fds) return 1;
    this.fds = fds;
    try {
      return await fn();
    } finally {
      if (this.keepRedirections) this.keepRedirections = false;
      else this.fds = saved;
    }
  }

  /** Open the redirections left to right; on failure print ash's message and return undefined. */
  async applyRedirections(redirs: Redir[]): Promise<FdTable | undefined> {
    const fds: FdTable = new Map(this.fds);
    for (const r of redirs) {
      const target = await expandString(r.target, this);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') {
          fds.set(r.fd, r.op === '>&' ? NULL_OUT : { kind: 'in', content: '', offset: 0 });
          continue;
        }
        if (/^\d+$/.test(target)) {
          const src = fds.get(Number(target));
          if (!src) {
            this.errorLine(`${target}: Bad file descriptor`);
            return undefined;
          }
          fds.set(r.fd, src);
          continue;
        }
      }
      const path = normalizePath(target, this.cwd);
      if (r.op === '<' || r.op === '<>' || r.op === '<&') {
        const content = this.fs.read(path);
        if (content === undefined && !this.fs.isDir(path)) {
          this.errorLine(`can't open ${target}: no such file`);
          return undefined;
        }
        fds.set(r.fd, { kind: 'in', content: content ?? '', offset: 0 });
        continue;
      }
      if (path === '/dev/stdout' || path === '/proc/self/fd/1') {
        fds.set(r.fd, fds.get(1) ?? NULL_OUT);
        continue;
      }
      if (path === '/dev/stderr' || path === '/proc/self/fd/2') {
        fds.set(r.fd, fds.get(2) ?? NULL_OUT);
        continue;
      }
      if (path === '/dev/null') {
        fds.set(r.fd, NULL_OUT);
        continue;
      }
      if (this.fs.isDir(path)) {
        this.errorLine(`can't create ${target}: Is a directory`);
        return undefined;
      }
      if (!this.fs.isDir(parentPath(path))) {
        this.errorLine(`can't create ${target}: nonexistent directory`);
        return undefined;
      }
      if (r.op !== '>>') this.fs.write(path, '');
      else if (!this.fs.exists(path)) this.fs.write(path, '');
      const fs = this.fs;
      fds.set(r.fd, { kind: 'out', write: (d) => fs.write(path, d, true) });
    }
    return fds;
  }

  // ---- busy loops --------------------------------------------------------------------------

  /** Count a command; let the clock move during busy loops; park a loop that never waits. */
  private async step(): Promise<void> {
    this.busySteps++;
    if (this.busySteps >= BUSY_STEP_LIMIT) await this.park();
    else if (this.busySteps % BUSY_YIELD_EVERY === 0) {
      await this.clock.sleep(BUSY_YIELD_MS, this.proc.signal, `pid ${this.proc.pid} sh busy loop`);
    }
  }

  private async park(): Promise<never> {
    if (!this.parkNoticeShown) {
      this.parkNoticeShown = true;
      this.writeFd(2, `crilab: ${this.arg0}: stopped after ${BUSY_STEP_LIMIT} commands without a sleep (simulation limit; see docs/shell.md)\n`);
    }
    for (;;) {
      await this.waitInterruptible(new Promise<never>(() => undefined));
      await this.runPendingTraps();
    }
  }
}

