import { describe, expect, it } from 'vitest';
import {
  busyboxRootfs,
  createContainerFs,
  EntrypointError,
  programFile,
  resolveEntrypoint,
  startProcess,
} from '../../src/runtime/shell/index.js';
import { SimClock } from '../../src/clock/index.js';
import { runArgv } from './shell-helpers.js';

const pauseFs = () => createContainerFs({ '/pause': { kind: 'program', program: 'pause' } });
const nginxFs = () =>
  createContainerFs({
    ...busyboxRootfs(),
    '/docker-entrypoint.sh': programFile('docker-entrypoint.sh'),
    '/usr/sbin/nginx': { kind: 'program', program: 'nginx' },
  });

describe('resolveEntrypoint: what StartContainer reports when runc cannot exec argv[0]', () => {
  const fs = createContainerFs(busyboxRootfs());
  it('an absolute path that does not exist: containerd 1.6 / runc 1.1 wording', () => {
    const r = resolveEntrypoint(['/app/server'], fs, { PATH: '/bin' });
    expect(r).toEqual({
      ok: false,
      reason: 'exec: "/app/server": stat /app/server: no such file or directory',
      error:
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown',
    });
  });

  it('a bare name not on PATH, a directory, and no command at all', () => {
    expect(resolveEntrypoint(['server'], fs, { PATH: '/bin' })).toMatchObject({ ok: false, reason: 'exec: "server": executable file not found in $PATH' });
    expect(resolveEntrypoint(['/tmp'], fs, {})).toMatchObject({ ok: false, reason: 'exec: "/tmp": permission denied' });
    expect(resolveEntrypoint([], fs, {})).toMatchObject({ ok: false, reason: 'no command specified' });
  });

  it('finds busybox applets through PATH (default PATH when the env has none)', () => {
    expect(resolveEntrypoint(['sh', '-c', 'true'], fs, {})).toMatchObject({ ok: true, path: '/bin/sh' });
  });

  it('startProcess throws the same error, with the exec variant for ExecSync', () => {
    const clock = new SimClock();
    let caught: unknown;
    try {
      startProcess({ argv: ['bash'], env: {}, fs, clock, pid1: false, onOutput: () => undefined });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EntrypointError);
    expect((caught as EntrypointError).execMessage).toBe(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown',
    );
  });
});

describe('the pause program', () => {
  it('sleeps until SIGTERM, then prints psignal text and exits 0', async () => {
    const r = await runArgv(['/pause'], { fs: pauseFs(), signals: [[3_600_000, 'SIGTERM']] });
    expect(r.exit).toEqual({ exitCode: 0 });
    expect(r.elapsed).toBe(3_600_000);
    expect(r.stderr).toBe('Shutting down, got signal: Terminated\n');
  });

  it('exits 0 on SIGINT too, dies with 137 on SIGKILL, and warns when not PID 1', async () => {
    expect((await runArgv(['/pause'], { fs: pauseFs(), signals: [[10, 'SIGINT']] })).stderr).toBe('Shutting down, got signal: Interrupt\n');
    expect((await runArgv(['/pause'], { fs: pauseFs(), signals: [[10, 'SIGKILL']] })).exit).toEqual({ exitCode: 137, signal: 'SIGKILL' });
    const notInit = await runArgv(['/pause'], { fs: pauseFs(), pid1: false, signals: [[10, 'SIGTERM']] });
    expect(notInit.stderr).toBe('Warning: pause should be the first process\nShutting down, got signal: Terminated\n');
  });
});

describe('the nginx image', () => {
  it('entrypoint lines on stdout, nginx notices on stderr, graceful exit 0 on SIGQUIT', async () => {
    const r = await runArgv(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], { fs: nginxFs(), signals: [[60_000, 'SIGQUIT']] });
    expect(r.stdout.split('\n')[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    expect(r.stdout).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up\n');
    const err = r.stderr.split('\n').filter(Boolean);
    expect(err[0]).toBe('2026/01/01 00:00:00 [notice] 1#1: using the "epoll" event method');
    expect(err).toContain('2026/01/01 00:00:00 [notice] 1#1: start worker processes');
    expect(err).toContain('2026/01/01 00:01:00 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down');
    expect(err[err.length - 1]).toBe('2026/01/01 00:01:00 [notice] 1#1: exit');
    expect(r.exit).toEqual({ exitCode: 0 });
  });

  it('SIGTERM is a fast shutdown, also exit 0; without daemon off nginx leaves at once', async () => {
    const term = await runArgv(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], { fs: nginxFs(), signals: [[1_000, 'SIGTERM']] });
    expect(term.stderr).toContain('[notice] 1#1: signal 15 (SIGTERM) received, exiting\n');
    expect(term.exit.exitCode).toBe(0);
    const daemon = await runArgv(['nginx'], { fs: nginxFs() });
    expect(daemon.exit.exitCode).toBe(0);
    expect(daemon.elapsed).toBe(0);
  });

  it('a program an image has but crilab does not simulate says so and exits 127', async () => {
    const fs = createContainerFs({ '/usr/local/bin/redis-server': { kind: 'program', program: 'redis-server' } });
    const r = await runArgv(['redis-server'], { fs });
    expect(r.stderr).toBe('crilab: redis-server: this program is not simulated (see docs/shell.md)\n');
    expect(r.exit.exitCode).toBe(127);
  });
});

describe('processes of one container share a PID namespace', () => {
  it('an exec can signal PID 1; a TERM trap there ends the container', async () => {
    const { runToCompletion } = await import('../../src/runtime/shell/index.js');
    const clock = new SimClock();
    clock.start();
    const fs = createContainerFs(busyboxRootfs());
    const out: string[] = [];
    const main = startProcess({
      argv: ['sh', '-c', 'trap "echo stopping; exit 0" TERM; sleep 3600 & wait'],
      env: {},
      fs,
      clock,
      pid1: true,
      onOutput: (_s, d) => out.push(d),
    });
    await clock.sleep(5_000);
    const r = await runToCompletion({ argv: ['kill', '1'], env: {}, fs, clock, pid1: false, pids: main.pids, onOutput: () => undefined });
    expect(r.exitCode).toBe(0);
    expect(await main.exited).toEqual({ exitCode: 0 });
    expect(out).toEqual(['stopping\n']);
    clock.stop();
  });
});
