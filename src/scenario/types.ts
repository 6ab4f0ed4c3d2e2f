/**
 * The parsed, validated scenario: what the runner receives from the loader. Everything here
 * has been checked (names resolve, containers exist, durations are positive milliseconds), so
 * the runner does not validate again. YAML spellings are kept where they are Kubernetes or CRI
 * words; durations are converted to milliseconds and carry an `Ms` suffix.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { MachineKind } from '../trace/events.js';
import type { CRI_METHODS } from './schema/cri-methods.js';

/** A v1 Pod as written in the scenario (or its manifest file), after validation. */
export type V1Pod = Pod;

/** 1-based line and column of a node in the scenario file, for messages and the UI. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * How the pod reaches the kubelet, named as the kubelet names its pod sources
 * (`k8s:pkg/kubelet/types/pod_update.go`: FileSource "file", HTTPSource "http",
 * ApiserverSource "api").
 */
export type PodSourceKind = 'file' | 'http' | 'api';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** The three container states of the Kubernetes API (`v1.ContainerState`). */
export type ContainerStateName = 'waiting' | 'running' | 'terminated';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** CRI v1 RPC names (RuntimeService and ImageService of `runtime.v1`). */
export type CriMethod = (typeof CRI_METHODS)[number];

export interface KubeletSettings {
  /** KubeletConfiguration `syncFrequency`: pod worker resync period. */
  syncFrequencyMs: number;
  /** `fileCheckFrequency`: how often the static pod directory is re-listed. */
  fileCheckFrequencyMs: number;
  /** `httpCheckFrequency`: how often the static pod URL is polled. */
  httpCheckFrequencyMs: number;
  /** `runtimeRequestTimeout`: deadline of most CRI calls. */
  runtimeRequestTimeoutMs: number;
  /** `nodeStatusUpdateFrequency`. */
  nodeStatusUpdateFrequencyMs: number;
  /** `staticPodPath`: the directory the file source reads. */
  staticPodPath: string;
  /** `staticPodURL`: the URL the http source polls. */
  staticPodURL: string;
  /** `clusterDomain`, used in the sandbox's DNS search list. */
  clusterDomain: string;
  /** `clusterDNS`: nameservers written into the sandbox's resolv.conf. */
  clusterDNS: string[];
  /** `serializeImagePulls`: one pull at a time. */
  serializeImagePulls: boolean;
  /** `maxParallelImagePulls`, only meaningful when pulls are not serialized. */
  maxParallelImagePulls?: number;
  /** `crashLoopBackOff.maxContainerRestartPeriod` (KubeletCrashLoopBackOffMax). */
  maxContainerRestartPeriodMs: number;
}

export interface NodeSettings {
  name: string;
  /** IPv4 CIDR the node's IPAM hands pod IPs from, e.g. `10.244.0.0/24`. */
  podCIDR: string;
  kubelet: KubeletSettings;
  /** Images already in the runtime's image store when the scenario starts. */
  images: string[];
  /**
   * The CRI server the kubelet talks to on the simulated backend: `containerd` (its CRI plugin,
   * the default) or `dockershim` (the kubelet's in-tree shim in front of Docker Engine, removed
   * in Kubernetes 1.24; every CRI call is translated into Docker Engine API calls).
   */
  runtime: 'containerd' | 'dockershim';
}

export interface RegistryImage {
  /** How long pulling this image takes; falls back to `RegistrySettings.pullTimeMs`. */
  pullTimeMs?: number;
  /** The registry does not know this image: every pull fails with "not found". */
  missing: boolean;
}

export interface RegistrySettings {
  /** The registry is unreachable: every pull fails until a fault says otherwise. */
  down: boolean;
  /** How long a pull takes when the image has no `pullTime` of its own. */
  pullTimeMs?: number;
  /** Per-image behaviour, keyed by the reference as written in pod specs. */
  images: Record<string, RegistryImage>;
}

export interface ScenarioPod {
  /** The name steps use; defaults to the manifest's `metadata.name`. */
  name: string;
  /** The source `apply` uses unless the step names another one. */
  source: PodSourceKind;
  manifest: V1Pod;
  /** Absolute path of the manifest file, when it came from `manifestFile`. */
  manifestFile?: string;
  position: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// Conditions (wait) and expectations (expect) share their vocabulary.

export interface PodCondition {
  kind: 'pod';
  pod: string;
  phase?: PodPhase;
  ready?: boolean;
}

export interface ContainerCondition {
  kind: 'container';
  pod: string;
  container: string;
  state?: ContainerStateName;
  /** Waiting or terminated reason: `CrashLoopBackOff`, `ErrImagePull`, `OOMKilled`, `Completed`… */
  reason?: string;
  restartCount?: number;
  exitCode?: number;
  ready?: boolean;
}

export interface CallCondition {
  kind: 'call';
  call: CriMethod;
  pod?: string;
  container?: string;
  /** Wait for the n-th such call (1 = the first one seen after the wait starts). */
  count: number;
  /** Only calls that failed (`true`) or succeeded (`false`); either when absent. */
  failed?: boolean;
}

export interface MachineCondition {
  kind: 'machine';
  machine: MachineKind;
  pod?: string;
  container?: string;
  image?: string;
  state: string;
}

export interface EventCondition {
  kind: 'event';
  /** Kubernetes Event reason: `Pulling`, `Started`, `BackOff`, `Killing`… */
  reason: string;
  pod?: string;
  type?: 'Normal' | 'Warning';
  /** A substring the event's message must contain. */
  message?: string;
}

export type WaitCondition = PodCondition | ContainerCondition | CallCondition | MachineCondition | EventCondition;

/** What a pod's IP must be, compared with the IP it had at the previous `expect` naming it. */
export type IpExpectation =
  | { kind: 'kept' }
  | { kind: 'changed' }
  | { kind: 'none' }
  | { kind: 'equals'; ip: string };

export interface PodExpectation {
  kind: 'pod';
  pod: string;
  phase?: PodPhase;
  ready?: boolean;
  /** A number is the sum over containers (kubectl's RESTARTS column); a map is per container. */
  restartCount?: number | Record<string, number>;
  ip?: IpExpectation;
  netns?: 'exists' | 'gone';
}

export interface ContainerExpectation extends Omit<ContainerCondition, 'kind'> {
  kind: 'container';
  started?: boolean;
}

export interface CallsExpectation {
  kind: 'calls';
  /** Calls that must have been seen; see `order`. */
  calls: CriMethod[];
  /** Calls that must not have been seen in the same window. */
  absent: CriMethod[];
  /**
   * `sequence`: in this order, other calls may come between; `exact`: exactly these calls in
   * this order once the window is filtered by pod/container; `set`: each at least once.
   */
  order: 'sequence' | 'exact' | 'set';
  pod?: string;
  container?: string;
  /** Window start: the previous `expect` step (default) or the start of the scenario. */
  since: 'lastExpect' | 'start';
}

export interface MachineExpectation extends Omit<MachineCondition, 'kind'> {
  kind: 'machine';
}

export interface EventExpectation extends Omit<EventCondition, 'kind'> {
  kind: 'event';
  /** Expect the event at least this many times (default 1); 0 means it must not appear. */
  count: number;
}

export type Expectation =
  | PodExpectation
  | ContainerExpectation
  | CallsExpectation
  | MachineExpectation
  | EventExpectation;

// ---------------------------------------------------------------------------------------------
// Faults

export type Fault =
  | { kind: 'crash'; pod: string; container: string; exitCode: number }
  | { kind: 'oomKill'; pod: string; container: string }
  | { kind: 'killPause'; pod: string }
  | { kind: 'cniAddFails'; times: number; pod?: string; message?: string }
  | { kind: 'imagePullFails'; image: string; times: number; message?: string }
  | { kind: 'imagePullSlow'; image: string; pullTimeMs: number; times: number }
  | { kind: 'runtimeStop' }
  | { kind: 'runtimeStart' }
  | { kind: 'runtimeRestart'; downForMs: number }
  | { kind: 'kubeletStop' }
  | { kind: 'kubeletStart' }
  | { kind: 'kubeletRestart'; downForMs: number }
  /** `times` absent: every attempt fails from now on. */
  | { kind: 'probeFails'; pod: string; container: string; probe: ProbeKind; times?: number };

export type FaultKind = Fault['kind'];

// ---------------------------------------------------------------------------------------------
// Steps

interface StepBase {
  /** Where the step starts in the scenario file (its first key, just after the `- `). */
  position: SourcePosition;
}

export interface NarrateStep extends StepBase {
  kind: 'narrate';
  text: string;
}

export interface ApplyStep extends StepBase {
  kind: 'apply';
  pod: string;
  /** Resolved: the step's `source`, else the pod's. */
  source: PodSourceKind;
}

export interface UpdateStep extends StepBase {
  kind: 'update';
  pod: string;
  manifest: V1Pod;
  manifestFile?: string;
}

export interface DeleteStep extends StepBase {
  kind: 'delete';
  pod: string;
  /** Only for pods that came from the api source (DeleteOptions.gracePeriodSeconds). */
  gracePeriodSeconds?: number;
}

export interface AdvanceStep extends StepBase {
  kind: 'advance';
  durationMs: number;
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  condition: WaitCondition;
  timeoutMs: number;
}

export interface FaultStep extends StepBase {
  kind: 'fault';
  fault: Fault;
}

export interface ExpectStep extends StepBase {
  kind: 'expect';
  expectation: Expectation;
}

export type Step =
  | NarrateStep
  | ApplyStep
  | UpdateStep
  | DeleteStep
  | AdvanceStep
  | WaitStep
  | FaultStep
  | ExpectStep;

export type StepKind = Step['kind'];

/** A step as the schema produces it, before the loader adds positions and resolves sources. */
export type ParsedStep = Step extends infer S ? (S extends Step ? Omit<S, 'position'> : never) : never;

export interface Scenario {
  apiVersion: 'crilab.dev/v1alpha1';
  kind: 'Scenario';
  metadata: { name: string };
  title: string;
  /** What the scenario teaches; shown in the UI and the docs. */
  teaches: string;
  /** Seed for generated data (IDs, names); the CLI may override it. */
  seed: number;
  node: NodeSettings;
  registry: RegistrySettings;
  pods: ScenarioPod[];
  steps: Step[];
  /** The file it was loaded from, as given to the loader. */
  file: string;
}
