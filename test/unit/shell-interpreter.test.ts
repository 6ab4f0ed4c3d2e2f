import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.js';
import { BUSY_STEP_LIMIT, busyboxRootfs, createContainerFs, runToCompletion, startProcess } from '../../src/runtime/shell/index.js';
import { runArgv, sh } from './shell-helpers.js';

describe('container processes on the simulated clock', () => {
  it("sh -c 'echo hello; sleep 1; exit 3': prints hello, exits 3 after exactly 1000 ms", async () => {
    const r = await sh('echo hello; sleep 1; exit 3');
    expect(r.events).toEqual([{ at: 0, stream: 'stdout', data: 'hello\n' }]);
    expect(r.exit).toEqual({ exitCode: 3 });
    expect(r.elapsed).toBe(1000);
  });

  it('the liveness-probe example: /tmp/healthy exists for 30 s, then is removed', async () => {
    const clock = new SimClock();
    clock.start();
    const fs = createContainerFs(busyboxRootfs());
    const env = { PATH: '/bin' };
    const main = startProcess({ argv: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'], env, fs, clock, pid1: true, onOutput: () => undefined });
    const probe = () => runToCompletion({ argv: ['cat', '/tmp/healthy'], env, fs, clock, pid1: false, onOutput: () => undefined }, { timeoutMs: 1000 });
    const results: [number, number, string][] = [];
    for (const at of [5_000, 29_000, 31_000, 60_000]) {
      await clock.sleep(at - (clock.now() - Date.UTC(2026, 0, 1)));
      const r = await probe();
      results.push([at, r.exitCode, r.stderr]);
    }
    expect(results).toEqual([
      [5_000, 0, ''],
      [29_000, 0, ''],
      [31_000, 1, "cat: can't open '/tmp/healthy': No such file or directory\n"],
      [60_000, 1, "cat: can't open '/tmp/healthy': No such file or directory\n"],
    ]);
    expect(main.running).toBe(true);
    main.kill('SIGKILL');
    expect(await main.exited).toEqual({ exitCode: 137, signal: 'SIGKILL' });
    clock.stop();
  });

  it('while true; do echo tick; sleep 5; done prints one line per 5 s', async () => {
    const r = await sh('while true; do echo tick; sleep 5; done', { signals: [[17_000, 'SIGKILL']] });
    expect(r.events.map((e) => [e.at, e.data])).toEqual([
      [0, 'tick\n'],
      [5_000, 'tick\n'],
      [10_000, 'tick\n'],
      [15_000, 'tick\n'],
    ]);
    expect(r.exit.exitCode).toBe(137);
  });

  it('an unknown command: busybox wording on stderr, status 127', async () => {
    const r = await sh('nosuch arg; echo "status $?"');
    expect(r.stderr).toBe('sh: nosuch: not found\n');
    expect(r.stdout).toBe('status 127\n');
    const abs = await runArgv(['/bin/sh', '-c', '/app/server']);
    expect(abs.stderr).toBe('/bin/sh: /app/server: not found\n');
    expect(abs.exit.exitCode).toBe(127);
  });
});

describe('signals and PID 1', () => {
  it('PID 1 without a handler ignores SIGTERM; SIGKILL kills it with 137', async () => {
    const r = await sh('sleep 3600', { signals: [[1_000, 'SIGTERM'], [31_000, 'SIGKILL']] });
    expect(r.exit).toEqual({ exitCode: 137, signal: 'SIGKILL' });
    expect(r.elapsed).toBe(31_000);
  });

  it('a shell that is PID 1 without a trap also ignores SIGTERM and SIGINT', async () => {
    const r = await sh('echo start; sleep 10; echo done', { signals: [[1_000, 'SIGTERM'], [2_000, 'SIGINT']] });
    expect(r.stdout).toBe('start\ndone\n');
    expect(r.exit).toEqual({ exitCode: 0 });
    expect(r.elapsed).toBe(10_000);
  });

  it('not PID 1 (an exec): SIGTERM takes the default action, exit 143', async () => {
    const r = await sh('sleep 3600', { pid1: false, signals: [[1_000, 'SIGTERM']] });
    expect(r.exit).toEqual({ exitCode: 143, signal: 'SIGTERM' });
    expect(r.elapsed).toBe(1_000);
  });

  it('a TERM trap runs only after the foreground sleep ends (ash waits for the child first)', async () => {
    const r = await sh('trap "echo got TERM; exit 0" TERM; sleep 10; echo after', { signals: [[2_000, 'SIGTERM']] });
    expect(r.events).toEqual([{ at: 10_000, stream: 'stdout', data: 'got TERM\n' }]);
    expect(r.exit).toEqual({ exitCode: 0 });
  });

  it('with sleep & wait the trap runs at once; wait returns 128+15', async () => {
    const r = await sh('trap "echo got TERM" TERM; sleep 3600 & wait; echo "wait=$?"', { signals: [[2_000, 'SIGTERM']] });
    expect(r.events.map((e) => [e.at, e.data])).toEqual([
      [2_000, 'got TERM\n'],
      [2_000, 'wait=143\n'],
    ]);
    expect(r.exit.exitCode).toBe(0);
    expect(r.elapsed).toBe(2_000);
  });

  it('trap - TERM restores the default (ignored again in PID 1); EXIT traps run on exit', async () => {
    const r = await sh('trap "echo t" TERM; trap - TERM; trap "echo bye" EXIT; sleep 5; exit 4', { signals: [[1_000, 'SIGTERM']] });
    expect(r.stdout).toBe('bye\n');
    expect(r.exit.exitCode).toBe(4);
    expect(r.elapsed).toBe(5_000);
  });

  it("trap '' TERM ignores the signal even when not PID 1", async () => {
    const r = await sh("trap '' TERM; sleep 2; echo survived", { pid1: false, signals: [[1_000, 'SIGTERM']] });
    expect(r.stdout).toBe('survived\n');
  });

  it('the lab pause script (trap, background sleep, wait $!, kill $!) exits 0 on SIGTERM', async () => {
    const script = "trap 'kill $! 2>/dev/null; exit 0' TERM INT\nwhile :; do sleep 3600 & wait $!; done\n";
    const r = await runArgv(['/pause.sh'], { files: { '/pause.sh': `#!/bin/sh\n${script}` }, signals: [[7_200_500, 'SIGTERM']] });
    expect(r.exit).toEqual({ exitCode: 0 });
    expect(r.elapsed).toBe(7_200_500);
    expect(r.stderr).toBe('');
  });

  it('kill from the shell reaches a background job; waiting for it reports the signal', async () => {
    const r = await sh('sleep 100 & kill $!; wait $!; echo "status $?"');
    expect(r.stdout).toBe('status 143\n');
    expect(r.stderr).toBe('Terminated\n');
  });

  it('when PID 1 exits, its background jobs are killed with it', async () => {
    const r = await sh('sleep 100 & echo started');
    expect(r.exit.exitCode).toBe(0);
    expect(r.elapsed).toBe(0);
  });
});

describe('builtins and applets', () => {
  it.each([
    ['echo -n a; echo -e "b\\tc\\nd"; echo -- -n; echo -ne "x\\c"y; echo', 'ab\tc\nd\n-- -n\nx\n'],
    ['printf "%s-%d-%%\\n" a 5 b; printf "%5s|%-4d|%x|%05.1f\\n" ab 7 255 3.14159', 'a-5-%\nb-0-%\n   ab|7   |ff|003.1\n'],
    ['test 1 -eq 1 && [ -z "" ] && [ a != b ] && [ 3 -gt 2 ] && echo yes', 'yes\n'],
    ['[ -f /etc/hostname ] && [ -d /tmp ] && [ ! -e /nope ] && echo files', 'files\n'],
    ['for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done', '1\n3\n'],
    ['i=0; while :; do i=$((i+1)); [ $i -ge 3 ] && break; done; echo $i', '3\n'],
    ['i=0; until [ $i -ge 2 ]; do echo u$i; i=$((i+1)); done', 'u0\nu1\n'],
    ['if false; then echo a; elif true; then echo b; else echo c; fi', 'b\n'],
    ['{ echo a; echo b; } > /tmp/f; cat /tmp/f; (exit 4); echo $?', 'a\nb\n4\n'],
    ['echo one > /tmp/g; echo two >> /tmp/g; wc -l /tmp/g; wc -l < /tmp/g', '2 /tmp/g\n2\n'],
    ['echo err 1>&2 2>/dev/null; echo out >/dev/null; echo shown', 'shown\n'],
    ['mkdir -p /data/a/b && touch /data/a/b/x && ls /data/a/b && rm -r /data/a && ls /data', 'x\n'],
    ['export GREETING=hi; env | grep -c GREETING 2>/dev/null || sh -c "echo \\$GREETING"', 'hi\n'],
    ['hostname; date; date +%Y-%m-%dT%H:%M:%S', 'web-0\nThu Jan  1 00:00:00 UTC 2026\n2026-01-01T00:00:00\n'],
    ['printf "l1\\nl2 w\\n" > /tmp/r; while read a b; do echo "<$a|$b>"; done < /tmp/r', '<l1|>\n<l2|w>\n'],
    ['echo a b | wc -w; seq 3 | wc -l', '2\n3\n'],
    ['x=$(cat /etc/hostname); echo "[$x]"; exec echo replaced; echo never', '[web-0]\nreplaced\n'],
  ])('%s', async (script, expected) => {
    const r = await sh(script);
    expect(r.stdout).toBe(expected);
  });

  it.each([
    ['cat /x', "cat: can't open '/x': No such file or directory\n", 1],
    ['rm /x', "rm: can't remove '/x': No such file or directory\n", 1],
    ['mkdir /tmp', "mkdir: can't create directory '/tmp': File exists\n", 1],
    ['sleep x', "sleep: invalid number 'x'\n", 1],
    ['test 1 -eq a', 'sh: a: bad number\n', 2],
    ['[ 1 = 1', 'sh: missing ]\n', 2],
    ['exit foo', 'sh: exit: line 0: Illegal number: foo\n', 2],
    ['cd /nope', "sh: cd: line 0: can't cd to /nope: No such file or directory\n", 2],
    ['echo a > /nope/x', "sh: can't create /nope/x: nonexistent directory\n", 1],
    ['kill 999', "sh: can't kill pid 999: No such process\n", 1],
    ['trap "echo" FOO', 'sh: trap: line 0: FOO: invalid signal specification\n', 1],
  ])('%s fails with busybox wording', async (script, stderr, status) => {
    const r = await sh(`${script}; exit $?`);
    expect(r.stderr).toBe(stderr);
    expect(r.exit.exitCode).toBe(status);
  });

  it('sleep accepts decimals, suffixes and sums its arguments on the clock', async () => {
    const r = await sh('sleep 0.25; sleep 1m 1.5s');
    expect(r.elapsed).toBe(250 + 61_500);
  });

  it('sleep infinity only ends with the process', async () => {
    const r = await sh('sleep infinity', { signals: [[86_400_000, 'SIGKILL']] });
    expect(r.elapsed).toBe(86_400_000);
  });

  it('set -e stops at the first untested failure', async () => {
    const r = await sh('set -e; false || echo tested; false; echo not reached');
    expect(r.stdout).toBe('tested\n');
    expect(r.exit.exitCode).toBe(1);
  });

  it('a script file with #! runs through its interpreter; messages carry the script name and line', async () => {
    const r = await runArgv(['/entry.sh', 'x'], { files: { '/entry.sh': '#!/bin/sh\necho "arg $1"\nnosuch\n' } });
    expect(r.stdout).toBe('arg x\n');
    expect(r.stderr).toBe('/entry.sh: line 3: nosuch: not found\n');
    expect(r.exit.exitCode).toBe(127);
  });

  it('nested sh -c with its own trap, and env running a program', async () => {
    const r = await sh(`sh -c 'trap "echo inner exit" EXIT; echo in'; env A=1 sh -c 'echo $A'`);
    expect(r.stdout).toBe('in\ninner exit\n1\n');
  });

  it(`a loop that never sleeps is stopped after ${BUSY_STEP_LIMIT} commands, with one notice`, async () => {
    const r = await sh('while true; do echo x; done', { signals: [[600_000, 'SIGKILL']] });
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe(BUSY_STEP_LIMIT / 2 - 1);
    expect(r.stderr).toMatch(/^crilab: sh: stopped after 100000 commands without a sleep/);
    expect(r.exit.exitCode).toBe(137);
  }, 60_000);
});

describe('runToCompletion (ExecSync)', () => {
  const spec = (argv: string[], files: Record<string, string> = {}) => {
    const clock = new SimClock();
    clock.start();
    return { argv, env: { PATH: '/bin' }, fs: createContainerFs({ ...busyboxRootfs(), ...files }), clock, pid1: false, onOutput: () => undefined };
  };

  it('collects output and exit codes', async () => {
    expect(await runToCompletion(spec(['cat', '/tmp/healthy'], { '/tmp/healthy': 'ok\n' }))).toEqual({ exitCode: 0, stdout: 'ok\n', stderr: '', timedOut: false });
    const missing = await runToCompletion(spec(['cat', '/tmp/healthy']));
    expect(missing).toEqual({ exitCode: 1, stdout: '', stderr: "cat: can't open '/tmp/healthy': No such file or directory\n", timedOut: false });
    expect((await runToCompletion(spec(['sh', '-c', 'exit 7']))).exitCode).toBe(7);
  });

  it('kills the process when the timeout fires on the clock', async () => {
    const s = spec(['sleep', '10']);
    const t0 = s.clock.now();
    const r = await runToCompletion(s, { timeoutMs: 1_000 });
    expect(r).toMatchObject({ exitCode: 137, timedOut: true });
    expect(s.clock.now() - t0).toBe(1_000);
  });
});
