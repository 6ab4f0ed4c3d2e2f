import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimClock } from '../../clock/sim-clock.js';
import type { TraceEmitter } from '../../trace/bus.js';
import { parseDockerRef } from '../../runtime/images/reference.js';
import { SimRuntime } from '../../runtime/sim-runtime.js';
import type { Backend, PodRef, RuntimeFaults } from '../backend.js';

export interface SimBackendOptions {
  clock?: SimClock;
  /** The runtime's side of the trace (its machines, its pod network). */
  trace?: TraceEmitter;
  seed?: number;
  nodeName?: string;
  podCIDR?: string;
  /** Images in the runtime's store before anything runs. */
  preloadImages?: string[];
  registry?: {
    down?: boolean;
    pullTimeMs?: number;
    images?: Record<string, { missing?: boolean; pullTimeMs?: number }>;
  };
}

export interface SimBackend extends Backend {
  kind: 'sim';
  clock: SimClock;
  runtime: SimRuntime;
}

/**
 * The embedded backend: crilab's simulated runtime serving CRI on a private Unix socket in a
 * temporary directory, on the simulated clock. The kubelet reaches it over real gRPC, exactly
 * as it would reach containerd.
 */
export async function startSimBackend(opts: SimBackendOptions = {}): Promise<SimBackend> {
  const clock = opts.clock ?? new SimClock();
  const dir = mkdtempSync(join(tmpdir(), 'crilab-'));
  const endpoint = `unix://${join(dir, 'runtime.sock')}`;
  const runtime = new SimRuntime({
    clock,
    ...(opts.trace ? { trace: opts.trace } : {}),
    seed: opts.seed ?? 1,
    nodeName: opts.nodeName ?? 'node-1',
    podCIDR: opts.podCIDR ?? '10.244.0.0/24',
    logRoot: join(dir, 'logs'),
  });
  const reg = opts.registry;
  if (reg?.down) runtime.registry.set('*', { down: true });
  if (reg?.pullTimeMs !== undefined) runtime.registry.set('*', { slow: { durationMs: reg.pullTimeMs } });
  for (const [image, b] of Object.entries(reg?.images ?? {})) {
    runtime.registry.set(image, { ...(b.missing ? { missing: true } : {}), ...(b.pullTimeMs !== undefined ? { slow: { durationMs: b.pullTimeMs } } : {}) });
  }
  for (const image of opts.preloadImages ?? []) {
    const ref = parseDockerRef(image);
    runtime.images.add(runtime.registry.lookup(ref), ref);
  }
  await runtime.serve(endpoint);
  clock.start();

  const faults: RuntimeFaults = {
    crashContainer: async (pod: PodRef, container, exitCode) => runtime.crashContainer(pod.name, pod.namespace, container, exitCode),
    oomKill: async (pod, container) => runtime.oomKill(pod.name, pod.namespace, container),
    killPause: async (pod) => runtime.killPause(pod.name, pod.namespace),
    failCniAdd: (times, message) => runtime.cni.failAdds(times, message ?? 'failed to set bridge addr: could not add IP address to "crilab0": permission denied'),
    failImagePull: (image, times) => runtime.registry.set(image, { flaky: times }),
    slowImagePull: (image, pullTimeMs) => runtime.registry.set(image, { slow: { durationMs: pullTimeMs } }),
    stopRuntime: () => runtime.stopServing(),
    startRuntime: async () => {
      await runtime.serve(endpoint);
    },
  };

  return {
    kind: 'sim',
    endpoint,
    clock,
    ownerLabels: {},
    faults,
    runtime,
    netnsExists: (pod: PodRef) => runtime.netnsExists(pod.name, pod.namespace) ?? false,
    describe: () => `crilab simulated runtime, answering as containerd ${runtime.ctx.runtimeVersion} (seed ${opts.seed ?? 1})`,
    close: async () => {
      clock.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
