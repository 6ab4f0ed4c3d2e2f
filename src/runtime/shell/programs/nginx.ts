import { execProgram, lookupCommand } from '../launcher.js';
import { abortError } from '../../../clock/clock.js';
import type { ProgramContext } from '../program.js';
import { signalNumber, type SignalName } from '../signals.js';

/** The nginx the simulated image claims to be (official image, Debian variant). */
export const NGINX_VERSION = '1.25.3';
const NGINX_BUILT_BY = 'built by gcc 12.2.0 (Debian 12.2.0-14) ';

/** What the official image's /docker-entrypoint.sh prints (stdout) before it execs nginx. */
const ENTRYPOINT_LINES = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
  '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
];

/**
 * An official image's /docker-entrypoint.sh: nginx's runs its configuration steps when the
 * command is nginx (printing the lines above); like redis's, it then execs the command, so
 * the server ends up as PID 1.
 */
export async function dockerEntrypointMain(ctx: ProgramContext): Promise<number> {
  const cmd = ctx.argv.slice(1);
  if (cmd.length === 0) return 0;
  if (cmd[0] === 'nginx' || cmd[0] === 'nginx-debug') ctx.stdout(ENTRYPOINT_LINES.map((l) => `${l}\n`).join(''));
  const found = lookupCommand(cmd, ctx.fs, ctx.env, ctx.cwd);
  if (!found.ok) {
    ctx.stderr(`/docker-entrypoint.sh: exec: line 47: ${cmd[0]}: not found\n`);
    return 127;
  }
  return execProgram(ctx, found.target, ctx.env);
}

/**
 * nginx's master process as the container sees it: startup notices on stderr (the image links
 * the error log to /dev/stderr), one worker, then it serves until a signal: SIGQUIT is a
 * graceful shutdown (the image's STOPSIGNAL), SIGTERM/SIGINT a fast one; both exit 0.
 * Without `-g 'daemon off;'` nginx daemonizes, so the container's process exits at once.
 */
export async function nginxMain(ctx: ProgramContext): Promise<number> {
  const args = ctx.argv.slice(1);
  if (args.includes('-v') || args.includes('-V')) {
    ctx.stderr(`nginx version: nginx/${NGINX_VERSION}\n`);
    return 0;
  }
  const master = ctx.proc.pid;
  const worker = ctx.proc.ns.allocate();
  const log = (pid: number, msg: string): void => ctx.stderr(`${nginxTime(ctx.clock.now())} [notice] ${pid}#${pid}: ${msg}\n`);
  if (args.includes('-t')) {
    ctx.stderr('nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n');
    return 0;
  }
  log(master, 'using the "epoll" event method');
  log(master, `nginx/${NGINX_VERSION}`);
  log(master, NGINX_BUILT_BY);
  log(master, 'OS: Linux 6.1.0-crilab');
  log(master, 'getrlimit(RLIMIT_NOFILE): 1048576:1048576');
  log(master, 'start worker processes');
  log(master, `start worker process ${worker}`);
  const foreground = args.some((a, i) => args[i - 1] === '-g' && /daemon\s+off/.test(a));
  if (!foreground) return 0;

  return new Promise<number>((resolve, reject) => {
    const stop = (sig: SignalName): void => {
      const n = signalNumber(sig);
      if (sig === 'SIGQUIT') {
        log(master, `signal ${n} (${sig}) received, shutting down`);
        log(worker, 'gracefully shutting down');
      } else log(master, `signal ${n} (${sig}) received, exiting`);
      log(worker, 'exiting');
      log(worker, 'exit');
      log(master, `signal 17 (SIGCHLD) received from ${worker}`);
      log(master, `worker process ${worker} exited with code 0`);
      log(master, 'exit');
      resolve(0);
    };
    for (const sig of ['SIGQUIT', 'SIGTERM', 'SIGINT'] as const) ctx.proc.setDisposition(sig, stop);
    // The process is gone (SIGKILL): end with the shared AbortError, which nobody reads.
    ctx.proc.signal.addEventListener('abort', () => reject(abortError()), { once: true });
  });
}

/** nginx's error-log time: `2026/01/01 00:00:00` (local time; UTC in containers). */
function nginxTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
