/**
 * The simulated runtime against a bare grpc-js echo server, under the same client load in one
 * run: CLIENTS concurrent CRI clients, each running whole pod lifecycles (RunPodSandbox,
 * CreateContainer, StartContainer, StopContainer, RemoveContainer, StopPodSandbox,
 * RemovePodSandbox). The echo server answers the same methods with canned responses, so the
 * ratio says how much of gRPC's own speed the runtime keeps. Both the clients and the server
 * run in this process, so besides wall-clock calls per second the benchmark reports calls per
 * CPU-second of this process: on a shared, loaded machine the wall-clock rate swings with the
 * neighbours' load, while the CPU this process spends per call is what the runtime itself costs.
 *
 * Rounds come in pairs, one round of each server back to back, and the order within a pair
 * alternates (echo first, then runtime first), so that neither server always inherits the
 * other's garbage or always follows it into a busier moment of the machine. The ratio compares
 * the servers' overall rates: all their rounds' calls over all their rounds' CPU time (or wall
 * time). A round that paid for a full garbage collection is a real cost of the calls that made
 * the garbage, so no round is dropped the way a median drops it; and since both servers ran
 * through the same stretch of time, round by round, the machine's load weighs on both alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import type { BenchReport } from './main.js';
import { startEchoServer } from './echo-server.js';
import { CALLS_PER_POD_LIFECYCLE, podLifecycle } from '../integration/pod-lifecycle.js';

export const name = 'simulated runtime vs bare gRPC echo server';

const CLIENTS = 32;
const LIFECYCLES_PER_CLIENT = Number(process.env['CRILAB_BENCH_LIFECYCLES'] ?? 10);
/** Pairs of rounds (one of each server). */
const ROUNDS = Number(process.env['CRILAB_BENCH_ROUNDS'] ?? 7);
const CALLS_PER_LIFECYCLE = CALLS_PER_POD_LIFECYCLE;

let round = 0;

interface Rate {
  wall: number;
  cpu: number;
}

async function load(clients: CriClient[]): Promise<Rate> {
  const r = ++round;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    clients.map(async (cri, i) => {
      for (let n = 0; n < LIFECYCLES_PER_CLIENT; n++) {
        await podLifecycle(cri.runtime, { metadata: { name: `b${r}-${i}-${n}`, namespace: 'bench', uid: `u${r}-${i}-${n}`, attempt: 0 } });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const calls = clients.length * LIFECYCLES_PER_CLIENT * CALLS_PER_LIFECYCLE;
  return { wall: calls / seconds, cpu: calls / cpuSeconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-bench-'));
  const clock = new RealClock();
  const runtime = new SimRuntime({ clock, seed: 5, podCIDR: '10.244.0.0/16', logRoot: join(dir, 'logs') });
  const runtimeEndpoint = `unix://${join(dir, 'runtime.sock')}`;
  await runtime.serve(runtimeEndpoint);
  const echo = await startEchoServer(join(dir, 'echo.sock'));
  const echoEndpoint = `unix://${join(dir, 'echo.sock')}`;
  const mk = (endpoint: string) => Array.from({ length: CLIENTS }, (_, i) => createCriClient({ endpoint, clock, name: `bench${i}` }));
  const runtimeClients = mk(runtimeEndpoint);
  const echoClients = mk(echoEndpoint);
  try {
    await runtimeClients[0]!.image.PullImage({ image: { image: 'busybox:1.36' } });
    // Warm up both paths (connections, JIT).
    await load(echoClients);
    await load(runtimeClients);
    const echoRates: Rate[] = [];
    const runtimeRates: Rate[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        echoRates.push(await load(echoClients));
        runtimeRates.push(await load(runtimeClients));
      } else {
        runtimeRates.push(await load(runtimeClients));
        echoRates.push(await load(echoClients));
      }
    }
    const leaks = runtime.leaks();
    const fmt = (x: number) => x.toFixed(0).padStart(6);
    const line = (label: string, rates: Rate[]) =>
      `${label} ${fmt(median(rates.map((r) => r.wall)))} calls/s wall, ${fmt(median(rates.map((r) => r.cpu)))} calls per CPU-second` +
      `   (rounds, wall: ${rates.map((r) => r.wall.toFixed(0)).join(', ')}; CPU: ${rates.map((r) => r.cpu.toFixed(0)).join(', ')})`;
    // Every round makes the same number of calls, so a server's overall rate is the harmonic mean of its rounds' rates.
    const overall = (rates: Rate[], rate: (r: Rate) => number) => rates.length / rates.reduce((sum, r) => sum + 1 / rate(r), 0);
    const overallRatio = (rate: (r: Rate) => number) => overall(runtimeRates, rate) / overall(echoRates, rate);
    const ratioCpu = overallRatio((r) => r.cpu);
    const ratioWall = overallRatio((r) => r.wall);
    const medianRatio = (rate: (r: Rate) => number) => median(runtimeRates.map(rate)) / median(echoRates.map(rate));
    return {
      lines: [
        `load: ${CLIENTS} clients × ${LIFECYCLES_PER_CLIENT} pod lifecycles × ${CALLS_PER_LIFECYCLE} calls; ${ROUNDS} rounds each, in alternating pairs; rates are medians, ratios of the overall rates`,
        line('echo server ', echoRates),
        line('sim runtime ', runtimeRates),
        `ratio runtime/echo: ${ratioCpu.toFixed(2)} per CPU-second (target ≥ 0.80); ${ratioWall.toFixed(2)} wall-clock` +
          `   (ratio of the medians: ${medianRatio((r) => r.cpu).toFixed(2)} per CPU-second, ${medianRatio((r) => r.wall).toFixed(2)} wall-clock)`,
        `left behind by the runtime: ${JSON.stringify(leaks)}`,
      ],
    };
  } finally {
    for (const c of [...runtimeClients, ...echoClients]) c.close();
    await echo.close();
    await runtime.close();
    clock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
