/**
 * 1,000 pods (a sandbox and one container each) brought to Running by crilab's kubelet, over
 * real gRPC on a Unix socket, against the simulated runtime. "Running" = the kubelet's own pod
 * status says phase Running and Ready for every pod, which needs the PLEG to have inspected
 * each pod after its start.
 *
 * Topology, as on a node, where the kubelet and containerd are two processes:
 * - the runtime is `crilab runtime --quiet` (bin/crilab.mjs, the built CLI) in a process of
 *   its own, serving on the real clock as it does for crictl;
 * - the kubelet runs in another process, plain `node` on the code tsc built into dist/
 *   (kubelet-process.mjs), so that its CPU time and peak RSS are the kubelet's alone. The
 *   runtime process's are read from /proc (Linux) over the same window and printed beside.
 * - the floor is measured with the same topology, before and after the kubelet's runs (the
 *   faster of the two is kept: the stricter floor, on a machine whose speed drifts): the bare
 *   grpc-js echo server (echo-server.ts) in a process of its own, called by the kubelet's own
 *   CRI client (createCriClient: the same interceptor, deadlines and channel) from a
 *   plain-node process.
 *   Floor = CRI calls made ÷ the echo rate with CONCURRENCY callers; ratio = wall ÷ floor
 *   (target ≤ 2). The echo answers with empty messages, so the floor is the transport alone.
 * - not every call can overlap another: the PLEG inspects changed pods one after another, as
 *   upstream's relist does, four calls each. The kubelet's client is wrapped to count the calls
 *   that started with no other in flight, and a second floor prices those at the one-caller
 *   echo rate and the rest at the concurrent one: the least this call pattern could take.
 * - the same pattern is also replayed with no kubelet (kubelet-process.mjs replay: the kubelet's
 *   request messages, 64 pod starts at once, then a relist inspecting pod after pod), once
 *   against the echo server and once against a fresh simulated runtime. The first measures the
 *   pattern's floor on the transport; the second the least any kubelet could take against this
 *   runtime, so the verdict can tell a slow kubelet from a target out of its reach.
 *
 * Clocks. The kubelet runs on the simulated clock (started at the wall time, so its times and
 * the runtime's agree), as in scenarios: its timers — the PLEG's 1 s relist, the 10 s node
 * status, the 60 s resync — fire as soon as the kubelet is idle instead of after real
 * seconds, so the measurement is the work, not the periods in between. While a call is on the
 * wire the kubelet's clock stands still (its client interceptor holds it), exactly as with the
 * runtime in the same process; the runtime's real clock is never waited on here (the image is
 * preloaded, and running a sandbox or starting a container does not sleep). The kubelet does
 * all its work: every sync, every CRI call, every status and machine transition. Only what
 * nobody reads is skipped: the benchmark subscribes to pod statuses alone, so the other trace
 * events are numbered but not built (TraceBus.emitLazy) — the CRI calls' proto3 JSON and
 * sizes above all, as `crilab runtime --quiet` does not build them either.
 *
 * Warm-up: before the measured pods, WARMUP pods (200) are brought up the same way and not
 * measured, as the echo client makes 2,000 calls before its measured rounds. A kubelet runs for
 * days; measured cold, a burst of pods would pay for V8 compiling and optimising the kubelet's
 * code (CPU per call with 200 pods was 1.7× that with 1,000). The warm-up pods stay, so the
 * runtime holds WARMUP + PODS sandboxes and the PLEG lists them all.
 *
 * Two modes:
 * - concurrent: up to CONCURRENCY pod workers sync at once (as the real kubelet's goroutines
 *   do, and the default on the real clock); calls interleave, so the trace order varies;
 * - serial: one pod worker syncs at a time (the kubelet's default on the simulated clock, which
 *   makes every run issue its CRI calls in the same order — the price of reproducible traces);
 *   all its calls go one at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './main.js';

export const name = 'kubelet: 1,000 pods to Running over gRPC on the simulated runtime (separate processes)';

const PODS = Number(process.env['CRILAB_BENCH_PODS'] ?? 1000);
const CONCURRENCY = Number(process.env['CRILAB_BENCH_CONCURRENCY'] ?? 64);
/** Pods brought up first and not measured, so that the kubelet's code is compiled and optimised, as the echo client's is. */
const WARMUP = Number(process.env['CRILAB_BENCH_WARMUP'] ?? 200);

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const CLIENT_PROCESS = join(here, 'kubelet-process.mjs');
const ECHO_SERVER = join(here, 'echo-server.ts');
const CLI = join(repo, 'bin/crilab.mjs');

/** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, ms, or undefined off Linux. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Peak resident set of a process so far (VmHWM), MB, or undefined off Linux. */
function processPeakRssMb(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A server process (the runtime or the echo server), stopped with SIGTERM. */
interface ServerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(args: string[], ready: (child: ChildProcess) => Promise<void>): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = exited.then(() => {
    throw new Error(`${args.join(' ')} exited before it was ready:\n${stderr}`);
  });
  await Promise.race([ready(child), failed]);
  failed.catch(() => undefined);
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resolves once `path` exists (the runtime has bound its socket). */
async function socketBound(path: string): Promise<void> {
  for (const started = Date.now(); !existsSync(path); ) {
    if (Date.now() - started > 30_000) throw new Error(`no socket at ${path} after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves on the first stdout line `ready`. */
function saysReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.trim() !== 'ready') return;
      lines.close();
      resolve();
    });
  });
}

interface ClientResult {
  done: Record<string, unknown>;
  /** The server process's CPU time during the measured window, ms. */
  serverCpuMs: number | undefined;
}

/** Run kubelet-process.mjs with `args`; read the server's CPU time when it opens and closes its window. */
async function runClient(args: string[], server: ServerProcess): Promise<ClientResult> {
  const child = spawn(process.execPath, [CLIENT_PROCESS, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const pid = server.child.pid!;
  let cpuAtStart: number | undefined;
  let result: ClientResult | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const msg = JSON.parse(line) as { phase: string } & Record<string, unknown>;
    if (msg.phase === 'measuring') cpuAtStart = processCpuMs(pid);
    else if (msg.phase === 'done') {
      const cpuAtEnd = processCpuMs(pid);
      result = { done: msg, serverCpuMs: cpuAtStart !== undefined && cpuAtEnd !== undefined ? cpuAtEnd - cpuAtStart : undefined };
    }
  }
  const code = child.exitCode ?? (await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))));
  if (code !== 0 || !result) throw new Error(`kubelet-process.mjs ${args.join(' ')} failed (exit ${code}):\n${stderr}`);
  return result;
}

interface KubeletRun {
  wallMs: number;
  /** CPU time of the kubelet process during the run (user + system), ms. */
  cpuMs: number;
  calls: number;
  /** Calls started while no other call was in flight (made one at a time). */
  callsAlone: number;
  byMethod: Record<string, number>;
  /** When the last container had started (ms from the first pod) and the calls made by then. */
  allStarted: { ms: number; calls: number } | undefined;
  /** Peak RSS of the kubelet process, MB. */
  peakRssMb: number;
  /** CPU time and peak RSS of the runtime process (undefined off Linux). */
  runtimeCpuMs: number | undefined;
  runtimePeakRssMb: number | undefined;
}

/** A fresh `crilab runtime` in a process of its own for `fn`, stopped and cleaned up after. */
async function withRuntime<T>(fn: (endpoint: string, runtime: ServerProcess) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-kbench-'));
  const socket = join(dir, 'runtime.sock');
  const runtime = await startServer(
    [CLI, 'runtime', '--listen', `unix://${socket}`, '--quiet', '--seed', '3', '--pod-cidr', '10.244.0.0/16', '--log-root', join(dir, 'logs')],
    () => socketBound(socket),
  );
  try {
    return await fn(`unix://${socket}`, runtime);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare grpc-js echo server in a process of its own for `fn`. */
async function withEcho<T>(fn: (endpoint: string, server: ServerProcess) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-echo-'));
  const socket = join(dir, 'echo.sock');
  const server = await startServer(['--import', 'tsx', ECHO_SERVER, socket], saysReady);
  try {
    return await fn(`unix://${socket}`, server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runKubelet(concurrency: number): Promise<KubeletRun> {
  return withRuntime(async (endpoint, runtime) => {
    const { done, serverCpuMs } = await runClient(['kubelet', endpoint, String(PODS), String(concurrency), String(WARMUP)], runtime);
    const runtimePeakRssMb = processPeakRssMb(runtime.child.pid!);
    return {
      wallMs: done['wallMs'] as number,
      cpuMs: done['cpuMs'] as number,
      calls: done['calls'] as number,
      callsAlone: done['callsAlone'] as number,
      byMethod: done['byMethod'] as Record<string, number>,
      allStarted: done['allStarted'] as KubeletRun['allStarted'],
      peakRssMb: done['peakRssMb'] as number,
      runtimeCpuMs: serverCpuMs,
      runtimePeakRssMb,
    };
  });
}

interface ReplayRun {
  wallMs: number;
  /** When every pod's start had ended (the relist and its inspections follow), ms. */
  startPhaseMs: number;
  calls: number;
  /** Pods whose inspection listed exactly their one sandbox and one container. */
  found: number;
}

/**
 * The kubelet's calls with no kubelet (kubelet-process.mjs replay): the same pattern and request
 * messages, CONCURRENCY pod starts at once, then the relist's inspections one pod at a time.
 * Against the echo it is the least this pattern takes on the transport; against the simulated
 * runtime, the least any kubelet could take against it.
 */
async function runReplay(endpoint: string, server: ServerProcess): Promise<ReplayRun> {
  const { done } = await runClient(['replay', endpoint, String(PODS), String(CONCURRENCY), String(WARMUP)], server);
  return { wallMs: done['wallMs'] as number, startPhaseMs: done['startPhaseMs'] as number, calls: done['calls'] as number, found: done['found'] as number };
}

interface EchoRate {
  /** Calls per wall second (the better of two rounds). */
  wall: number;
  /** CPU per call in the client process and in the echo server process, µs. */
  clientCpuUs: number;
  serverCpuUs: number | undefined;
}

/** Calls per second the echo server answers: one channel, `callers` concurrent callers. */
function echoRate(callers: number, calls: number): Promise<EchoRate> {
  return withEcho(async (endpoint, server) => {
    const { done, serverCpuMs } = await runClient(['echo', endpoint, String(callers), String(calls)], server);
    const rounds = done['rounds'] as Array<{ wallMs: number; cpuMs: number; calls: number }>;
    const total = rounds.reduce((n, r) => n + r.calls, 0);
    return {
      wall: Math.max(...rounds.map((r) => r.calls / (r.wallMs / 1000))),
      clientCpuUs: (rounds.reduce((t, r) => t + r.cpuMs, 0) * 1000) / total,
      serverCpuUs: serverCpuMs === undefined ? undefined : (serverCpuMs * 1000) / total,
    };
  });
}

const faster = (a: EchoRate, b: EchoRate): EchoRate => (a.wall >= b.wall ? a : b);

/** The floor: the run's calls at the echo's concurrent rate, ms. */
const floorMsOf = (r: { calls: number }, echoWall: number) => (r.calls / echoWall) * 1000;

/** A run's wall time as a multiple of its floor (the kubelet's runs and the replays alike). */
const timesFloor = (r: { wallMs: number; calls: number }, echoWall: number) => r.wallMs / floorMsOf(r, echoWall);

/** The target judged on the concurrent run (the kubelet's default off the simulated clock). */
function verdict(r: KubeletRun, echoWall: number, replayOnRuntime: ReplayRun, replayOnEcho: ReplayRun): string {
  const ratio = timesFloor(r, echoWall);
  const onRuntime = timesFloor(replayOnRuntime, echoWall);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const reach =
    ratio > 2 && onRuntime > 2
      ? ` (out of any kubelet's reach on this runtime: its calls alone, replayed with no kubelet, take ${onRuntime.toFixed(2)} × against it and ${timesFloor(replayOnEcho, echoWall).toFixed(2)} × against the echo server)`
      : '';
  return `verdict (concurrent run): wall ${ratio.toFixed(2)} × the floor — ${met(ratio <= 2)}${reach}; kubelet peak RSS ${r.peakRssMb.toFixed(0)} MB — ${met(r.peakRssMb < 300)}`;
}

const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} MB`);
const us = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} µs`);

export async function run(): Promise<BenchReport> {
  if (!existsSync(join(repo, 'dist/kubelet/kubelet.js'))) throw new Error('dist/ is not built: run `npm run build` (npm run bench does)');
  // The floor is measured before and after the kubelet's runs and the faster measurement kept:
  // the machine's speed drifts over a minute, and the faster echo is the stricter floor.
  const echoCalls = Math.max(PODS * 9, 10_000);
  const echoBefore = await echoRate(CONCURRENCY, echoCalls);
  const echoSerialBefore = await echoRate(1, 5_000);
  const replayOnEcho = await withEcho(runReplay);
  const replayOnRuntime = await withRuntime(runReplay);
  // Against the runtime every inspection must find its pod by label, or the replay would be
  // cheaper than the kubelet's pattern (empty lists) and its bound meaningless.
  if (replayOnRuntime.found !== PODS) throw new Error(`the replay against the runtime found ${replayOnRuntime.found} of ${PODS} pods by their UID label`);
  const concurrent = await runKubelet(CONCURRENCY);
  const serial = await runKubelet(1);
  const echo = faster(echoBefore, await echoRate(CONCURRENCY, echoCalls));
  const echoSerial = faster(echoSerialBefore, await echoRate(1, 5_000));

  const lines = (label: string, r: KubeletRun) => {
    const seconds = r.wallMs / 1000;
    const rate = r.calls / seconds;
    const floorMs = floorMsOf(r, echo.wall);
    // The calls that went one at a time (nothing else in flight) at the one-caller rate, the rest
    // at the concurrent rate: the least this call pattern could take on this transport.
    const patternMs = (r.callsAlone / echoSerial.wall + (r.calls - r.callsAlone) / echo.wall) * 1000;
    const perCall = (ms: number | undefined) => (ms === undefined ? undefined : (ms * 1000) / r.calls);
    return [
      `${label}: wall ${seconds.toFixed(2)} s, ${r.calls} CRI calls, ${rate.toFixed(0)} calls/s, ` +
        `peak RSS: kubelet process ${mb(r.peakRssMb)}, runtime process ${mb(r.runtimePeakRssMb)}` +
        (r.runtimePeakRssMb === undefined ? '' : ` (sum ${mb(r.peakRssMb + r.runtimePeakRssMb)})`),
      `    vs echo: ${(rate / echo.wall).toFixed(2)} × its rate, wall = ${timesFloor(r, echo.wall).toFixed(2)} × the floor (${(floorMs / 1000).toFixed(2)} s); ` +
        `${r.callsAlone} calls went alone: floor for this pattern ${(patternMs / 1000).toFixed(2)} s, wall = ${(r.wallMs / patternMs).toFixed(2)} × it`,
      ...(r.allStarted
        ? [
            `    every container started after ${(r.allStarted.ms / 1000).toFixed(2)} s (${r.allStarted.calls} calls); ` +
              `then ${((r.wallMs - r.allStarted.ms) / 1000).toFixed(2)} s (${r.calls - r.allStarted.calls} calls) until the PLEG had seen every start and every pod was Running and Ready`,
          ]
        : []),
      `    CPU per call: kubelet process ${us(perCall(r.cpuMs))} (echo client ${us(echo.clientCpuUs)}, one caller ${us(echoSerial.clientCpuUs)}), ` +
        `runtime process ${us(perCall(r.runtimeCpuMs))} (echo server ${us(echo.serverCpuUs)}, one caller ${us(echoSerial.serverCpuUs)})`,
    ];
  };
  const replayLine = (label: string, r: ReplayRun) =>
    `    ${label}: wall ${(r.wallMs / 1000).toFixed(2)} s = ${timesFloor(r, echo.wall).toFixed(2)} × the floor ` +
    `(pod starts ${(r.startPhaseMs / 1000).toFixed(2)} s, then the relist's inspections ${((r.wallMs - r.startPhaseMs) / 1000).toFixed(2)} s)`;
  return {
    lines: [
      `${PODS} pods, sandbox + 1 container each, to Running and Ready, after ${WARMUP} warm-up pods (not measured); kubelet (simulated clock) and \`crilab runtime\` in two processes; one kubelet CRI channel; image preloaded`,
      `echo server (own process; the faster of a measurement before and one after the kubelet's runs): ${echo.wall.toFixed(0)} calls/s with ${CONCURRENCY} concurrent callers, ${echoSerial.wall.toFixed(0)} calls/s one at a time`,
      ...lines(`concurrent (${CONCURRENCY} pod syncs at once)`, concurrent),
      ...lines('serial (1 pod sync at a time, the sim default)', serial),
      `no kubelet: its ${replayOnEcho.calls} calls replayed in its pattern with its request messages (${CONCURRENCY} pod starts at once, then one relist inspecting pod after pod)`,
      replayLine('against the echo server (the least this pattern takes on the transport)', replayOnEcho),
      replayLine('against the simulated runtime (the least any kubelet could take against it)', replayOnRuntime),
      `    the kubelet's concurrent run = ${(concurrent.wallMs / replayOnRuntime.wallMs).toFixed(2)} × the replay against the runtime: what the kubelet itself adds`,
      `calls by method: ${JSON.stringify(Object.fromEntries(Object.entries(concurrent.byMethod).sort((a, b) => b[1] - a[1])))}`,
      `target: wall ≤ 2 × the floor; peak RSS < 300 MB, judged on the kubelet process (the runtime's is containerd's share on a node)`,
      verdict(concurrent, echo.wall, replayOnRuntime, replayOnEcho),
    ],
  };
}
