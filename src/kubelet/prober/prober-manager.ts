/**
 * The prober manager (k8s:pkg/kubelet/prober/prober_manager.go and prober.go): a worker for every
 * probe of every container of every pod, results published per container ID, and the probes
 * themselves.
 *
 * How each probe kind is run:
 * - `exec`: CRI `ExecSync(containerID, cmd, timeout = timeoutSeconds)` with the client deadline
 *   `runtimeRequestTimeout + timeout`; exit 0 = Success, otherwise Failure with the command's
 *   output; a `DeadlineExceeded` answer is a Failure ("command timed out", the `ExecProbeTimeout`
 *   behaviour); any other error is retried up to `maxProbeRetries` times, then reported as an
 *   `Unhealthy` event and the result discarded.
 * - `httpGet`, `tcpSocket`, `grpc`: the real kubelet connects to the pod IP from the node. A
 *   simulated pod has no real network endpoint, so crilab counts these as Success whenever the
 *   container is running (and makes no call). Use an exec probe, or `failNext`, to see failures.
 * Every Failure records a Warning event `Unhealthy` "<Type> probe failed: <output>".
 *
 * Fault API for scenarios: `failNext(podUid, container, probe, times?)` makes the next `times`
 * probe rounds of that probe report Failure whatever the probe itself answered (undefined = until
 * `clearFault`). The probe still runs (the ExecSync call shows in the trace).
 */

import type { Container, ContainerStatus, Pod, PodStatus, Probe } from 'kubernetes-types/core/v1.js';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Clock } from '../../clock/clock.js';
import type { CriClient } from '../../cri/client.js';
import { errorCode, formatRpcError } from '../../cri/status.js';
import { maxProbeRetries, probeDefaults, runtimeRequestTimeoutMs } from '../constants.js';
import type { KubeEventRecorder } from '../kube-events.js';
import type { ProbeResult, ProbeResults } from '../sync/probe-results.js';
import { isRestartableInitContainer } from '../sync/restart-policy.js';
import { ProbeWorker, type ProbeType, type ProbeWorkerHost } from './probe-worker.js';

export type { ProbeType } from './probe-worker.js';

export interface ProberManagerOptions {
  cri: CriClient;
  clock: Clock;
  events: KubeEventRecorder;
  /** The pod as the kubelet knows it now. */
  pod(uid: string): Pod | undefined;
  /** The pod status the kubelet last generated (what `started`/`state` the workers read). */
  podStatus(uid: string): PodStatus | undefined;
  /** A published result changed (upstream: the results managers' update channels). */
  onResult(uid: string, type: ProbeType, container: string, result: ProbeResult): void;
}

const TYPE_NAME: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
const PROBE_FIELD: Record<ProbeType, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> = {
  liveness: 'livenessProbe',
  readiness: 'readinessProbe',
  startup: 'startupProbe',
};

export class ProberManager implements ProbeWorkerHost {
  readonly clock: Clock;
  private readonly workers = new Map<string, ProbeWorker[]>();
  private readonly results: Record<ProbeType, Map<string, ProbeResult>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };
  private readonly faults = new Map<string, number>();

  constructor(private readonly opts: ProberManagerOptions) {
    this.clock = opts.clock;
  }

  /** Start workers for the pod's probes (upstream `AddPod`, called from SyncPod); idempotent. */
  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.workers.has(uid)) return;
    const list: ProbeWorker[] = [];
    const containers: Container[] = [...(pod.spec?.initContainers ?? []).filter(isRestartableInitContainer), ...(pod.spec?.containers ?? [])];
    for (const c of containers) {
      for (const type of ['startup', 'readiness', 'liveness'] as const) {
        const spec = c[PROBE_FIELD[type]];
        if (spec) list.push(new ProbeWorker(this, uid, c, type, spec));
      }
    }
    this.workers.set(uid, list);
    for (const w of list) w.start();
  }

  /** Stop the pod's workers and forget their results (upstream `RemovePod`). */
  removePod(uid: string): void {
    for (const w of this.workers.get(uid) ?? []) w.stop();
    this.workers.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.workers.keys()]) this.removePod(uid);
  }

  /** Does the pod have a worker for this container's probe of this type? */
  hasWorker(uid: string, container: string, type: ProbeType): boolean {
    return (this.workers.get(uid) ?? []).some((w) => w.type === type && w.containerName === container);
  }

  /**
   * After a status update: a readiness worker that has not seen a running container's ID yet
   * probes at once, so a container without an initial delay turns ready right after it starts
   * (upstream `UpdatePodStatus` → `manualTriggerCh`).
   */
  triggerUnseenReadiness(uid: string, status: PodStatus): void {
    for (const w of this.workers.get(uid) ?? []) {
      if (w.type !== 'readiness') continue;
      const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === w.containerName);
      const id = cs?.containerID?.replace(/^[a-z]+:\/\//, '');
      if (cs?.state?.running && id && !w.knows(id)) w.trigger();
    }
  }

  /** The published results for these container IDs, as computePodActions and the status read them. */
  resultsFor(containerIds: readonly string[]): ProbeResults {
    const pick = (m: Map<string, ProbeResult>) => {
      const out: Record<string, ProbeResult> = {};
      for (const id of containerIds) {
        const r = m.get(id);
        if (r !== undefined) out[id] = r;
      }
      return out;
    };
    return { liveness: pick(this.results.liveness), readiness: pick(this.results.readiness), startup: pick(this.results.startup) };
  }

  // ---- Fault API -----------------------------------------------------------------------------

  private faultKey(uid: string, container: string, type: ProbeType): string {
    return `${uid}/${container}/${type}`;
  }

  /** Make the next `times` rounds of this probe fail (undefined: until `clearFault`). */
  failNext(podUid: string, container: string, probe: ProbeType, times?: number): void {
    this.faults.set(this.faultKey(podUid, container, probe), times ?? Infinity);
  }

  clearFault(podUid: string, container: string, probe: ProbeType): void {
    this.faults.delete(this.faultKey(podUid, container, probe));
  }

  private takeFault(uid: string, container: string, type: ProbeType): boolean {
    const key = this.faultKey(uid, container, type);
    const left = this.faults.get(key);
    if (left === undefined || left <= 0) return false;
    if (left === 1) this.faults.delete(key);
    else this.faults.set(key, left - 1);
    return true;
  }

  // ---- ProbeWorkerHost -------------------------------------------------------------------------

  pod(uid: string): Pod | undefined {
    return this.opts.pod(uid);
  }

  containerStatus(uid: string, container: string): ContainerStatus | undefined {
    const s = this.opts.podStatus(uid);
    return [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? [])].find((c) => c.name === container);
  }

  setResult(type: ProbeType, containerId: string, result: ProbeResult, pod: Pod, container: string): void {
    const m = this.results[type];
    if (m.get(containerId) === result) return;
    m.set(containerId, result);
    this.opts.onResult(pod.metadata?.uid ?? '', type, container, result);
  }

  removeResult(type: ProbeType, containerId: string): void {
    this.results[type].delete(containerId);
  }

  async runProbe(pod: Pod, container: Container, type: ProbeType, probe: Probe, containerId: string): Promise<ProbeResult | undefined> {
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const uid = pod.metadata?.uid ?? '';
    let outcome: { result: ProbeResult; output: string } | { error: string } = { error: '' };
    for (let attempt = 0; attempt < maxProbeRetries; attempt++) {
      outcome = await this.probeOnce(probe, containerId);
      if (!('error' in outcome)) break;
    }
    if (this.takeFault(uid, container.name, type)) {
      outcome = { result: 'Failure', output: `crilab fault: ${type} probe made to fail` };
    }
    if ('error' in outcome) {
      this.opts.events.record(podKey, 'Warning', 'Unhealthy', `${TYPE_NAME[type]} probe errored and resulted in unknown state: ${outcome.error}`);
      return undefined;
    }
    if (outcome.result === 'Failure') {
      this.opts.events.record(podKey, 'Warning', 'Unhealthy', `${TYPE_NAME[type]} probe failed: ${outcome.output}`);
    }
    return outcome.result;
  }

  private async probeOnce(probe: Probe, containerId: string): Promise<{ result: ProbeResult; output: string } | { error: string }> {
    if (!probe.exec) return { result: 'Success', output: '' };
    const cmd = probe.exec.command ?? [];
    const timeoutSeconds = probe.timeoutSeconds ?? probeDefaults.timeoutSeconds;
    try {
      const res = await this.opts.cri.runtime.ExecSync(
        { containerId, cmd, timeout: timeoutSeconds },
        { timeoutMs: runtimeRequestTimeoutMs + timeoutSeconds * 1000 },
      );
      const output = (Buffer.from(res.stdout ?? '').toString() + Buffer.from(res.stderr ?? '').toString()).trimEnd();
      return { result: res.exitCode === 0 ? 'Success' : 'Failure', output };
    } catch (err) {
      if (errorCode(err) === grpcStatus.DEADLINE_EXCEEDED) {
        return { result: 'Failure', output: `command timed out: "${cmd.join(' ')}" timed out after ${timeoutSeconds}s` };
      }
      return { error: formatRpcError(err) };
    }
  }
}
