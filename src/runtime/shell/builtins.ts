import { echoMain } from './applets/echo.js';
import { falseMain, trueMain } from './applets/env-applets.js';
import { killMain } from './applets/kill.js';
import { printfMain } from './applets/printf.js';
import { testMain } from './applets/test.js';
import { normalizePath } from './container-fs.js';
import { execProgram } from './launcher.js';
import type { Program } from './program.js';
import { ExitShell, LoopJump, type Shell, type TrapKey } from './shell.js';
import { parseSignal, SIGNAL_EXIT_BASE, SIGNAL_NUMBERS, signalNumber } from './signals.js';

export type Builtin = (sh: Shell, argv: string[]) => Promise<number>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single-quote a value the way ash prints it in `export -p`, `set`, `trap`. */
function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'"'"'`)}'`;
}

function parseTrapKey(text: string): TrapKey | undefined {
  if (text === 'EXIT' || text === '0') return 'EXIT';
  return parseSignal(text);
}

/** POSIX special builtins: assignments before them persist. */
export const SPECIAL_BUILTINS: Readonly<Record<string, Builtin>> = {
  ':': async () => 0,
  async exit(sh, argv) {
    const arg = argv[1];
    if (arg !== undefined && !/^\d+$/.test(arg)) {
      sh.errorLine(`Illegal number: ${arg}`, 'exit');
      throw new ExitShell(2);
    }
    throw new ExitShell(arg === undefined ? sh.status : Number(arg) & 0xff);
  },
  async export(sh, argv) {
    const names = argv.slice(1).filter((a) => a !== '-p');
    if (names.length === 0) {
      for (const [k, v] of sh.vars) if (v.exported) sh.writeFd(1, `export ${k}=${shellQuote(v.value)}\n`);
      return 0;
    }
    for (const a of names) {
      const i = a.indexOf('=');
      const name = i < 0 ? a : a.slice(0, i);
      if (!NAME.test(name)) {
        sh.errorLine(`${name}: bad variable name`, 'export');
        return 2;
      }
      if (i < 0) sh.setVar(name, sh.vars.get(name)?.value ?? '', true);
      else sh.setVar(name, a.slice(i + 1), true);
      if (i < 0 && !sh.vars.get(name)?.value) sh.vars.get(name)!.exported = true;
    }
    return 0;
  },
  async readonly(sh, argv) {
    for (const a of argv.slice(1)) {
      const i = a.indexOf('=');
      if (i > 0) sh.setVar(a.slice(0, i), a.slice(i + 1));
    }
    return 0;
  },
  async unset(sh, argv) {
    for (const a of argv.slice(1)) if (a !== '-v' && a !== '-f') sh.vars.delete(a);
    return 0;
  },
  async set(sh, argv) {
    const args = argv.slice(1);
    if (args.length === 0) {
      for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1))) sh.writeFd(1, `${k}=${shellQuote(v.value)}\n`);
      return 0;
    }
    while (args.length > 0) {
      const a = args[0]!;
      if (a === '--') {
        args.shift();
        sh.positionalArgs = args;
        return 0;
      }
      if (!/^[-+][a-zA-Z]+$/.test(a)) break;
      args.shift();
      // -e is honoured; -x, -u, -f and the like are accepted and ignored.
      if (a.slice(1).includes('e')) sh.errexit = a.startsWith('-');
    }
    if (args.length > 0) sh.positionalArgs = args;
    return 0;
  },
  async shift(sh, argv) {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 0 || n > sh.positionalArgs.length) return 1;
    sh.positionalArgs = sh.positionalArgs.slice(n);
    return 0;
  },
  async trap(sh, argv) {
    const args = argv.slice(1);
    if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
      const entries = [...sh.traps].sort(([a], [b]) => keyNumber(a) - keyNumber(b));
      for (const [k, action] of entries) sh.writeFd(1, `trap -- ${shellQuote(action)} ${k === 'EXIT' ? 'EXIT' : k.slice(3)}\n`);
      return 0;
    }
    // `trap N…` with a number first resets those signals; `trap - SIG…` too.
    let action: string | undefined = args[0];
    let sigs = args.slice(1);
    if (/^\d+$/.test(action!) || action === '-') {
      if (action !== '-') sigs = args;
      action = undefined;
    }
    let status = 0;
    for (const s of sigs) {
      const key = parseTrapKey(s);
      if (!key || key === 'SIGKILL' || key === 'SIGSTOP') {
        sh.errorLine(`${s}: invalid signal specification`, 'trap');
        status = 1;
        continue;
      }
      sh.setTrap(key, action);
    }
    return status;
  },
  async exec(sh, argv) {
    if (argv.length === 1) {
      sh.keepRedirections = true; // `exec >file 2>&1`: the redirections stay
      return 0;
    }
    const args = argv.slice(1);
    const env = sh.exportedEnv();
    const target = sh.resolve(args, env, 'exec');
    if (typeof target === 'number') throw new ExitShell(target);
    const status = await execProgram(sh.programContext(sh.proc, env, target.argv), target, env);
    throw new ExitShell(status, false);
  },
  async eval(sh, argv) {
    return sh.evalString(argv.slice(1).join(' '));
  },
  async '.'(sh, argv) {
    const file = argv[1];
    if (file === undefined) return 0;
    const src = sh.fs.read(normalizePath(file, sh.cwd));
    if (src === undefined) {
      sh.errorLine(`can't open '${file}': No such file or directory`);
      throw new ExitShell(2);
    }
    return sh.evalString(src);
  },
  async break(sh, argv) {
    return loopJump(sh, 'break', argv);
  },
  async continue(sh, argv) {
    return loopJump(sh, 'continue', argv);
  },
};

function keyNumber(k: TrapKey): number {
  return k === 'EXIT' ? 0 : SIGNAL_NUMBERS[k];
}

function loopJump(sh: Shell, kind: 'break' | 'continue', argv: string[]): number {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 1) {
    sh.errorLine(`Illegal number: ${argv[1]}`, kind);
    return 2;
  }
  if (sh.loopDepth === 0) return 0; // ash ignores break/continue outside a loop
  throw new LoopJump(kind, Math.min(n, sh.loopDepth));
}

/** Regular builtins that need the shell's state. */
export const SHELL_BUILTINS: Readonly<Record<string, Builtin>> = {
  async cd(sh, argv) {
    const dir = argv[1] ?? sh.vars.get('HOME')?.value ?? '/';
    const path = normalizePath(dir, sh.cwd);
    if (!sh.fs.isDir(path)) {
      sh.errorLine(`can't cd to ${dir}: ${sh.fs.exists(path) ? 'Not a directory' : 'No such file or directory'}`, 'cd');
      return 2;
    }
    sh.cwd = path;
    sh.setVar('PWD', path);
    return 0;
  },
  async pwd(sh) {
    sh.writeFd(1, `${sh.cwd}\n`);
    return 0;
  },
  /**
   * `wait [PID…]`: unlike a foreground command, waiting here is interrupted by a trapped
   * signal: wait returns 128+N and the trap runs (ash's DOWAIT_BLOCK_OR_SIG) — which is why
   * scripts use `sleep 3600 & wait` to react to SIGTERM promptly.
   */
  async wait(sh, argv) {
    const pids = argv.slice(1);
    if (pids.length === 0) {
      for (;;) {
        const running = [...sh.jobs.values()].filter((p) => p.alive);
        if (running.length === 0) {
          sh.jobs.clear();
          return 0;
        }
        const r = await sh.waitInterruptible(Promise.race(running.map((p) => p.exited)));
        if ('signal' in r) return SIGNAL_EXIT_BASE + signalNumber(r.signal);
      }
    }
    let status = 127;
    for (const a of pids) {
      if (!/^\d+$/.test(a)) {
        sh.errorLine(`${a}: no such job`, 'wait');
        status = 127;
        continue;
      }
      const job = sh.jobs.get(Number(a));
      if (!job) {
        status = 127;
        continue;
      }
      const r = await sh.waitInterruptible(job.exited);
      if ('signal' in r) return SIGNAL_EXIT_BASE + signalNumber(r.signal);
      sh.reportSignalled(r.value.signal);
      status = r.value.exitCode;
      sh.jobs.delete(job.pid);
    }
    return status;
  },
  /** `read [-r] [NAME…]`: one line from fd 0 split on blanks (status 1 at end of input). */
  async read(sh, argv) {
    const args = argv.slice(1);
    const raw = args[0] === '-r';
    const names = (raw ? args.slice(1) : args).filter((a) => !a.startsWith('-'));
    if (names.length === 0) names.push('REPLY');
    const fd = sh.fds.get(0);
    if (fd?.kind !== 'in' || fd.offset >= fd.content.length) {
      for (const n of names) sh.setVar(n, '');
      return 1;
    }
    const nl = fd.content.indexOf('\n', fd.offset);
    let line = fd.content.slice(fd.offset, nl < 0 ? undefined : nl);
    fd.offset = nl < 0 ? fd.content.length : nl + 1;
    if (!raw) line = line.replace(/\\(.)/g, '$1');
    const fields = line.trim().split(/[ \t]+/).filter(Boolean);
    names.forEach((n, i) => {
      if (i === names.length - 1) sh.setVar(n, fields.slice(i).join(' '));
      else sh.setVar(n, fields[i] ?? '');
    });
    return nl < 0 ? 1 : 0;
  },
};

/** busybox applets that ash runs as builtins (no new process). */
export const APPLET_BUILTINS: Readonly<Record<string, Program>> = {
  echo: echoMain,
  printf: printfMain,
  test: testMain,
  '[': testMain,
  '[[': testMain,
  true: trueMain,
  false: falseMain,
  kill: killMain,
};
