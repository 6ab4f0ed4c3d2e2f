import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { MachineActor } from '../machines/machine-actor.js';
import type { TraceEmitter } from '../trace/bus.js';
import {
  backOffOnTransientErrorPeriodMs,
  backOffPeriodMs,
  NetworkNotReadyErrorMsg,
  syncFrequencyMs,
  syncLoopRuntimeErrorBackOffBaseMs,
  syncLoopRuntimeErrorBackOffFactor,
  syncLoopRuntimeErrorBackOffMaxMs,
} from './constants.js';
import { podWorkerMachine, podWorkerSyncEvent } from './machines/pod-worker.machine.js';
import { actorState, startTracedActor } from './machines/trace-actor.js';
import type { PodCache } from './pod-cache.js';
import { PodMachines } from './pod-machines.js';
import type { RuntimeManager, SyncResult } from './runtime-manager.js';
import type { PodRuntimeStatus } from './runtime-status.js';
import type { Semaphore } from './semaphore.js';
import { summarizePodActions } from './sync/pod-actions.js';
import type { ProbeResults } from './sync/probe-results.js';

/** The pod worker's states (see machines/pod-worker.machine.ts). */
export type PodWorkerState =
  | 'pending'
  | 'creating-sandbox'
  | 'initializing'
  | 'starting-containers'
  | 'running'
  | 'backing-off'
  | 'terminating'
  | 'terminated';

export interface PodWorkerHooks {
  /** After every sync: recompute the API status from the cache and the sync's errors. */
  synced(pod: Pod, status: PodRuntimeStatus, result: SyncResult | undefined): void;
  /** The pod finished terminating (all containers and sandboxes stopped). */
  terminated(pod: Pod, deleted: boolean): void;
  /** Published probe results for the pod's current containers. */
  probes(pod: Pod, status: PodRuntimeStatus): ProbeResults | undefined;
  /** Runtime errors that stop the sync loop (runtime down, PLEG unhealthy); empty = go. */
  runtimeErrors(): string[];
  /** Network errors ("container runtime network not ready: …"); pods on the pod network wait. */
  networkErrors(): string[];
  /** SyncPod starts by generating and setting the API status (with the last sync's errors). */
  publishStatus(pod: Pod): void;
  /** Record a Kubernetes event for the pod. */
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface PodWorkerDeps {
  clock: Clock;
  cache: PodCache;
  manager: RuntimeManager;
  /** How many pod workers may sync at once (1 on the simulated clock, for reproducible runs). */
  syncSlots: Semaphore;
  trace: TraceEmitter | undefined;
  hooks: PodWorkerHooks;
  /** `syncFrequency`: re-sync of a pod whose last sync went fine. */
  resyncMs?: number;
}

/**
 * One goroutine per pod in the real kubelet (pkg/kubelet/pod_workers.go), here one PodWorker
 * driving an actor of `podWorkerMachine`. On every wake it waits for a pod status newer than its
 * last sync from the cache, then runs SyncPod — decide (`computePodActions`, sent to the actor as
 * `SYNC`), act (the runtime manager; `SANDBOX_CREATED`, `CONTAINERS_STARTED` or `SYNC_FAILED`) —
 * or, once the pod is deleted or finished, SyncTerminatingPod (`TERMINATE`, kill, then
 * `CONTAINERS_STOPPED`). It re-queues itself as upstream `completeWork` does: after a sync that
 * went fine, after `syncFrequency` (1 min); after an error, when the soonest back-off window ends
 * (CrashLoopBackOff) or after `backOffPeriod` (10 s); after "network is not ready", after 1 s.
 * Upstream jitters these delays by up to 50 %; crilab does not, so runs are reproducible.
 * While the runtime is down or the PLEG unhealthy, syncs wait (100 ms doubling to 5 s), as the
 * sync loop skips its iterations upstream.
 */
export class PodWorker {
  readonly actor: MachineActor<typeof podWorkerMachine>;
  readonly machines: PodMachines;
  private lastSyncMs = -1;
  private wakeTimer: TimerHandle | undefined;
  private running = false;
  private pending = false;
  private stopped = false;
  private runtimeBackOffMs = 0;
  /** Set when the pod is deleted: the grace period to kill it with. */
  terminatingGrace: number | undefined;
  private deleted = false;

  constructor(
    public pod: Pod,
    private readonly deps: PodWorkerDeps,
  ) {
    this.machines = new PodMachines(pod, deps.trace);
    this.actor = startTracedActor(podWorkerMachine, { pod: this.key }, deps.trace, {
      machine: 'pod-worker',
      id: this.key,
      label: pod.metadata?.name ?? '',
      initialEvent: 'POD_ADDED',
      describeEvent: (event, _to, _ctx, raw) => {
        const e = raw as { type: string; reason?: string; decision?: { summary: string } };
        if (e.type === 'TERMINATE' && e.reason) return `TERMINATE (${e.reason})`;
        if (e.type === 'SYNC_FAILED' && e.reason) return `SYNC_FAILED (${e.reason})`;
        return event;
      },
    });
  }

  get key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  get state(): PodWorkerState {
    return actorState(this.actor) as PodWorkerState;
  }

  get finished(): boolean {
    return this.state === 'terminated';
  }

  setPod(pod: Pod): void {
    this.pod = pod;
    this.machines.setPod(pod);
  }

  /** Terminate: the pod was deleted (or removed from its source). */
  terminate(grace: number | undefined): void {
    this.deleted = true;
    this.terminatingGrace = grace;
    this.wake();
  }

  /** Ask for a sync now (a PLEG event, an update, a deletion, a probe result). */
  wake(): void {
    if (this.stopped) return;
    this.deps.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.running) {
      this.pending = true;
      return;
    }
    this.running = true;
    void this.deps.syncSlots
      .run(() => this.syncOnce())
      .catch((err: unknown) => {
        this.deps.trace?.emit({ kind: 'log', level: 'error', message: `pod worker ${this.key}: ${err instanceof Error ? err.message : String(err)}` });
        this.requeue(backOffPeriodMs);
      })
      .finally(() => {
        this.running = false;
        if (this.pending && !this.stopped) {
          this.pending = false;
          this.wake();
        }
      });
  }

  private requeue(ms: number): void {
    if (this.stopped) return;
    this.deps.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = this.deps.clock.setTimeout(() => this.wake(), ms, `pod-worker ${this.key}`);
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.wakeTimer);
    this.machines.stop();
  }

  private async syncOnce(): Promise<void> {
    const { cache, clock, manager, hooks } = this.deps;
    const status = await cache.getNewerThan(this.uid, this.lastSyncMs);
    if (this.stopped) return;
    const runtimeErrors = hooks.runtimeErrors();
    if (runtimeErrors.length > 0) {
      // The sync loop skips iterations while the runtime is unhealthy (upstream syncLoop).
      this.runtimeBackOffMs = this.runtimeBackOffMs
        ? Math.min(this.runtimeBackOffMs * syncLoopRuntimeErrorBackOffFactor, syncLoopRuntimeErrorBackOffMaxMs)
        : syncLoopRuntimeErrorBackOffBaseMs;
      this.requeue(this.runtimeBackOffMs);
      return;
    }
    this.runtimeBackOffMs = 0;
    this.machines.observeRuntime(status);

    if (this.terminatingGrace !== undefined || this.deleted) {
      await this.syncTerminating(status, 'pod deleted');
      return;
    }

    // SyncPod preamble: pods on the pod network wait for the network (upstream NetworkNotReady).
    const network = hooks.networkErrors();
    if (network.length > 0 && !this.pod.spec?.hostNetwork) {
      const message = `${NetworkNotReadyErrorMsg}: ${network.join(', ')}`;
      hooks.event(this.pod, 'Warning', 'NetworkNotReady', message);
      this.lastSyncMs = clock.now();
      const result: SyncResult = { containerErrors: {}, podError: { reason: 'NetworkNotReady', message } };
      hooks.synced(this.pod, status, result);
      this.requeue(backOffOnTransientErrorPeriodMs);
      return;
    }

    hooks.publishStatus(this.pod);
    const actions = manager.decide(this.pod, status, hooks.probes(this.pod, status));
    const summary = actions.reasons.join('; ') || summarizePodActions(actions);
    this.actor.send(podWorkerSyncEvent(actions, summary, actions.killPod && !actions.createSandbox));
    if (this.state === 'terminating') {
      // Nothing left to run: the pod is finished (Succeeded or Failed).
      await this.syncTerminating(status, 'pod finished');
      return;
    }

    let result: SyncResult;
    try {
      result = await manager.execute(this.pod, status, actions, {
        ...bindObserver(this.machines),
        sandboxCreated: (sandboxId) => this.actor.send({ type: 'SANDBOX_CREATED', sandboxId }),
      });
    } catch (err) {
      result = { containerErrors: {}, podError: { reason: 'SyncError', message: err instanceof Error ? err.message : String(err) } };
    }
    // Upstream sets lastSyncTime when the sync has finished, so a relist that ran during the
    // sync (and may have seen the pod half-done) is never taken for fresh news.
    this.lastSyncMs = clock.now();
    const errors = Object.values(result.containerErrors);
    const firstError = result.podError ?? errors[0];
    let wait = syncFrequencyMs;
    if (firstError) {
      // The soonest back-off window's end if one is known (recent upstream), else backOffPeriod.
      wait = result.retryAtMs !== undefined ? Math.max(0, Math.min(result.retryAtMs - clock.now(), this.deps.resyncMs ?? syncFrequencyMs)) : backOffPeriodMs;
      this.actor.send({ type: 'SYNC_FAILED', reason: firstError.reason, message: firstError.message, retryAfterMs: wait });
    } else {
      wait = this.deps.resyncMs ?? syncFrequencyMs;
      if (this.state === 'starting-containers') this.actor.send({ type: 'CONTAINERS_STARTED' });
    }
    hooks.synced(this.pod, status, result);
    this.requeue(wait);
  }

  /** SyncTerminatingPod: kill every container with the grace period, stop every sandbox. */
  private async syncTerminating(status: PodRuntimeStatus, reason: string): Promise<void> {
    if (this.state !== 'terminating') this.actor.send({ type: 'TERMINATE', reason });
    try {
      await this.deps.manager.killPod(this.pod, status, undefined, bindObserver(this.machines));
    } catch {
      this.requeue(backOffPeriodMs);
      return;
    }
    this.lastSyncMs = this.deps.clock.now();
    this.actor.send({ type: 'CONTAINERS_STOPPED' });
    this.stop();
    this.deps.hooks.terminated(this.pod, this.deleted);
  }
}

/** The PodMachines methods as a plain observer object (so they can be spread). */
function bindObserver(m: PodMachines) {
  return {
    restartDecision: (name: string, now: number) => m.restartDecision(name, now),
    started: (name: string, at: number) => m.started(name, at),
    startFailed: (name: string, reason: string) => m.startFailed(name, reason),
    killed: (name: string, at: number) => m.killed(name, at),
    image: (...args: Parameters<PodMachines['image']>) => m.image(...args),
  };
}
