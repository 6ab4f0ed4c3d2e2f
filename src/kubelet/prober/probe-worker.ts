/**
 * One probe worker per (pod, container, probe type) — upstream `worker` (k8s:pkg/kubelet/prober/
 * worker.go). It probes when it starts and then every `periodSeconds` on the Clock, and follows
 * the container by ID: a new container ID resets the result to the type's initial value
 * (readiness Failure, liveness Success, startup Unknown) and lifts a hold. Per probe:
 * - no status or no container ID yet → wait; container not running → Failure (and stop for good
 *   once it terminated under `restartPolicy: Never`);
 * - pod being deleted → liveness/startup set to Success and the worker stops;
 * - within `initialDelaySeconds` of the start → skip;
 * - startup gates the others: until the container has `started`, only the startup probe runs; once
 *   started, the startup probe stops;
 * - a result is published only after `failureThreshold` failures / `successThreshold` successes
 *   in a row; a published liveness/startup Failure puts the worker on hold until the container is
 *   replaced (the kubelet kills it on its next sync).
 * Jitter (the random first delay upstream adds right after a kubelet start) is left out so runs
 * are reproducible.
 */

import type { Container, ContainerStatus, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../clock/clock.js';
import { probeDefaults } from '../constants.js';
import type { ProbeResult } from '../sync/probe-results.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** What a worker asks of its manager. */
export interface ProbeWorkerHost {
  clock: Clock;
  pod(uid: string): Pod | undefined;
  containerStatus(uid: string, container: string): ContainerStatus | undefined;
  /** Run the probe once (with retries for errors). `undefined` = the probe errored: discard. */
  runProbe(pod: Pod, container: Container, type: ProbeType, probe: Probe, containerId: string): Promise<ProbeResult | undefined>;
  setResult(type: ProbeType, containerId: string, result: ProbeResult, pod: Pod, container: string): void;
  removeResult(type: ProbeType, containerId: string): void;
}

const initialValue: Record<ProbeType, ProbeResult> = { readiness: 'Failure', liveness: 'Success', startup: 'Unknown' };

export class ProbeWorker {
  private containerId = '';
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private running = false;
  private triggered = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly host: ProbeWorkerHost,
    private readonly podUid: string,
    private readonly container: Container,
    readonly type: ProbeType,
    private readonly spec: Probe,
  ) {}

  get containerName(): string {
    return this.container.name;
  }

  private get periodMs(): number {
    return (this.spec.periodSeconds ?? probeDefaults.periodSeconds) * 1000;
  }

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.host.clock.clearTimeout(this.timer);
    if (this.containerId) this.host.removeResult(this.type, this.containerId);
  }

  /** Probe now rather than at the next tick (upstream `manualTriggerCh`). */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.triggered = true;
      return;
    }
    this.host.clock.clearTimeout(this.timer);
    void this.tick();
  }

  /** Has the worker seen this container ID yet? */
  knows(containerId: string): boolean {
    return this.containerId === containerId;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const due = this.host.clock.now() + this.periodMs;
    this.running = true;
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } finally {
      this.running = false;
    }
    if (!keepGoing) {
      this.stop();
      return;
    }
    if (this.stopped) return;
    const wait = this.triggered ? 0 : Math.max(0, due - this.host.clock.now());
    this.triggered = false;
    this.timer = this.host.clock.setTimeout(() => void this.tick(), wait, `probe ${this.type} ${this.container.name}`);
  }

  /** One round (upstream `doProbe`); false = stop this worker. */
  private async doProbe(): Promise<boolean> {
    const pod = this.host.pod(this.podUid);
    if (!pod) return false;
    const c = this.host.containerStatus(this.podUid, this.container.name);
    if (!c || !c.containerID) return true;
    const id = c.containerID.replace(/^[a-z]+:\/\//, '');
    if (id !== this.containerId) {
      if (this.containerId) this.host.removeResult(this.type, this.containerId);
      this.containerId = id;
      this.host.setResult(this.type, id, initialValue[this.type], pod, this.container.name);
      this.onHold = false;
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    if (this.onHold) return true;
    if (!c.state?.running) {
      this.host.setResult(this.type, id, 'Failure', pod, this.container.name);
      return !(c.state?.terminated && pod.spec?.restartPolicy === 'Never');
    }
    if (pod.metadata?.deletionTimestamp && (this.type === 'liveness' || this.type === 'startup')) {
      this.host.setResult(this.type, id, 'Success', pod, this.container.name);
      return false;
    }
    const startedAt = c.state.running.startedAt ? Date.parse(c.state.running.startedAt) : this.host.clock.now();
    if (Math.floor((this.host.clock.now() - startedAt) / 1000) < (this.spec.initialDelaySeconds ?? 0)) return true;
    if (c.started) {
      if (this.type === 'startup') return true;
    } else if (this.type !== 'startup') {
      return true;
    }

    const result = await this.host.runProbe(pod, this.container, this.type, this.spec, id);
    if (result === undefined || this.stopped || id !== this.containerId) return true;
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const failureThreshold = this.spec.failureThreshold ?? probeDefaults.failureThreshold;
    const successThreshold = this.spec.successThreshold ?? probeDefaults.successThreshold;
    if ((result === 'Failure' && this.resultRun < failureThreshold) || (result === 'Success' && this.resultRun < successThreshold)) {
      return true;
    }
    this.host.setResult(this.type, id, result, pod, this.container.name);
    if ((this.type === 'liveness' || this.type === 'startup') && result === 'Failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
