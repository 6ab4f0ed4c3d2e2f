import type { SimClock } from '../clock/sim-clock.js';
import type { TraceBus } from '../trace/bus.js';
import type { Scenario } from '../scenario/types.js';
import type { Backend, BackendKind } from './backend.js';
import { openContainerdBackend } from './containerd/containerd-backend.js';
import { containerdEndpoint, probeCri } from './containerd/endpoint.js';
import { startSimBackend } from './sim/sim-backend.js';
import { Dockershim, dockerEngineVersion } from '../runtime/dockershim/index.js';

export type BackendChoice = BackendKind | 'auto';

export interface OpenBackendOptions {
  scenario: Scenario;
  seed: number;
  bus: TraceBus;
  clock: SimClock;
  /** containerd's CRI endpoint (default `$CRILAB_CONTAINERD_ENDPOINT`, then the lab's socket). */
  runtimeEndpoint?: string;
}

/**
 * Open the backend a run asked for. `sim` is the embedded simulated runtime on the simulated
 * clock; `containerd` is a real containerd (the lab's, unless another endpoint is given) on the
 * real clock, and fails with the reason when it does not answer; `auto` takes containerd when
 * its socket answers CRI Version and the simulator otherwise. The note says which was chosen.
 */
export async function openBackend(choice: BackendChoice, opts: OpenBackendOptions): Promise<{ backend: Backend; note: string }> {
  if (choice === 'sim') return { backend: await openSim(opts), note: 'backend: sim (the embedded simulated runtime)' };
  const endpoint = containerdEndpoint(opts.runtimeEndpoint);
  if (opts.scenario.node.runtime === 'dockershim') {
    const why = 'the scenario\'s node runs the simulated dockershim (node.runtime: dockershim), which exists only in the simulator';
    if (choice === 'auto') return { backend: await openSim(opts), note: `backend: sim (auto: ${why})` };
    throw new Error(`--backend containerd: ${why}; use --backend sim`);
  }
  if (choice === 'auto') {
    const probe = await probeCri(endpoint);
    if (!probe.ok) return { backend: await openSim(opts), note: `backend: sim (auto: ${probe.reason})` };
  }
  const backend = await openContainerdBackend({ endpoint, bus: opts.bus, images: scenarioImages(opts.scenario) });
  const how = choice === 'auto' ? 'auto: containerd answered; ' : '';
  return { backend, note: `backend: containerd (${how}${backend.describe()}; real clock, real processes)` };
}

/** The images a scenario's node starts with, and the other images its pods name. */
export function scenarioImages(s: Scenario): { preload: string[]; absent: string[] } {
  const named = s.pods.flatMap((p) => [...(p.manifest.spec?.initContainers ?? []), ...(p.manifest.spec?.containers ?? [])].map((c) => c.image ?? ''));
  const preload = s.node.images ?? [];
  return { preload, absent: named.filter((i) => i && !preload.includes(i)) };
}

export async function openSim(opts: OpenBackendOptions): Promise<Backend> {
  const s = opts.scenario;
  const sim = await startSimBackend({
    clock: opts.clock,
    trace: opts.bus.forSource('runtime'),
    seed: opts.seed,
    nodeName: s.node.name,
    podCIDR: s.node.podCIDR,
    preloadImages: s.node.images,
    registry: s.registry,
  });
  if (s.node.runtime !== 'dockershim') return sim;
  // node.runtime: dockershim — the kubelet talks CRI to a simulated dockershim, which turns each
  // call into Docker Engine API calls (traced as hops) and has the simulated runtime do the work.
  const shim = new Dockershim({ delegate: sim.runtime.handlers(), clock: opts.clock, trace: opts.bus.forSource('runtime'), engineUp: () => sim.runtime.serving });
  const server = await shim.serve(sim.endpoint.replace(/[^/]+\.sock$/, 'dockershim.sock'));
  const close = async () => {
    await shim.close();
    await sim.close();
  };
  return { ...sim, endpoint: server.endpoint, describe: () => `simulated dockershim → Docker Engine ${dockerEngineVersion} → containerd, over ${sim.describe()}`, close };
}
