/**
 * The one trace stream. Everything a learner can observe is one of these events: the UI, the
 * recorder, the golden tests and the benchmarks all read them, and nothing renders from
 * private state. Events are plain JSON so that a recording replays anywhere.
 */

/** Who produced an event. */
export type TraceSource = 'kubelet' | 'runtime' | 'scenario' | 'clock' | 'network' | 'lab';

/** The machines crilab models; the UI draws them and tests walk them. */
export type MachineKind =
  | 'pod-worker'
  | 'container-restart'
  | 'image-pull'
  | 'sandbox'
  | 'pause'
  | 'netns'
  | 'container';

export interface GrpcStatusInfo {
  /** gRPC status code number (0 OK, 2 UNKNOWN, 5 NOT_FOUND…). */
  code: number;
  /** Its canonical name, e.g. `NOT_FOUND`. */
  codeName: string;
  message: string;
}

export interface CriRequestEvent {
  kind: 'cri.request';
  callId: string;
  /** `runtime.v1.RuntimeService` or `runtime.v1.ImageService`. */
  service: string;
  /** RPC name, e.g. `RunPodSandbox`. */
  method: string;
  /** The request message as protobuf JSON (camelCase, int64 as strings, enums as names). */
  request: unknown;
  protoBytes: number;
  jsonBytes: number;
}

export interface CriResponseEvent {
  kind: 'cri.response';
  callId: string;
  service: string;
  method: string;
  /** Present on success. */
  response?: unknown;
  /** Present on failure. */
  status?: GrpcStatusInfo;
  /** Duration on the trace's clock, in milliseconds (simulated time on the sim backend). */
  durationMs: number;
  protoBytes: number;
  jsonBytes: number;
}

/** One message of a server stream (GetContainerEvents). */
export interface CriStreamMessageEvent {
  kind: 'cri.stream';
  callId: string;
  service: string;
  method: string;
  message: unknown;
  protoBytes: number;
  jsonBytes: number;
}

export interface MachineTransitionEvent {
  kind: 'machine.transition';
  machine: MachineKind;
  /** The machine instance: a pod `namespace/name`, a sandbox or container ID, a netns name. */
  id: string;
  /** A short human label (pod name, container name) for display. */
  label?: string;
  from: string | null;
  to: string;
  /** The event that caused it, e.g. `PAUSE_EXITED`. */
  event: string;
}

export interface ClockAdvanceEvent {
  kind: 'clock.advance';
  fromMs: number;
  toMs: number;
}

export interface FaultEvent {
  kind: 'fault';
  fault: string;
  target?: string;
  detail?: Record<string, unknown>;
}

export interface NarrationEvent {
  kind: 'narration';
  text: string;
}

export interface StepEvent {
  kind: 'step';
  /** 1-based step number. */
  index: number;
  total: number;
  /** The step's type in the scenario (`apply`, `advance`, `expect`…). */
  step: string;
  summary: string;
  /** `start` when the step begins, `end` when it finished. */
  phase: 'start' | 'end';
}

export interface ExpectationEvent {
  kind: 'expectation';
  description: string;
  passed: boolean;
  expected: unknown;
  observed: unknown;
}

/** A Kubernetes Event as the kubelet would record it (`Pulling`, `Started`, `BackOff`…). */
export interface KubeEvent {
  kind: 'kube.event';
  /** `namespace/name` of the pod. */
  pod: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The pod status the API server would show, emitted when it changes. */
export interface PodStatusEvent {
  kind: 'pod.status';
  pod: string;
  uid: string;
  status: unknown;
}

/** The kubelet's decision for one SyncPod (computePodActions), before it acts. */
export interface KubeletDecisionEvent {
  kind: 'kubelet.decision';
  pod: string;
  summary: string;
  actions: unknown;
}

/** One line a container wrote to its CRI log file. */
export interface ContainerOutputEvent {
  kind: 'container.output';
  containerId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** Node-level status: Ready condition, runtime and network readiness, PLEG health. */
export interface NodeStatusEvent {
  kind: 'node.status';
  status: unknown;
}

/** A free-form log line from a component (kept for the transcript; not for assertions). */
export interface LogEvent {
  kind: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type TraceEventBody =
  | CriRequestEvent
  | CriResponseEvent
  | CriStreamMessageEvent
  | MachineTransitionEvent
  | ClockAdvanceEvent
  | FaultEvent
  | NarrationEvent
  | StepEvent
  | ExpectationEvent
  | KubeEvent
  | PodStatusEvent
  | KubeletDecisionEvent
  | ContainerOutputEvent
  | NodeStatusEvent
  | LogEvent;

export type TraceEventKind = TraceEventBody['kind'];

/** What every event carries besides its body. */
export interface TraceEnvelope {
  /** Position in the stream, from 1. */
  seq: number;
  /** Clock time in milliseconds since the Unix epoch. */
  t: number;
  source: TraceSource;
}

export type TraceEvent = TraceEnvelope & TraceEventBody;

export type TraceEventOf<K extends TraceEventKind> = TraceEnvelope & Extract<TraceEventBody, { kind: K }>;
