/**
 * 1,000 pods (a sandbox and one container each) brought to Running by crilab's kubelet, over
 * real gRPC on a Unix socket, against the simulated runtime, on the simulated clock (so pull
 * times, relist periods and back-offs cost no wall time: what is measured is the kubelet, the
 * transport and the runtime). "Running" = the kubelet's own pod status says phase Running and
 * Ready for every pod, which needs the PLEG to have inspected each pod after its start.
 *
 * Two modes:
 * - serial: one pod worker syncs at a time (the kubelet's default on the simulated clock, which
 *   makes every run issue its CRI calls in the same order — the price of reproducible traces);
 * - concurrent: up to CONCURRENCY pod workers sync at once (as the real kubelet's goroutines
 *   do, and the default on the real clock); calls interleave, so the trace order varies.
 * The floor is the time a bare grpc-js echo server (test/bench/echo-server.ts) needs for the
 * same number of calls, measured in the same run with one client channel and CONCURRENCY
 * callers. Ratio = wall time ÷ floor (target ≤ 2). Peak RSS is sampled every 20 ms (kubelet,
 * runtime and 1,000 container processes share this process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RealClock } from '../../src/clock/real-clock.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import { TraceBus } from '../../src/trace/bus.js';
import { startEchoServer } from './echo-server.js';
import type { BenchReport } from './main.js';

export const name = 'kubelet: 1,000 pods to Running over gRPC on the simulated runtime';

const PODS = Number(process.env['CRILAB_BENCH_PODS'] ?? 1000);
const CONCURRENCY = Number(process.env['CRILAB_BENCH_CONCURRENCY'] ?? 64);

interface KubeletRun {
  wallMs: number;
  /** CPU time of this process (user + system), ms: the machine is shared, so rates per CPU-second too. */
  cpuMs: number;
  calls: number;
  peakRssMb: number;
  byMethod: Record<string, number>;
}

function pod(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}`, namespace: 'bench', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
    spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  };
}

async function runKubelet(concurrency: number): Promise<KubeletRun> {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-kbench-'));
  const clock = new SimClock();
  const bus = new TraceBus(clock, { keep: false });
  const runtime = new SimRuntime({ clock, seed: 3, podCIDR: '10.244.0.0/16', logRoot: join(dir, 'logs') });
  const endpoint = `unix://${join(dir, 'runtime.sock')}`;
  await runtime.serve(endpoint);
  clock.start();
  const calls = new Map<string, number>();
  bus.subscribe((e) => {
    if (e.kind === 'cri.request') calls.set(e.method, (calls.get(e.method) ?? 0) + 1);
  });
  const cri = createCriClient({ endpoint, clock, trace: bus.forSource('kubelet'), name: 'kubelet' });
  // maxPods lifted: the real kubelet admits 110 by default.
  const kubelet = new Kubelet({ cri, clock, trace: bus.forSource('kubelet'), nodeName: 'node-1', maxPods: PODS + 10, maxConcurrentPodSyncs: concurrency });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const ready = new Set<string>();
  try {
    // The image is on the node already (as a node's `images:` in a scenario): what is measured is
    // the kubelet's pod start, not a registry download.
    const puller = createCriClient({ endpoint, clock, name: 'preload' });
    await puller.image.PullImage({ image: { image: 'busybox:1.36' } });
    puller.close();
    await kubelet.start();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    // Counted on every pod status event, so the end is seen at once.
    const done = new Promise<void>((resolve) => {
      const unsubscribe = bus.subscribe((e) => {
        if (e.kind !== 'pod.status') return;
        const s = e.status as { phase?: string; conditions?: Array<{ type: string; status: string }> };
        if (s.phase === 'Running' && s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.add(e.uid);
        else ready.delete(e.uid);
        if (ready.size === PODS) {
          unsubscribe();
          resolve();
        }
      });
    });
    for (let i = 0; i < PODS; i++) kubelet.addPod(pod(i));
    await done;
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, calls: total, peakRssMb: peak / 2 ** 20, byMethod: Object.fromEntries([...calls].sort((a, b) => b[1] - a[1])) };
  } finally {
    clearInterval(sampler);
    kubelet.stop();
    await Promise.race([cri.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    cri.close();
    clock.stop();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface EchoRate {
  /** Calls per wall second. */
  wall: number;
  /** Calls per CPU second of this process (client and server both live here). */
  cpu: number;
}

/** Calls per second a bare echo server answers: one channel, `callers` concurrent callers. */
async function echoRate(callers: number, calls: number): Promise<EchoRate> {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-echo-'));
  const echo = await startEchoServer(join(dir, 'echo.sock'));
  const clock = new RealClock();
  const cri: CriClient = createCriClient({ endpoint: `unix://${join(dir, 'echo.sock')}`, clock, name: 'echo' });
  const mix = [
    () => cri.runtime.RunPodSandbox({ config: { metadata: { name: 'p', namespace: 'bench', uid: 'u', attempt: 0 } } }),
    () => cri.runtime.PodSandboxStatus({ podSandboxId: 'x' }),
    () => cri.image.ImageStatus({ image: { image: 'busybox:1.36' } }),
    () => cri.runtime.CreateContainer({ podSandboxId: 'x', config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox:1.36' } } }),
    () => cri.runtime.StartContainer({ containerId: 'x' }),
    () => cri.runtime.ListContainers({ filter: { labelSelector: { 'io.kubernetes.pod.uid': 'u' } } }),
  ];
  const once = async (n: number) => {
    let next = 0;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < n) await mix[next++ % mix.length]!();
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { wall: n / ((performance.now() - started) / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) };
  };
  try {
    await once(Math.min(2000, calls)); // warm-up
    const a = await once(calls);
    const b = await once(calls);
    return { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu, b.cpu) };
  } finally {
    cri.close();
    await echo.close();
    clock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchReport> {
  const serial = await runKubelet(1);
  const concurrent = await runKubelet(CONCURRENCY);
  const echo = await echoRate(CONCURRENCY, Math.max(concurrent.calls, 10_000));
  const echoSerial = await echoRate(1, 5_000);
  const line = (label: string, r: KubeletRun, floor: EchoRate) => {
    const rate = r.calls / (r.wallMs / 1000);
    const floorMs = (r.calls / floor.wall) * 1000;
    const cpuRate = r.calls / (r.cpuMs / 1000);
    return [
      `${label}: wall ${(r.wallMs / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s), ${r.calls} CRI calls, ${rate.toFixed(0)} calls/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
      `    vs echo: ${(rate / floor.wall).toFixed(2)} × its rate, wall = ${(r.wallMs / floorMs).toFixed(2)} × the floor (${(floorMs / 1000).toFixed(2)} s); per CPU-second ${(cpuRate / floor.cpu).toFixed(2)} × (${cpuRate.toFixed(0)} vs ${floor.cpu.toFixed(0)} calls/CPU-s)`,
    ];
  };
  return {
    lines: [
      `${PODS} pods, sandbox + 1 container each, to Running and Ready; simulated clock; one kubelet CRI channel; image preloaded`,
      `echo server: ${echo.wall.toFixed(0)} calls/s with ${CONCURRENCY} concurrent callers (${echo.cpu.toFixed(0)} per CPU-s), ${echoSerial.wall.toFixed(0)} calls/s one at a time`,
      ...line(`concurrent (${CONCURRENCY} pod syncs at once)`, concurrent, echo),
      ...line('serial (1 pod sync at a time, the sim default)', serial, echo),
      `calls by method: ${JSON.stringify(concurrent.byMethod)}`,
      `target: wall ≤ 2 × the floor, peak RSS < 300 MB`,
    ],
  };
}
