/**
 * The heavy half of `crilab play`: the backend, the kubelet, the scenario runner and the state
 * machines' definitions. The play action imports this module only after the UI's first frame
 * is on the screen (it is most of crilab's code and takes longer to load than to draw).
 */
import type { Clock } from '../../clock/clock.js';
import { SimClock } from '../../clock/sim-clock.js';
import { openBackend, type BackendChoice } from '../../backends/select.js';
import {
  describeContainerRestartMachine,
  describeImagePullMachine,
  describePodWorkerMachine,
} from '../../kubelet/machines/index.js';
import { describeRuntimeMachines } from '../../runtime/machines/index.js';
import { ScenarioRun } from '../../scenario/runner.js';
import type { Scenario } from '../../scenario/types.js';
import { TraceBus } from '../../trace/bus.js';
import { liveSession, type LiveSession } from '../../ui/live-session.js';
import { uiMachineDescription } from '../../ui/model/describe-adapter.js';
import type { MachineDescriptions } from '../../ui/model/view-model.js';

/** Every machine's states and edges, from the definitions that run, for the state-machine view. */
export function machineDescriptions(): MachineDescriptions {
  const runtime = describeRuntimeMachines();
  return {
    'pod-worker': uiMachineDescription(describePodWorkerMachine()),
    'container-restart': uiMachineDescription(describeContainerRestartMachine()),
    'image-pull': uiMachineDescription(describeImagePullMachine()),
    sandbox: uiMachineDescription(runtime.sandbox),
    pause: uiMachineDescription(runtime.pause),
    netns: uiMachineDescription(runtime.netns),
    container: uiMachineDescription(runtime.container),
  };
}

/** A live run of a scenario for the UI: the backend opened, the kubelet started, the clock paused. */
export async function openLiveSession(scenario: Scenario, opts: { backend: BackendChoice; seed?: number | undefined }): Promise<LiveSession> {
  const seed = opts.seed ?? scenario.seed;
  const clock = new SimClock();
  // As `crilab run` does: the trace is stamped with the clock the run goes by, the simulated
  // one or, once a containerd backend is chosen, the real one.
  let timeSource: Pick<Clock, 'now'> = clock;
  const bus = new TraceBus({ now: () => timeSource.now() });
  const { backend } = await openBackend(opts.backend, { scenario, seed, bus, clock });
  timeSource = backend.clock;
  const run = new ScenarioRun({ scenario, backend, bus, seed });
  const session = liveSession({
    run,
    trace: bus,
    backend: backend.kind,
    // Only the simulated clock can wait for the learner; containerd runs in real time.
    clock: backend.clock === clock ? clock : undefined,
    closeBackend: () => backend.close(),
  });
  try {
    await session.start();
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
  return session;
}
