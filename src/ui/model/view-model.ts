import type { GrpcStatusInfo, MachineKind, TraceSource } from '../../trace/events.js';

/**
 * What the panes show, folded from trace events alone. Every object in a ViewModel is frozen
 * in practice: the folder replaces objects instead of mutating them, so a snapshot taken at
 * one step stays valid after the folder moves on.
 */
export interface ViewModel {
  /** How many events were folded (the cut). */
  readonly cut: number;
  /** `t` of the first event of the run, to print elapsed time. */
  readonly startMs: number | null;
  /** `t` of the last folded event: the simulated (or real) time at this cut. */
  readonly clockMs: number | null;
  readonly pods: readonly PodView[];
  readonly calls: readonly WireCall[];
  readonly sandboxes: readonly SandboxView[];
  readonly containers: readonly ContainerView[];
  readonly netns: readonly NetnsView[];
  readonly machines: readonly MachineInstance[];
  readonly narration: string | null;
  readonly lastStep: StepMark | null;
  readonly kubeEvents: readonly KubeEventView[];
  readonly expectations: readonly ExpectationView[];
  readonly faults: readonly FaultView[];
}

export interface StepMark {
  readonly index: number;
  readonly total: number;
  readonly step: string;
  readonly summary: string;
  readonly phase: 'start' | 'end';
}

export interface PodContainerView {
  readonly name: string;
  /** `waiting`, `running`, `terminated` (from the pod status), or `unknown`. */
  readonly state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** Waiting or terminated reason: `ContainerCreating`, `CrashLoopBackOff`, `Error`… */
  readonly reason?: string;
  readonly message?: string;
  readonly exitCode?: number;
  readonly restartCount: number;
  readonly ready: boolean;
  /** The CrashLoopBackOff timer, when the kubelet is waiting to restart this container. */
  readonly backOff?: { readonly durationMs: number; readonly untilMs?: number };
  /** State of this container's `container-restart` machine, when the kubelet reports one. */
  readonly restartMachineState?: string;
}

export interface PodView {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  /** State of the kubelet's pod worker machine (`pod-worker`). */
  readonly workerState?: string;
  readonly phase?: string;
  readonly podIP?: string;
  readonly containers: readonly PodContainerView[];
  /** The last `pod.status` payload, for the detail view. */
  readonly status?: unknown;
  readonly firstSeq: number;
}

export interface WireCall {
  readonly callId: string;
  readonly seq: number;
  readonly t: number;
  readonly source: TraceSource;
  readonly service: string;
  readonly method: string;
  readonly request: unknown;
  readonly requestProtoBytes: number;
  readonly requestJsonBytes: number;
  /** Short summary of the request's key fields, e.g. `web, attempt 0`. */
  readonly requestSummary: string;
  /** The pod this call concerns, when it can be told (for the filter). */
  readonly pod?: string;
  readonly done: boolean;
  readonly response?: unknown;
  /** Failure status; undefined on success. */
  readonly status?: GrpcStatusInfo;
  readonly durationMs?: number;
  readonly responseProtoBytes?: number;
  readonly responseJsonBytes?: number;
  readonly responseSummary?: string;
  /** Messages received on a server stream (GetContainerEvents). */
  readonly streamMessages: number;
}

export interface SandboxView {
  readonly id: string;
  readonly podName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly attempt?: number;
  /** `SANDBOX_READY`, `SANDBOX_NOTREADY`, or the sandbox machine's state. */
  readonly state: string;
  /** State of the pause container (machine `pause`), if reported. */
  readonly pauseState?: string;
  readonly ip?: string;
  readonly additionalIps: readonly string[];
  readonly interfaces: readonly InterfaceView[];
  readonly removed: boolean;
  /** The last PodSandboxStatus / ListPodSandbox payload about it. */
  readonly status?: unknown;
  readonly firstSeq: number;
}

export interface ContainerView {
  readonly id: string;
  readonly sandboxId?: string;
  readonly name?: string;
  readonly attempt?: number;
  readonly image?: string;
  /** `CONTAINER_CREATED`, `CONTAINER_RUNNING`, `CONTAINER_EXITED`… or the machine's state. */
  readonly state: string;
  readonly reason?: string;
  readonly exitCode?: number;
  readonly removed: boolean;
  readonly status?: unknown;
  readonly firstSeq: number;
}

export interface InterfaceView {
  readonly name: string;
  readonly mac?: string;
  readonly ips: readonly string[];
  /** True for a host-side interface (a veth peer or a bridge), false inside the pod's netns. */
  readonly host: boolean;
}

export interface NetnsView {
  readonly name: string;
  readonly state: string;
  readonly label?: string;
  readonly sandboxId?: string;
  readonly podName?: string;
  readonly ips: readonly string[];
  readonly interfaces: readonly InterfaceView[];
  /** True when no netns machine reported it: it is inferred from PodSandboxStatus alone. */
  readonly inferred: boolean;
}

export interface MachineStep {
  readonly seq: number;
  readonly t: number;
  readonly from: string | null;
  readonly to: string;
  readonly event: string;
}

export interface MachineInstance {
  /** `${machine}:${id}`. */
  readonly key: string;
  readonly machine: MachineKind;
  readonly id: string;
  readonly label?: string;
  readonly state: string;
  readonly history: readonly MachineStep[];
}

export interface KubeEventView {
  readonly seq: number;
  readonly t: number;
  readonly pod: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface ExpectationView {
  readonly seq: number;
  readonly description: string;
  readonly passed: boolean;
  readonly expected: unknown;
  readonly observed: unknown;
}

export interface FaultView {
  readonly seq: number;
  readonly fault: string;
  readonly target?: string;
}

/** A machine's shape, as exported by each machine's `describe` (states and edges). */
export interface MachineDescription {
  readonly states: readonly string[];
  readonly transitions: readonly { readonly from: string; readonly to: string; readonly event: string }[];
}

export type MachineDescriptions = Partial<Record<MachineKind, MachineDescription>>;
