import type { PodStatus } from 'kubernetes-types/core/v1.js';
import type { MachineKind, TraceEvent } from '../trace/events.js';

export interface SeenCall {
  seq: number;
  method: string;
  /** Scenario pod name the call was about, when it can be told. */
  pod?: string;
  container?: string;
  failed: boolean;
  code?: string;
}

export interface MachineSeen {
  machine: MachineKind;
  id: string;
  label: string;
  state: string;
  pod?: string;
}

/**
 * What the runner knows, folded from the trace alone (the same way the UI folds it), so a
 * condition means the same on the simulated runtime, on containerd and in a replay.
 */
export class RunState {
  /** scenario pod name → `namespace/name` and UID, registered when the pod is applied. */
  readonly podKeys = new Map<string, { key: string; uid: string }>();
  readonly statuses = new Map<string, PodStatus>();
  /** The first IP each pod's status showed: what `ip: kept` compares with before any `expect`. */
  readonly firstIp = new Map<string, string>();
  readonly calls: SeenCall[] = [];
  readonly machines = new Map<string, MachineSeen>();
  readonly kubeEvents: Array<{ seq: number; pod: string; reason: string; type: string; message: string }> = [];
  private readonly sandboxPod = new Map<string, string>();
  private readonly containerInfo = new Map<string, { pod: string; container: string }>();
  /** The pod the kubelet is syncing now (its latest decision): image calls carry no pod of their own. */
  private currentSyncPod: string | undefined;
  private readonly pendingRequests = new Map<string, { method: string; pod?: string; container?: string }>();
  lastSeq = 0;

  registerPod(name: string, key: string, uid: string): void {
    this.podKeys.set(name, { key, uid });
  }

  private podNameOfKey(key: string): string | undefined {
    for (const [name, v] of this.podKeys) if (v.key === key) return name;
    return undefined;
  }

  private podNameOfUid(uid: string): string | undefined {
    for (const [name, v] of this.podKeys) if (v.uid === uid) return name;
    return undefined;
  }

  private podFromMeta(meta: unknown): string | undefined {
    const m = meta as { name?: string; namespace?: string } | undefined;
    if (!m?.name) return undefined;
    return this.podNameOfKey(`${m.namespace ?? 'default'}/${m.name}`);
  }

  apply(e: TraceEvent): void {
    this.lastSeq = e.seq;
    switch (e.kind) {
      case 'pod.status': {
        const name = this.podNameOfKey(e.pod);
        if (name) {
          const status = e.status as PodStatus;
          this.statuses.set(name, status);
          if (status.podIP && !this.firstIp.has(name)) this.firstIp.set(name, status.podIP);
        }
        break;
      }
      case 'cri.request': {
        const r = e.request as Record<string, any>;
        let pod: string | undefined;
        let container: string | undefined;
        if (r['config']?.metadata && e.method === 'RunPodSandbox') pod = this.podFromMeta(r['config'].metadata);
        else if (r['sandboxConfig']?.metadata) pod = this.podFromMeta(r['sandboxConfig'].metadata);
        if (e.method === 'CreateContainer') container = r['config']?.metadata?.name;
        const sid = r['podSandboxId'] as string | undefined;
        if (sid && !pod) pod = this.sandboxPod.get(sid);
        const cid = r['containerId'] as string | undefined;
        if (cid) {
          const info = this.containerInfo.get(cid);
          if (info) ({ pod, container } = info);
        }
        const uid = r['filter']?.labelSelector?.['io.kubernetes.pod.uid'] as string | undefined;
        if (uid) pod = this.podNameOfUid(uid);
        if (!pod && (e.method === 'ImageStatus' || e.method === 'PullImage' || e.method === 'ExecSync')) pod = this.currentSyncPod;
        this.pendingRequests.set(e.callId, { method: e.method, ...(pod ? { pod } : {}), ...(container ? { container } : {}) });
        break;
      }
      case 'cri.response': {
        const req = this.pendingRequests.get(e.callId);
        this.pendingRequests.delete(e.callId);
        const res = (e.response ?? {}) as Record<string, any>;
        if (e.method === 'RunPodSandbox' && res['podSandboxId'] && req?.pod) this.sandboxPod.set(res['podSandboxId'], req.pod);
        if (e.method === 'CreateContainer' && res['containerId'] && req?.pod && req.container) {
          this.containerInfo.set(res['containerId'], { pod: req.pod, container: req.container });
        }
        this.calls.push({
          seq: e.seq,
          method: e.method,
          ...(req?.pod ? { pod: req.pod } : {}),
          ...(req?.container ? { container: req.container } : {}),
          failed: e.status !== undefined,
          ...(e.status ? { code: e.status.codeName } : {}),
        });
        break;
      }
      case 'machine.transition': {
        let pod: string | undefined;
        if (e.machine === 'sandbox' || e.machine === 'pause') pod = this.sandboxPod.get(e.id) ?? this.podNameOfKey(e.label ?? '');
        else if (e.machine === 'container') pod = this.containerInfo.get(e.id)?.pod;
        else if (e.machine === 'pod-worker') pod = this.podNameOfKey(e.id);
        this.machines.set(`${e.machine}:${e.id}`, {
          machine: e.machine,
          id: e.id,
          label: e.label ?? '',
          state: e.to,
          ...(pod ? { pod } : {}),
        });
        break;
      }
      case 'kubelet.decision':
        this.currentSyncPod = this.podNameOfKey(e.pod);
        break;
      case 'kube.event':
        this.kubeEvents.push({ seq: e.seq, pod: this.podNameOfKey(e.pod) ?? e.pod, reason: e.reason, type: e.type, message: e.message });
        break;
      default:
        break;
    }
  }

  /** The pod's current IP as the API shows it. */
  podIP(pod: string): string {
    return this.statuses.get(pod)?.podIP ?? '';
  }

  /** Container name of a runtime container ID, if known. */
  containerOf(id: string): { pod: string; container: string } | undefined {
    return this.containerInfo.get(id);
  }
}
