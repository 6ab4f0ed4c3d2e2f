import type { SimClock } from '../clock/sim-clock.js';
import type { TraceBus } from '../trace/bus.js';
import type { Scenario } from '../scenario/types.js';
import type { Backend, BackendKind } from './backend.js';
import { startSimBackend } from './sim/sim-backend.js';

export type BackendChoice = BackendKind | 'auto';

export interface OpenBackendOptions {
  scenario: Scenario;
  seed: number;
  bus: TraceBus;
  clock: SimClock;
}

/**
 * Open the backend a run asked for. `sim` is the embedded simulated runtime; `containerd`
 * and `auto` are resolved by the containerd backend module (see src/backends/containerd/).
 */
export async function openBackend(choice: BackendChoice, opts: OpenBackendOptions): Promise<{ backend: Backend; note: string }> {
  if (choice === 'sim') return { backend: await openSim(opts), note: 'backend: sim (the embedded simulated runtime)' };
  throw new Error(`backend "${choice}" is not available in this build; use --backend sim`);
}

export function openSim(opts: OpenBackendOptions): Promise<Backend> {
  const s = opts.scenario;
  return startSimBackend({
    clock: opts.clock,
    trace: opts.bus.forSource('runtime'),
    seed: opts.seed,
    nodeName: s.node.name,
    podCIDR: s.node.podCIDR,
    preloadImages: s.node.images,
    registry: s.registry,
  });
}
