/**
 * The simulated runtime against a bare grpc-js echo server, under the same client load in one
 * run: CLIENTS concurrent CRI clients, each running whole pod lifecycles (RunPodSandbox,
 * CreateContainer, StartContainer, StopContainer, RemoveContainer, StopPodSandbox,
 * RemovePodSandbox). The echo server answers the same methods with canned responses, so the
 * ratio says how much of gRPC's own speed the runtime keeps. Rounds alternate between the two.
 * Both the clients and the server run in this process, so besides wall-clock calls per second
 * the benchmark reports calls per CPU-second of this process: on a shared, loaded machine the
 * wall-clock rate swings with the neighbours' load, while the CPU this process spends per call
 * is what the runtime itself costs. The ratio is taken on the medians of the CPU rates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import type { BenchReport } from './main.js';
import { startEchoServer } from './echo-server.js';

export const name = 'simulated runtime vs bare gRPC echo server';

const CLIENTS = 32;
const LIFECYCLES_PER_CLIENT = Number(process.env['CRILAB_BENCH_LIFECYCLES'] ?? 10);
const ROUNDS = Number(process.env['CRILAB_BENCH_ROUNDS'] ?? 3);
const CALLS_PER_LIFECYCLE = 7;

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
        const config = { metadata: { name: `b${r}-${i}-${n}`, namespace: 'bench', uid: `u${r}-${i}-${n}`, attempt: 0 } };
        const { podSandboxId } = await cri.runtime.RunPodSandbox({ config });
        const { containerId } = await cri.runtime.CreateContainer({
          podSandboxId,
          config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox:1.36' }, command: ['sleep', '3600'] },
          sandboxConfig: config,
        });
        await cri.runtime.StartContainer({ containerId });
        await cri.runtime.StopContainer({ containerId, timeout: 0 });
        await cri.runtime.RemoveContainer({ containerId });
        await cri.runtime.StopPodSandbox({ podSandboxId });
        await cri.runtime.RemovePodSandbox({ podSandboxId });
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
      echoRates.push(await load(echoClients));
      runtimeRates.push(await load(runtimeClients));
    }
    const leaks = runtime.leaks();
    const fmt = (x: number) => x.toFixed(0).padStart(6);
    const line = (label: string, rates: Rate[]) =>
      `${label} ${fmt(median(rates.map((r) => r.wall)))} calls/s wall, ${fmt(median(rates.map((r) => r.cpu)))} calls per CPU-second` +
      `   (rounds, wall: ${rates.map((r) => r.wall.toFixed(0)).join(', ')})`;
    const ratioCpu = median(runtimeRates.map((r) => r.cpu)) / median(echoRates.map((r) => r.cpu));
    const ratioWall = median(runtimeRates.map((r) => r.wall)) / median(echoRates.map((r) => r.wall));
    return {
      lines: [
        `load: ${CLIENTS} clients × ${LIFECYCLES_PER_CLIENT} pod lifecycles × ${CALLS_PER_LIFECYCLE} calls; ${ROUNDS} rounds each, medians`,
        line('echo server ', echoRates),
        line('sim runtime ', runtimeRates),
        `ratio runtime/echo: ${ratioCpu.toFixed(2)} per CPU-second (target ≥ 0.80); ${ratioWall.toFixed(2)} wall-clock`,
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
