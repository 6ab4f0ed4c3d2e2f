/**
 * The per-pod machines the UI draws besides the pod worker: one `container-restart` actor per
 * container (id `<namespace>/<pod>/<container>`) and one `image-pull` actor per image the pod
 * uses (id `<namespace>/<pod>/<image>`, label the image). The runtime manager and the pod worker
 * tell them what happened, at the very moments the kubelet's real state changes: a restart
 * decision (`SYNC`) is sent exactly when `doBackOff` runs, with the same clock time, so the
 * machine's own back-off entry moves in step with the kubelet's crash-loop Backoff.
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { MachineActor } from '../machines/machine-actor.js';
import type { TraceEmitter } from '../trace/bus.js';
import { formatGoDuration } from './backoff.js';
import { containerRestartMachine, type ContainerRestartContext } from './machines/container-restart.machine.js';
import { imagePullMachine, type ImagePullContext, type ImagePullPolicy } from './machines/image-pull.machine.js';
import { actorState, startTracedActor } from './machines/trace-actor.js';
import { containersNewestFirst, nanosToMs, type PodRuntimeStatus } from './runtime-status.js';
import { podRestartPolicy, isRestartableInitContainer, type RestartPolicy } from './sync/restart-policy.js';

/** What the image manager reports while ensuring one image. */
export type ImagePullObservation =
  | { type: 'PRESENT'; pullPolicy: ImagePullPolicy }
  | { type: 'ENSURE'; now: number; pullPolicy: ImagePullPolicy }
  | { type: 'PULL_SUCCEEDED' }
  | { type: 'PULL_FAILED'; now: number; message: string };

/** What the runtime manager reports about one container's start. */
export interface ContainerObserver {
  /** `doBackOff` ran for this container at `now` (upstream: right before each start). */
  restartDecision(name: string, now: number): void;
  started(name: string, at: number): void;
  startFailed(name: string, reason: string): void;
  /** The kubelet stopped this container (a probe failure, a spec change, a failed postStart). */
  killed(name: string, at: number): void;
  image(container: Container, observation: ImagePullObservation): void;
}

/** A classic init container restarts only after a failure (unless the pod says Never). */
function restartPolicyOf(pod: Pod, container: Container, isInit: boolean): RestartPolicy {
  if (isInit && isRestartableInitContainer(container)) return 'Always';
  const podPolicy = podRestartPolicy(pod);
  if (isInit) return podPolicy === 'Never' ? 'Never' : 'OnFailure';
  return podPolicy;
}

export class PodMachines implements ContainerObserver {
  private readonly restarts = new Map<string, MachineActor<typeof containerRestartMachine>>();
  private readonly pulls = new Map<string, MachineActor<typeof imagePullMachine>>();
  private stopped = false;

  constructor(
    private pod: Pod,
    private readonly trace: TraceEmitter | undefined,
  ) {}

  private get key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  setPod(pod: Pod): void {
    this.pod = pod;
  }

  private restartActor(name: string): MachineActor<typeof containerRestartMachine> | undefined {
    if (this.stopped) return undefined;
    let a = this.restarts.get(name);
    if (a) return a;
    const spec = this.pod.spec;
    const init = spec?.initContainers?.find((c) => c.name === name);
    const container = init ?? spec?.containers?.find((c) => c.name === name);
    if (!container) return undefined;
    a = startTracedActor(containerRestartMachine, { containerName: name, restartPolicy: restartPolicyOf(this.pod, container, init !== undefined) }, this.trace, {
      machine: 'container-restart',
      id: `${this.key}/${name}`,
      label: name,
      initialEvent: 'CONTAINER_ADDED',
      describeEvent: (event, to, ctx, raw) => {
        const c = ctx as ContainerRestartContext;
        if (to === 'CrashLoopBackOff' && c.backOffDelayMs !== undefined) return `${event} (back-off ${formatGoDuration(c.backOffDelayMs)})`;
        if (to === 'exited' && (raw as { killed?: boolean }).killed) return `${event} (killed by the kubelet)`;
        if (to === 'exited' && c.exitCode !== undefined) return `${event} (exit code ${c.exitCode})`;
        return event;
      },
    });
    this.restarts.set(name, a);
    return a;
  }

  private pullActor(image: string, pullPolicy: ImagePullPolicy): MachineActor<typeof imagePullMachine> | undefined {
    if (this.stopped) return undefined;
    let a = this.pulls.get(image);
    if (a) return a;
    a = startTracedActor(imagePullMachine, { image, pullPolicy }, this.trace, {
      machine: 'image-pull',
      id: `${this.key}/${image}`,
      label: image,
      initialEvent: 'IMAGE_STATUS',
      describeEvent: (event, to, ctx) => {
        const c = ctx as ImagePullContext;
        if (to === 'ImagePullBackOff' && c.backOff) return `${event} (back-off ${formatGoDuration(c.backOff.backoffMs)})`;
        return event;
      },
    });
    this.pulls.set(image, a);
    return a;
  }

  /** Catch the machines up with what the runtime reports: a start we did not see, an exit. */
  observeRuntime(status: PodRuntimeStatus): void {
    const seen = new Set<string>();
    for (const c of containersNewestFirst(status)) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      const a = this.restartActor(c.name);
      if (!a) continue;
      const state = actorState(a);
      if ((c.state === 'running' || c.state === 'exited') && state === 'waiting') {
        a.send({ type: 'STARTED', at: nanosToMs(c.startedAt) });
      }
      if (c.state === 'exited' && actorState(a) === 'running') {
        a.send({ type: 'EXITED', at: nanosToMs(c.finishedAt), exitCode: c.exitCode });
      }
    }
  }

  /** The state of a container's restart machine (for tests and the UI). */
  restartState(name: string): string | undefined {
    const a = this.restarts.get(name);
    return a ? actorState(a) : undefined;
  }

  imageState(image: string): string | undefined {
    const a = this.pulls.get(image);
    return a ? actorState(a) : undefined;
  }

  restartDecision(name: string, now: number): void {
    this.restartActor(name)?.send({ type: 'SYNC', now });
  }

  started(name: string, at: number): void {
    this.restartActor(name)?.send({ type: 'STARTED', at });
  }

  startFailed(name: string, reason: string): void {
    this.restartActor(name)?.send({ type: 'START_FAILED', reason });
  }

  killed(name: string, at: number): void {
    // The exit code is the runtime's to report; the kubelet only knows it stopped the container.
    const event = { type: 'EXITED' as const, at, exitCode: 137, killed: true };
    this.restartActor(name)?.send(event);
  }

  image(container: Container, o: ImagePullObservation): void {
    const image = container.image ?? '';
    if (o.type === 'ENSURE') {
      this.pullActor(image, o.pullPolicy)?.send({ type: 'ENSURE', now: o.now });
      return;
    }
    const a = this.pullActor(image, o.type === 'PRESENT' ? o.pullPolicy : 'IfNotPresent');
    if (!a) return;
    if (o.type === 'PRESENT') a.send({ type: 'IMAGE_ADDED' });
    else if (o.type === 'PULL_SUCCEEDED') a.send({ type: 'PULL_SUCCEEDED' });
    else a.send({ type: 'PULL_FAILED', now: o.now, message: o.message });
  }

  stop(): void {
    this.stopped = true;
    for (const a of [...this.restarts.values(), ...this.pulls.values()]) a.stop();
  }
}
