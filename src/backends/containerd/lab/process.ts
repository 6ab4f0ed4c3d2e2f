/** Running commands and managing the lab's detached daemons. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** set when the command could not be started at all (e.g. ENOENT) */
  spawnError?: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

/** Runs a command to completion; never throws. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(cmd, args, {
      env: opts.env ?? daemonEnv(),
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n(timed out after ${opts.timeoutMs} ms)`;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, spawnError: err.message });
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The first meaningful line of a failed command's output, for error messages. */
export function failureText(cmd: string, r: RunResult): string {
  if (r.spawnError) return `${cmd}: ${r.spawnError}`;
  const text = (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean);
  const last = text.slice(-3).join(' | ');
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `${cmd} (${how})${last ? `: ${last}` : ''}`;
}

/** Finds an executable in PATH (plus the sbin dirs, which a non-login root shell may miss). */
export function which(cmd: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(':').concat(['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const d of dirs) {
    if (!d) continue;
    const p = `${d}/${cmd}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Command line of a process as an argv array, or undefined when it is gone. */
export function pidArgv(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined; // zombie or kernel thread
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Parent pid of a process (from /proc/PID/stat), or undefined. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

/** All pids on the host. */
export function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/**
 * True when `pid` is alive and its command line matches: same executable name (argv[0] basename)
 * and contains every `mustContain` argument. Guards against killing a recycled pid.
 */
export function pidMatches(pid: number, exe: string, mustContain: readonly string[]): boolean {
  if (!pidAlive(pid)) return false;
  const argv = pidArgv(pid);
  if (!argv || argv.length === 0) return false;
  const base = (argv[0] ?? '').split('/').pop();
  if (base !== exe) return false;
  return mustContain.every((m) => argv.includes(m));
}

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Our environment with the system dirs in PATH (containerd looks up runc and the shims there). */
export function daemonEnv(): NodeJS.ProcessEnv {
  const have = (process.env['PATH'] ?? '').split(':').filter(Boolean);
  const path = [...have, ...SYSTEM_PATH.filter((d) => !have.includes(d))].join(':');
  return { ...process.env, PATH: path };
}

export interface Detached {
  pid: number;
}

/**
 * Starts a daemon in its own session (it outlives us), stdout+stderr appended to `logFile`,
 * and writes its pid to `pidFile`. Rejects if it cannot be spawned.
 */
export function spawnDetached(
  cmd: string,
  args: readonly string[],
  logFile: string,
  pidFile: string,
): Promise<Detached> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'a');
    let child;
    try {
      child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: daemonEnv() });
    } finally {
      fs.closeSync(fd);
    }
    child.once('error', (err) => reject(err));
    child.once('spawn', () => {
      const pid = child.pid;
      if (pid === undefined) return reject(new Error(`${cmd} did not start`));
      fs.writeFileSync(pidFile, `${pid}\n`);
      child.unref();
      resolve({ pid });
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(intervalMs);
  }
}

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL. Returns how it ended.
 * The caller must have checked the pid is ours (see pidMatches).
 */
export async function terminate(pid: number, graceMs: number): Promise<'not-running' | 'terminated' | 'killed' | 'survived'> {
  if (!pidAlive(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  if (await waitFor(() => (pidAlive(pid) ? undefined : true), graceMs, 50)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  if (await waitFor(() => (pidAlive(pid) ? undefined : true), 5000, 50)) return 'killed';
  return 'survived';
}

export function readPidFile(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
