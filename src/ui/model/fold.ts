import type { MachineKind, TraceEvent, TraceEventOf } from '../../trace/events.js';
import { arr, at, CONTAINER_STATE_ZERO, enumState, num, parseGoDuration, parseJsonSafe, parseTime, SANDBOX_STATE_ZERO, str } from './payload.js';
import type {
  ContainerView,
  ExpectationView,
  FaultView,
  InterfaceView,
  KubeEventView,
  MachineInstance,
  MachineStep,
  NetnsView,
  PodContainerView,
  PodView,
  SandboxView,
  StepMark,
  ViewModel,
  WireCall,
} from './view-model.js';
import { summariseRequest, summariseResponse, type NameLookup } from './wire-labels.js';

/** Kube events kept for the detail view; older ones are of no use on a terminal. */
const KUBE_EVENTS_KEPT = 200;

interface PodRecord {
  key: string;
  namespace: string;
  name: string;
  uid?: string;
  status?: unknown;
  statusT?: number;
  workerState?: string;
  firstSeq: number;
}

interface SandboxRecord {
  id: string;
  podName?: string;
  namespace?: string;
  uid?: string;
  attempt?: number;
  state: string;
  ip?: string;
  additionalIps: string[];
  interfaces: InterfaceView[];
  netnsName?: string;
  removed: boolean;
  status?: unknown;
  firstSeq: number;
}

interface ContainerRecord {
  id: string;
  sandboxId?: string;
  name?: string;
  attempt?: number;
  image?: string;
  state: string;
  reason?: string;
  exitCode?: number;
  removed: boolean;
  status?: unknown;
  firstSeq: number;
}

interface MachineRecord {
  machine: MachineKind;
  id: string;
  label?: string;
  state: string;
  history: MachineStep[];
}

function splitPodKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: 'default', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Folds trace events, one at a time, into the state the panes draw. Internal records are
 * mutable; `snapshot()` copies them into a fresh ViewModel, so snapshots never change after
 * they are taken and the folder can keep going from where it stopped.
 */
export class ViewModelFolder implements NameLookup {
  applied = 0;
  private startMs: number | null = null;
  private clockMs: number | null = null;
  private readonly pods = new Map<string, PodRecord>();
  private readonly calls: WireCall[] = [];
  private readonly callIndex = new Map<string, number>();
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly machines = new Map<string, MachineRecord>();
  /** Latest `container-restart` state per `namespace/pod/container`. */
  private readonly restartStates = new Map<string, string>();
  private narration: string | null = null;
  private lastStep: StepMark | null = null;
  private readonly kubeEvents: KubeEventView[] = [];
  private readonly expectations: ExpectationView[] = [];
  private readonly faults: FaultView[] = [];

  sandboxName(id: string): string | undefined {
    return this.sandboxes.get(id)?.podName;
  }

  containerName(id: string): string | undefined {
    return this.containers.get(id)?.name;
  }

  applyAll(events: readonly TraceEvent[], upto: number): this {
    const end = Math.min(upto, events.length);
    for (let i = this.applied; i < end; i++) this.apply(events[i]!);
    return this;
  }

  apply(e: TraceEvent): void {
    this.applied++;
    if (this.startMs === null) this.startMs = e.t;
    this.clockMs = e.t;
    switch (e.kind) {
      case 'cri.request':
        return this.onRequest(e);
      case 'cri.response':
        return this.onResponse(e);
      case 'cri.stream': {
        const i = this.callIndex.get(e.callId);
        if (i !== undefined) {
          const c = this.calls[i]!;
          this.calls[i] = { ...c, streamMessages: c.streamMessages + 1 };
        }
        return;
      }
      case 'machine.transition':
        return this.onTransition(e);
      case 'pod.status': {
        const pod = this.pod(e.pod, e.seq);
        pod.status = e.status;
        pod.statusT = e.t;
        if (e.uid) pod.uid = e.uid;
        return;
      }
      case 'narration':
        this.narration = e.text;
        return;
      case 'step':
        this.lastStep = { index: e.index, total: e.total, step: e.step, summary: e.summary, phase: e.phase };
        return;
      case 'kube.event':
        this.kubeEvents.push({ seq: e.seq, t: e.t, pod: e.pod, type: e.type, reason: e.reason, message: e.message });
        if (this.kubeEvents.length > KUBE_EVENTS_KEPT * 2) this.kubeEvents.splice(0, KUBE_EVENTS_KEPT);
        return;
      case 'expectation':
        this.expectations.push({
          seq: e.seq,
          description: e.description,
          passed: e.passed,
          expected: e.expected,
          observed: e.observed,
        });
        return;
      case 'fault':
        this.faults.push({ seq: e.seq, fault: e.fault, ...(e.target !== undefined ? { target: e.target } : {}) });
        return;
      default:
        return;
    }
  }

  private pod(key: string, seq: number): PodRecord {
    let p = this.pods.get(key);
    if (!p) {
      p = { key, ...splitPodKey(key), firstSeq: seq };
      this.pods.set(key, p);
    }
    return p;
  }

  private sandbox(id: string, seq: number): SandboxRecord {
    let s = this.sandboxes.get(id);
    if (!s) {
      s = { id, state: 'SANDBOX_UNKNOWN', additionalIps: [], interfaces: [], removed: false, firstSeq: seq };
      this.sandboxes.set(id, s);
    }
    return s;
  }

  private container(id: string, seq: number): ContainerRecord {
    let c = this.containers.get(id);
    if (!c) {
      c = { id, state: 'CONTAINER_UNKNOWN', removed: false, firstSeq: seq };
      this.containers.set(id, c);
    }
    return c;
  }

  /** Runtime machines are the authority on state when the runtime reports them. */
  private hasMachine(machine: MachineKind, id: string): boolean {
    return this.machines.has(`${machine}:${id}`);
  }

  private podOfCall(method: string, request: unknown): string | undefined {
    const ns = (path: readonly string[]) => str(request, [...path, 'namespace']);
    if (method === 'RunPodSandbox') {
      const name = str(request, ['config', 'metadata', 'name']);
      return name ? `${ns(['config', 'metadata']) ?? 'default'}/${name}` : undefined;
    }
    const sbName = str(request, ['sandboxConfig', 'metadata', 'name']);
    if (sbName) return `${ns(['sandboxConfig', 'metadata']) ?? 'default'}/${sbName}`;
    let sandboxId = str(request, ['podSandboxId']);
    const containerId = str(request, ['containerId']);
    if (!sandboxId && containerId) sandboxId = this.containers.get(containerId)?.sandboxId;
    const sb = sandboxId ? this.sandboxes.get(sandboxId) : undefined;
    return sb?.podName ? `${sb.namespace ?? 'default'}/${sb.podName}` : undefined;
  }

  private onRequest(e: TraceEventOf<'cri.request'>): void {
    const pod = this.podOfCall(e.method, e.request);
    const call: WireCall = {
      callId: e.callId,
      seq: e.seq,
      t: e.t,
      source: e.source,
      service: e.service,
      method: e.method,
      request: e.request,
      requestProtoBytes: e.protoBytes,
      requestJsonBytes: e.jsonBytes,
      requestSummary: summariseRequest(e.method, e.request, this),
      ...(pod ? { pod } : {}),
      done: false,
      streamMessages: 0,
    };
    this.callIndex.set(e.callId, this.calls.length);
    this.calls.push(call);
  }

  private onResponse(e: TraceEventOf<'cri.response'>): void {
    let i = this.callIndex.get(e.callId);
    if (i === undefined) {
      // A recording cut in the middle of a call: show the answer without its question.
      i = this.calls.length;
      this.callIndex.set(e.callId, i);
      this.calls.push({
        callId: e.callId,
        seq: e.seq,
        t: e.t - e.durationMs,
        source: e.source,
        service: e.service,
        method: e.method,
        request: undefined,
        requestProtoBytes: 0,
        requestJsonBytes: 0,
        requestSummary: '',
        done: false,
        streamMessages: 0,
      });
    }
    const call = this.calls[i]!;
    if (!e.status) this.applySuccess(e.method, call.request, e.response, e.seq);
    const pod = call.pod ?? this.podOfCall(e.method, call.request) ?? this.podOfResponse(e.method, e.response);
    this.calls[i] = {
      ...call,
      ...(pod ? { pod } : {}),
      done: true,
      ...(e.response !== undefined ? { response: e.response } : {}),
      ...(e.status ? { status: e.status } : {}),
      durationMs: e.durationMs,
      responseProtoBytes: e.protoBytes,
      responseJsonBytes: e.jsonBytes,
      responseSummary: e.status ? '' : summariseResponse(e.method, e.response),
    };
  }

  private podOfResponse(method: string, response: unknown): string | undefined {
    if (method === 'PodSandboxStatus') {
      const name = str(response, ['status', 'metadata', 'name']);
      return name ? `${str(response, ['status', 'metadata', 'namespace']) ?? 'default'}/${name}` : undefined;
    }
    return undefined;
  }

  /** What a successful call tells about the runtime's objects (CRI semantics). */
  private applySuccess(method: string, request: unknown, response: unknown, seq: number): void {
    switch (method) {
      case 'RunPodSandbox': {
        const id = str(response, ['podSandboxId']);
        if (!id) return;
        const sb = this.sandbox(id, seq);
        sb.podName = str(request, ['config', 'metadata', 'name']) ?? sb.podName;
        sb.namespace = str(request, ['config', 'metadata', 'namespace']) ?? sb.namespace;
        sb.uid = str(request, ['config', 'metadata', 'uid']) ?? sb.uid;
        sb.attempt = num(request, ['config', 'metadata', 'attempt']) ?? sb.attempt ?? 0;
        sb.removed = false;
        if (!this.hasMachine('sandbox', id)) sb.state = 'SANDBOX_READY';
        return;
      }
      case 'StopPodSandbox': {
        const id = str(request, ['podSandboxId']);
        const sb = id ? this.sandboxes.get(id) : undefined;
        if (!sb) return;
        if (!this.hasMachine('sandbox', sb.id)) sb.state = 'SANDBOX_NOTREADY';
        // StopPodSandbox runs CNI DEL and removes the netns: the pod IP is released.
        delete sb.ip;
        sb.additionalIps = [];
        return;
      }
      case 'RemovePodSandbox': {
        const id = str(request, ['podSandboxId']);
        const sb = id ? this.sandboxes.get(id) : undefined;
        if (!sb) return;
        sb.removed = true;
        // RemovePodSandbox removes the sandbox's containers too (containerd's sandbox_remove).
        for (const c of this.containers.values()) if (c.sandboxId === sb.id) c.removed = true;
        return;
      }
      case 'PodSandboxStatus': {
        const id = str(response, ['status', 'id']) ?? str(request, ['podSandboxId']);
        if (!id) return;
        const sb = this.sandbox(id, seq);
        this.readSandboxStatus(sb, at(response, ['status']));
        sb.status = response;
        this.readVerboseInfo(sb, at(response, ['info']));
        return;
      }
      case 'ListPodSandbox': {
        const items = arr(response, ['items']);
        const seen = new Set<string>();
        for (const item of items) {
          const id = str(item, ['id']);
          if (!id) continue;
          seen.add(id);
          const sb = this.sandbox(id, seq);
          this.readSandboxStatus(sb, item);
          sb.removed = false;
        }
        if (at(request, ['filter']) === undefined || at(request, ['filter']) === null) {
          for (const sb of this.sandboxes.values()) if (!seen.has(sb.id)) sb.removed = true;
        }
        return;
      }
      case 'CreateContainer': {
        const id = str(response, ['containerId']);
        if (!id) return;
        const c = this.container(id, seq);
        c.sandboxId = str(request, ['podSandboxId']) ?? c.sandboxId;
        c.name = str(request, ['config', 'metadata', 'name']) ?? c.name;
        c.attempt = num(request, ['config', 'metadata', 'attempt']) ?? c.attempt ?? 0;
        c.image = str(request, ['config', 'image', 'image']) ?? c.image;
        if (!this.hasMachine('container', id)) c.state = 'CONTAINER_CREATED';
        return;
      }
      case 'StartContainer':
      case 'StopContainer':
      case 'RemoveContainer': {
        const id = str(request, ['containerId']);
        const c = id ? this.containers.get(id) : undefined;
        if (!c) return;
        if (method === 'RemoveContainer') {
          c.removed = true;
          return;
        }
        if (!this.hasMachine('container', c.id)) {
          c.state = method === 'StartContainer' ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED';
        }
        return;
      }
      case 'ContainerStatus': {
        const status = at(response, ['status']);
        const id = str(status, ['id']) ?? str(request, ['containerId']);
        if (!id) return;
        const c = this.container(id, seq);
        this.readContainerStatus(c, status);
        c.status = response;
        return;
      }
      case 'ListContainers': {
        const seen = new Set<string>();
        for (const item of arr(response, ['containers'])) {
          const id = str(item, ['id']);
          if (!id) continue;
          seen.add(id);
          const c = this.container(id, seq);
          c.sandboxId = str(item, ['podSandboxId']) ?? c.sandboxId;
          this.readContainerStatus(c, item);
          c.removed = false;
        }
        if (at(request, ['filter']) === undefined || at(request, ['filter']) === null) {
          for (const c of this.containers.values()) if (!seen.has(c.id)) c.removed = true;
        }
        return;
      }
      default:
        return;
    }
  }

  private readSandboxStatus(sb: SandboxRecord, status: unknown): void {
    sb.podName = str(status, ['metadata', 'name']) ?? sb.podName;
    sb.namespace = str(status, ['metadata', 'namespace']) ?? sb.namespace;
    sb.uid = str(status, ['metadata', 'uid']) ?? sb.uid;
    // Attempt 0 is left out of protobuf JSON: metadata without an attempt is attempt 0.
    sb.attempt = num(status, ['metadata', 'attempt']) ?? (at(status, ['metadata']) !== undefined ? 0 : sb.attempt);
    const state = enumState(status, SANDBOX_STATE_ZERO);
    if (state && !this.hasMachine('sandbox', sb.id)) sb.state = state;
    if (at(status, ['network']) !== undefined) {
      const ip = str(status, ['network', 'ip']);
      if (ip) sb.ip = ip;
      else delete sb.ip;
      sb.additionalIps = arr(status, ['network', 'additionalIps'])
        .map((x) => str(x, ['ip']))
        .filter((x): x is string => x !== undefined);
    }
  }

  private readContainerStatus(c: ContainerRecord, status: unknown): void {
    c.name = str(status, ['metadata', 'name']) ?? c.name;
    c.attempt = num(status, ['metadata', 'attempt']) ?? (at(status, ['metadata']) !== undefined ? 0 : c.attempt);
    c.image = str(status, ['image', 'image']) ?? c.image;
    const state = enumState(status, CONTAINER_STATE_ZERO);
    if (state && !this.hasMachine('container', c.id)) c.state = state;
    const reason = str(status, ['reason']);
    if (reason) c.reason = reason;
    // Exit code 0 is left out of protobuf JSON like any zero.
    if (state === 'CONTAINER_EXITED') c.exitCode = num(status, ['exitCode']) ?? 0;
  }

  /**
   * A verbose PodSandboxStatus carries an `info` map of JSON strings. containerd puts the
   * netns path (`netNamespacePath`) and the CNI result (`cniResult.Interfaces`) there; the
   * simulated runtime may use the plain CNI result shape (`interfaces` + `ips`). Read both.
   */
  private readVerboseInfo(sb: SandboxRecord, info: unknown): void {
    if (!info || typeof info !== 'object') return;
    for (const raw of Object.values(info as Record<string, unknown>)) {
      const doc = typeof raw === 'string' ? parseJsonSafe(raw) : raw;
      if (!doc || typeof doc !== 'object') continue;
      const path = str(doc, ['netNamespacePath']) ?? str(doc, ['netns']);
      if (path) sb.netnsName = path.split('/').pop() ?? path;
      const interfaces = readInterfaces(at(doc, ['cniResult']));
      if (interfaces.length > 0) sb.interfaces = interfaces;
    }
  }

  private onTransition(e: TraceEventOf<'machine.transition'>): void {
    const key = `${e.machine}:${e.id}`;
    let m = this.machines.get(key);
    if (!m) {
      m = { machine: e.machine, id: e.id, state: e.to, history: [] };
      this.machines.set(key, m);
    }
    if (e.label !== undefined) m.label = e.label;
    m.state = e.to;
    m.history.push({ seq: e.seq, t: e.t, from: e.from, to: e.to, event: e.event });
    switch (e.machine) {
      case 'pod-worker':
        this.pod(e.id, e.seq).workerState = e.to;
        return;
      case 'container-restart': {
        // Expected id: `namespace/pod/container`; a bare id falls back to its label.
        const parts = e.id.split('/');
        const key = parts.length >= 3 ? e.id : `${e.id}/${e.label ?? ''}`;
        this.restartStates.set(key, e.to);
        return;
      }
      case 'sandbox': {
        const sb = this.sandbox(e.id, e.seq);
        sb.state = e.to;
        if (!sb.podName && e.label) sb.podName = e.label;
        return;
      }
      case 'container': {
        const c = this.container(e.id, e.seq);
        c.state = e.to;
        if (!c.name && e.label) c.name = e.label;
        return;
      }
      default:
        return;
    }
  }

  snapshot(): ViewModel {
    const machines: MachineInstance[] = [];
    for (const [key, m] of this.machines) {
      machines.push({
        key,
        machine: m.machine,
        id: m.id,
        ...(m.label !== undefined ? { label: m.label } : {}),
        state: m.state,
        history: m.history.slice(),
      });
    }
    const sandboxes = [...this.sandboxes.values()]
      .sort((a, b) => a.firstSeq - b.firstSeq)
      .map((s): SandboxView => {
        const pause = this.machines.get(`pause:${s.id}`);
        return {
          id: s.id,
          ...(s.podName !== undefined ? { podName: s.podName } : {}),
          ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
          ...(s.uid !== undefined ? { uid: s.uid } : {}),
          ...(s.attempt !== undefined ? { attempt: s.attempt } : {}),
          state: s.state,
          ...(pause ? { pauseState: pause.state } : {}),
          ...(s.ip !== undefined ? { ip: s.ip } : {}),
          additionalIps: s.additionalIps.slice(),
          interfaces: s.interfaces.slice(),
          removed: s.removed,
          ...(s.status !== undefined ? { status: s.status } : {}),
          firstSeq: s.firstSeq,
        };
      });
    const containers = [...this.containers.values()]
      .sort((a, b) => a.firstSeq - b.firstSeq)
      .map((c): ContainerView => ({ ...c }));
    return {
      cut: this.applied,
      startMs: this.startMs,
      clockMs: this.clockMs,
      pods: [...this.pods.values()].sort((a, b) => a.firstSeq - b.firstSeq).map((p) => this.podView(p)),
      calls: this.calls.slice(),
      sandboxes,
      containers,
      netns: this.netnsViews(sandboxes),
      machines,
      narration: this.narration,
      lastStep: this.lastStep,
      kubeEvents: this.kubeEvents.slice(-KUBE_EVENTS_KEPT),
      expectations: this.expectations.slice(),
      faults: this.faults.slice(),
    };
  }

  private podView(p: PodRecord): PodView {
    const s = p.status;
    const containers: PodContainerView[] = [];
    for (const cs of [...arr(s, ['initContainerStatuses']), ...arr(s, ['containerStatuses'])]) {
      const name = str(cs, ['name']);
      if (!name) continue;
      containers.push(this.podContainerView(p, name, cs));
    }
    // Containers the restart machine knows but the status does not list yet.
    const prefix = `${p.key}/`;
    for (const [key, state] of this.restartStates) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length);
      if (name && !containers.some((c) => c.name === name)) {
        containers.push({ name, state: 'unknown', restartCount: 0, ready: false, restartMachineState: state });
      }
    }
    const phase = str(s, ['phase']);
    const podIP = str(s, ['podIP']);
    return {
      key: p.key,
      namespace: p.namespace,
      name: p.name,
      ...(p.uid !== undefined ? { uid: p.uid } : {}),
      ...(p.workerState !== undefined ? { workerState: p.workerState } : {}),
      ...(phase !== undefined ? { phase } : {}),
      ...(podIP !== undefined ? { podIP } : {}),
      containers,
      ...(s !== undefined ? { status: s } : {}),
      firstSeq: p.firstSeq,
    };
  }

  private podContainerView(p: PodRecord, name: string, cs: unknown): PodContainerView {
    let state: PodContainerView['state'] = 'unknown';
    let reason: string | undefined;
    let message: string | undefined;
    let exitCode: number | undefined;
    if (at(cs, ['state', 'running']) !== undefined) state = 'running';
    else if (at(cs, ['state', 'terminated']) !== undefined) {
      state = 'terminated';
      reason = str(cs, ['state', 'terminated', 'reason']);
      exitCode = num(cs, ['state', 'terminated', 'exitCode']);
    } else if (at(cs, ['state', 'waiting']) !== undefined) {
      state = 'waiting';
      reason = str(cs, ['state', 'waiting', 'reason']);
      message = str(cs, ['state', 'waiting', 'message']);
    }
    const backOff = reason === 'CrashLoopBackOff' ? backOffOf(message, cs) : undefined;
    const machineState = this.restartStates.get(`${p.key}/${name}`);
    return {
      name,
      state,
      ...(reason !== undefined ? { reason } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      restartCount: num(cs, ['restartCount']) ?? 0,
      ready: at(cs, ['ready']) === true,
      ...(backOff ? { backOff } : {}),
      ...(machineState !== undefined ? { restartMachineState: machineState } : {}),
    };
  }

  private netnsViews(sandboxes: readonly SandboxView[]): NetnsView[] {
    const byId = new Map(sandboxes.map((s) => [s.id, s]));
    const netnsOf = new Map<string, string>();
    for (const s of this.sandboxes.values()) if (s.netnsName) netnsOf.set(s.netnsName, s.id);
    const views: NetnsView[] = [];
    const covered = new Set<string>();
    const netnsMachines = [...this.machines.values()].filter((m) => m.machine === 'netns');
    // Links that need no guessing first: the sandbox's reported netns path, a label or an id
    // that is the sandbox ID.
    const linked = new Map<MachineRecord, string>();
    for (const m of netnsMachines) {
      const sbId = netnsOf.get(m.id) ?? (m.label && byId.has(m.label) ? m.label : undefined) ?? (byId.has(m.id) ? m.id : undefined);
      if (sbId) {
        linked.set(m, sbId);
        covered.add(sbId);
      }
    }
    for (const m of netnsMachines) {
      // A label that names the pod (`namespace/name` or `name`): each sandbox of the pod has its
      // own netns, made in the same order, so the oldest netns goes with the oldest sandbox.
      let sbId = linked.get(m);
      if (!sbId && m.label) {
        const slash = m.label.indexOf('/');
        const ns = slash >= 0 ? m.label.slice(0, slash) : undefined;
        const name = slash >= 0 ? m.label.slice(slash + 1) : m.label;
        sbId = sandboxes.find((s) => s.podName === name && (ns === undefined || (s.namespace ?? 'default') === ns) && !covered.has(s.id))?.id;
      }
      const sb = sbId ? byId.get(sbId) : undefined;
      if (sb) covered.add(sb.id);
      views.push({
        name: m.id,
        state: m.state,
        ...(m.label !== undefined ? { label: m.label } : {}),
        ...(sb ? { sandboxId: sb.id } : {}),
        ...(sb?.podName ?? m.label ? { podName: (sb?.podName ?? m.label!.slice(m.label!.indexOf('/') + 1))! } : {}),
        ips: sb ? [sb.ip, ...sb.additionalIps].filter((x): x is string => !!x) : [],
        interfaces: sb ? sb.interfaces : [],
        inferred: false,
      });
    }
    for (const sb of sandboxes) {
      if (covered.has(sb.id) || sb.removed) continue;
      const src = this.sandboxes.get(sb.id);
      if (!sb.ip && !src?.netnsName) continue;
      views.push({
        name: src?.netnsName ?? `(netns of ${sb.id.slice(0, 13)})`,
        state: sb.ip ? 'configured' : 'unknown',
        sandboxId: sb.id,
        ...(sb.podName !== undefined ? { podName: sb.podName } : {}),
        ips: [sb.ip, ...sb.additionalIps].filter((x): x is string => !!x),
        interfaces: sb.interfaces,
        inferred: true,
      });
    }
    return views;
  }
}

/** `back-off 20s restarting failed container=app pod=web_default(uid)` → 20 s, until finishedAt+20 s. */
function backOffOf(message: string | undefined, cs: unknown): PodContainerView['backOff'] {
  const m = message ? /back-off (\S+) restarting/.exec(message) : null;
  const durationMs = m ? parseGoDuration(m[1]!) : undefined;
  if (durationMs === undefined) return undefined;
  const finished = parseTime(at(cs, ['lastState', 'terminated', 'finishedAt']));
  return finished === undefined ? { durationMs } : { durationMs, untilMs: finished + durationMs };
}

/** Interfaces from a CNI result, in containerd's Go shape or in the CNI spec's JSON shape. */
function readInterfaces(result: unknown): InterfaceView[] {
  if (!result || typeof result !== 'object') return [];
  const out: InterfaceView[] = [];
  const goShape = at(result, ['Interfaces']);
  if (goShape && typeof goShape === 'object' && !Array.isArray(goShape)) {
    for (const [name, v] of Object.entries(goShape as Record<string, unknown>)) {
      const ips = arr(v, ['IPConfigs'])
        .map((c) => str(c, ['IP']))
        .filter((x): x is string => !!x);
      const mac = str(v, ['Mac']);
      out.push({ name, ...(mac ? { mac } : {}), ips, host: !str(v, ['Sandbox']) });
    }
    return out;
  }
  const list = arr(result, ['interfaces']);
  const ipList = arr(result, ['ips']);
  list.forEach((v, idx) => {
    const name = str(v, ['name']);
    if (!name) return;
    const ips = ipList
      .filter((ip) => num(ip, ['interface']) === idx)
      .map((ip) => str(ip, ['address']))
      .filter((x): x is string => !!x);
    const mac = str(v, ['mac']);
    out.push({ name, ...(mac ? { mac } : {}), ips, host: !str(v, ['sandbox']) });
  });
  return out;
}

/** Fold `events[0..upto)` from scratch. */
export function foldEvents(events: readonly TraceEvent[], upto: number = events.length): ViewModel {
  return new ViewModelFolder().applyAll(events, upto).snapshot();
}
