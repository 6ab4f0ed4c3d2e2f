import { baseName, normalizePath, type ContainerFs } from './container-fs.js';
import { findProgram, PROGRAM_MARKER } from './programs/index.js';
import { isAbortError, type Proc } from './proc.js';
import type { Program, ProgramContext } from './program.js';

/** The PATH of the official busybox image and of most images; used when the environment has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A file that can be executed: the program behind it and the argv it gets (changed for `#!` scripts). */
export interface ExecTarget {
  path: string;
  program: Program;
  argv: string[];
}

export type LookupResult =
  | { ok: true; target: ExecTarget }
  /** ENOENT: no such file (or not on PATH); EACCES: a directory; ENOEXEC: not a program nor a `#!` script. */
  | { ok: false; errno: 'ENOENT' | 'EACCES' | 'ENOEXEC'; path?: string };

/**
 * Find what `argv[0]` names, as execvp does: a name with a `/` is a path (relative to `cwd`),
 * otherwise each PATH directory is tried. A file holding a program marker runs that program;
 * a file starting with `#!` runs its interpreter with the script's path inserted.
 */
export function lookupCommand(argv: string[], fs: ContainerFs, env: Record<string, string>, cwd = '/'): LookupResult {
  const name = argv[0];
  if (name === undefined || name === '') return { ok: false, errno: 'ENOENT' };
  const candidates = name.includes('/')
    ? [normalizePath(name, cwd)]
    : (env.PATH ?? DEFAULT_PATH).split(':').map((dir) => normalizePath(`${dir || '.'}/${name}`, cwd));
  let sawDir: string | undefined;
  for (const path of candidates) {
    if (fs.isDir(path)) {
      sawDir ??= path;
      continue;
    }
    const content = fs.read(path);
    if (content === undefined || path === '/dev/null') continue;
    return fromFile(path, content, argv, fs, env);
  }
  if (sawDir !== undefined && name.includes('/')) return { ok: false, errno: 'EACCES', path: sawDir };
  return { ok: false, errno: 'ENOENT' };
}

function fromFile(path: string, content: string, argv: string[], fs: ContainerFs, env: Record<string, string>, depth = 0): LookupResult {
  if (content.startsWith(PROGRAM_MARKER)) {
    const program = findProgram(content.slice(PROGRAM_MARKER.length).trim());
    return { ok: true, target: { path, program, argv } };
  }
  if (content.startsWith('#!') && depth < 4) {
    const [interp, ...rest] = content.slice(2).split('\n', 1)[0]!.trim().split(/\s+/);
    if (!interp) return { ok: false, errno: 'ENOEXEC', path };
    // The kernel passes everything after the interpreter as one argument.
    const optArg = rest.length > 0 ? [rest.join(' ')] : [];
    const interpContent = fs.isDir(interp) ? undefined : fs.read(interp);
    if (interpContent === undefined) return { ok: false, errno: 'ENOENT', path: interp };
    return fromFile(interp, interpContent, [interp, ...optArg, path, ...argv.slice(1)], fs, env, depth + 1);
  }
  return { ok: false, errno: 'ENOEXEC', path };
}

/** Run `target` as the program of `proc` (a fresh process, or one that exec'd). */
export function runInProc(proc: Proc, target: ExecTarget, ctx: Omit<ProgramContext, 'argv' | 'proc' | 'appletName'>): void {
  // Spelled out rather than spread: V8 copies a spread of these differently-shaped contexts
  // through its slow path, and every container and pause process starts here.
  const full: ProgramContext = {
    argv: target.argv,
    env: ctx.env,
    cwd: ctx.cwd,
    fs: ctx.fs,
    clock: ctx.clock,
    proc,
    stdin: ctx.stdin,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    appletName: baseName(target.argv[0] ?? ''),
  };
  target.program(full).then(
    (code) => proc.exit(code),
    (err: unknown) => {
      if (!proc.alive) return;
      if (!isAbortError(err)) full.stderr(`crilab: ${full.appletName}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      proc.exit(255);
    },
  );
}

/**
 * execve() from inside a running program: the process keeps its PID (and PID-1-ness), caught
 * signals go back to their defaults, and the new program's status becomes the process's.
 */
export async function execProgram(ctx: ProgramContext, target: ExecTarget, env: Record<string, string>): Promise<number> {
  ctx.proc.resetForExec();
  return target.program({ ...ctx, env, argv: target.argv, appletName: baseName(target.argv[0] ?? '') });
}
