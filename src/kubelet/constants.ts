/**
 * Every kubelet constant the simulator relies on, in one place, each under its upstream name
 * (camelCase kept, SCREAMING_CASE for exported Go constants) with the file it comes from.
 * Durations are in milliseconds unless the name says otherwise, so they feed the Clock directly.
 *
 * Prefix `k8s:` = kubernetes/kubernetes, `client-go:` = kubernetes/client-go,
 * `api:` = k8s.io/api core/v1 types.go.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

// ---------------------------------------------------------------------------------------------
// Sync loop and pod workers
// ---------------------------------------------------------------------------------------------

/** `syncFrequency` default: a pod that synced fine is re-synced after this (jittered ×[1,1.5)).
 *  k8s:pkg/kubelet/apis/config/v1beta1/defaults.go */
export const syncFrequencyMs = 1 * MINUTE;

/** The sync loop's `syncTicker`: every second it dispatches pods whose work-queue entry is due.
 *  k8s:pkg/kubelet/kubelet.go (syncLoop) */
export const syncTickerPeriodMs = 1 * SECOND;

/** `housekeepingPeriod`: global clean-up of orphaned pods, probes, cgroups.
 *  k8s:pkg/kubelet/kubelet.go */
export const housekeepingPeriodMs = 2 * SECOND;

/** `housekeepingWarningDuration`: housekeeping slower than this is logged.
 *  k8s:pkg/kubelet/kubelet.go */
export const housekeepingWarningDurationMs = 1 * SECOND;

/** `backOffPeriod`: re-queue delay (jittered ×[1,1.5)) after a sync that returned an error
 *  (CrashLoopBackOff, ImagePullBackOff, CreatePodSandboxError…). k8s:pkg/kubelet/kubelet.go */
export const backOffPeriodMs = 10 * SECOND;

/** `backOffOnTransientErrorPeriod`: re-queue delay after `network is not ready`.
 *  k8s:pkg/kubelet/pod_workers.go */
export const backOffOnTransientErrorPeriodMs = 1 * SECOND;

/** `workerResyncIntervalJitterFactor` / `workerBackOffPeriodJitterFactor`: `wait.Jitter(d, 0.5)`.
 *  k8s:pkg/kubelet/pod_workers.go */
export const workerJitterFactor = 0.5;

/** Error text the pod worker recognises as transient. k8s:pkg/kubelet/kubelet.go
 *  (`NetworkNotReadyErrorMsg`) */
export const NetworkNotReadyErrorMsg = 'network is not ready';

/** While the runtime is unhealthy the sync loop backs off 100 ms ×2 up to 5 s.
 *  k8s:pkg/kubelet/kubelet.go (syncLoop `base`, `max`, `factor`) */
export const syncLoopRuntimeErrorBackOffBaseMs = 100;
export const syncLoopRuntimeErrorBackOffMaxMs = 5 * SECOND;
export const syncLoopRuntimeErrorBackOffFactor = 2;

/** `updateRuntimeUp` (CRI `Status`) polling period. k8s:pkg/kubelet/kubelet.go (`wait.Until(…, 5*time.Second)`) */
export const runtimeStatusPollPeriodMs = 5 * SECOND;

// ---------------------------------------------------------------------------------------------
// PLEG
// ---------------------------------------------------------------------------------------------

/** `genericPlegRelistPeriod`: 1 s *after* the previous relist ended (`wait.Until`).
 *  k8s:pkg/kubelet/kubelet.go */
export const genericPlegRelistPeriodMs = 1 * SECOND;

/** `genericPlegRelistThreshold`: no successful relist for this long → `PLEG is not healthy`.
 *  k8s:pkg/kubelet/kubelet.go */
export const genericPlegRelistThresholdMs = 3 * MINUTE;

/** `eventedPlegRelistPeriod` / `eventedPlegRelistThreshold` / `eventedPlegMaxStreamRetries`
 *  (only with the alpha `EventedPLEG` gate). k8s:pkg/kubelet/kubelet.go */
export const eventedPlegRelistPeriodMs = 300 * SECOND;
export const eventedPlegRelistThresholdMs = 10 * MINUTE;
export const eventedPlegMaxStreamRetries = 5;

/** `plegChannelCapacity`: PLEG events beyond this are dropped. k8s:pkg/kubelet/kubelet.go */
export const plegChannelCapacity = 1000;

// ---------------------------------------------------------------------------------------------
// Back-off (client-go flowcontrol.Backoff instances the kubelet creates)
// ---------------------------------------------------------------------------------------------

/** `containerBackOffPeriod`: first CrashLoopBackOff delay. k8s:pkg/kubelet/kubelet.go */
export const containerBackOffPeriodMs = 10 * SECOND;
/** Alias under the name used in the fact sheet / older kubelets (`initialCrashLoopBackOff`). */
export const initialCrashLoopBackOffMs = containerBackOffPeriodMs;

/** `MaxContainerBackOff` (= v1beta1.MaxContainerBackOff): the CrashLoopBackOff cap.
 *  k8s:pkg/kubelet/kubelet.go, k8s:pkg/kubelet/apis/config/v1beta1/defaults.go */
export const MaxContainerBackOffMs = 300 * SECOND;

/** The kubelet's `HasExpiredFunc` override for the crash-loop Backoff: an entry is forgotten
 *  when `eventTime − lastUpdate > 600 s` (a container that ran 10 minutes starts over at 10 s).
 *  k8s:pkg/kubelet/kubelet.go (`klet.backOff.HasExpiredFunc`) */
export const crashLoopBackOffResetMs = 600 * SECOND;

/** `imageBackOffPeriod`: first image-pull back-off delay. k8s:pkg/kubelet/kubelet.go */
export const imageBackOffPeriodMs = 10 * SECOND;

/** `MaxImageBackOff`: the image-pull back-off cap. k8s:pkg/kubelet/kubelet.go */
export const MaxImageBackOffMs = 300 * SECOND;

/** Back-off multiplier: `Next` doubles the delay, capped at max, no jitter with `NewBackOff`.
 *  client-go:util/flowcontrol/backoff.go */
export const backOffFactor = 2;

/** client-go's default expiry, used where no `HasExpiredFunc` is set (the image back-off):
 *  an entry expires when `eventTime − lastUpdate > 2 × maxDuration`.
 *  client-go:util/flowcontrol/backoff.go (`hasExpired`) */
export const defaultBackOffExpiryMaxMultiplier = 2;

// ---------------------------------------------------------------------------------------------
// Termination
// ---------------------------------------------------------------------------------------------

/** `minimumGracePeriodInSeconds`: StopContainer never gets less than this, to avoid needless
 *  SIGKILLs. k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go */
export const minimumGracePeriodInSeconds = 2;

/** `DefaultTerminationGracePeriodSeconds`: API default of `spec.terminationGracePeriodSeconds`.
 *  api:types.go */
export const DefaultTerminationGracePeriodSeconds = 30;

// ---------------------------------------------------------------------------------------------
// CRI client
// ---------------------------------------------------------------------------------------------

/** `runtimeRequestTimeout` default: per-RPC deadline (RunPodSandbox gets 2×; StopContainer and
 *  ExecSync get this plus their own timeout; PullImage none).
 *  k8s:pkg/kubelet/apis/config/v1beta1/defaults.go, k8s.io/cri-client remote_runtime.go */
export const runtimeRequestTimeoutMs = 2 * MINUTE;

/** `kubeRuntimeAPIVersion`: the `Version` RPC's `version` must equal this.
 *  k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go */
export const kubeRuntimeAPIVersion = '0.1.0';

/** `versionCacheTTL`: the Version answer is cached this long. kuberuntime_manager.go */
export const versionCacheTTLMs = 60 * SECOND;

/** `ErrVersionNotSupported` text. kuberuntime_manager.go */
export const ErrVersionNotSupportedMsg = 'runtime api version is not supported';

/** Default `containerRuntimeEndpoint`. k8s:pkg/kubelet/apis/config/v1beta1/defaults.go */
export const defaultContainerRuntimeEndpoint = 'unix:///run/containerd/containerd.sock';

// ---------------------------------------------------------------------------------------------
// Static pod sources
// ---------------------------------------------------------------------------------------------

/** `fileCheckFrequency`: static-pod directory re-scan. v1beta1/defaults.go */
export const fileCheckFrequencyMs = 20 * SECOND;
/** `httpCheckFrequency`: static-pod URL poll. v1beta1/defaults.go */
export const httpCheckFrequencyMs = 20 * SECOND;

// ---------------------------------------------------------------------------------------------
// Probes (API defaults, k8s:pkg/apis/core/v1/defaults.go `SetDefaults_Probe`)
// ---------------------------------------------------------------------------------------------

export const probeDefaults = {
  initialDelaySeconds: 0,
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
} as const;

/** `maxProbeRetries`: a probe that *errors* is retried this many times per period.
 *  k8s:pkg/kubelet/prober/prober.go */
export const maxProbeRetries = 3;

// ---------------------------------------------------------------------------------------------
// Garbage collection (k8s:cmd/kubelet/app/options/options.go, k8s:pkg/kubelet/kubelet.go)
// ---------------------------------------------------------------------------------------------

/** `MinimumGCAge` (`--minimum-container-ttl-duration`) default 0. */
export const MinimumGCAgeMs = 0;
/** `MaxPerPodContainerCount` (`--maximum-dead-containers-per-container`) default 1. */
export const MaxPerPodContainerCount = 1;
/** `MaxContainerCount` (`--maximum-dead-containers`) default -1 = unlimited. */
export const MaxContainerCount = -1;
/** `ContainerGCPeriod`. k8s:pkg/kubelet/kubelet.go */
export const ContainerGCPeriodMs = 1 * MINUTE;
/** `ImageGCPeriod`. k8s:pkg/kubelet/kubelet.go */
export const ImageGCPeriodMs = 5 * MINUTE;
/** `minDeadContainerInPod`: the pod container deletor keeps this many exited instances per name.
 *  k8s:pkg/kubelet/kubelet.go */
export const minDeadContainerInPod = 1;
/** `containerDeletorBufferLimit`. k8s:pkg/kubelet/pod_container_deletor.go */
export const containerDeletorBufferLimit = 50;

// ---------------------------------------------------------------------------------------------
// Logs and termination messages
// ---------------------------------------------------------------------------------------------

/** `DefaultPodLogsDir` (`podLogsDir`). k8s:pkg/kubelet/apis/config/v1beta1/defaults.go */
export const DefaultPodLogsDir = '/var/log/pods';

/** `DefaultContainerLogsDir`: legacy symlinks `<pod>_<ns>_<container>-<id>.log`.
 *  k8s:pkg/kubelet/kubelet.go */
export const DefaultContainerLogsDir = '/var/log/containers';

/** `ext4MaxFileNameLen`: legacy symlink names are cut to this. k8s:pkg/kubelet/kuberuntime/legacy.go */
export const ext4MaxFileNameLen = 255;

/** Termination message limits. k8s:pkg/kubelet/container/runtime.go (`MaxContainerTerminationMessageLength`,
 *  `MaxContainerTerminationMessageLogLength`, `MaxContainerTerminationMessageLogLines`) */
export const MaxContainerTerminationMessageLength = 4096;
export const MaxContainerTerminationMessageLogLength = 2048;
export const MaxContainerTerminationMessageLogLines = 80;

/** API defaults for a container's termination message. api:types.go */
export const TerminationMessagePathDefault = '/dev/termination-log';
export const TerminationMessageReadFile = 'File';

/** `containerLogMaxSize` / `containerLogMaxFiles` defaults. v1beta1/defaults.go */
export const containerLogMaxSize = '10Mi';
export const containerLogMaxFiles = 5;

// ---------------------------------------------------------------------------------------------
// Node
// ---------------------------------------------------------------------------------------------

/** v1beta1/defaults.go */
export const nodeStatusUpdateFrequencyMs = 10 * SECOND;
export const nodeStatusReportFrequencyMs = 5 * MINUTE;
export const nodeLeaseDurationSeconds = 40;
/** `nodeLeaseRenewIntervalFraction`: lease renewed every 0.25 × 40 s = 10 s. kubelet.go */
export const nodeLeaseRenewIntervalFraction = 0.25;
export const maxPods = 110;
export const streamingConnectionIdleTimeoutMs = 4 * 60 * MINUTE;
export const imageMinimumGCAgeMs = 2 * MINUTE;
export const imageGCHighThresholdPercent = 85;
export const imageGCLowThresholdPercent = 80;
export const registryPullQPS = 5;
export const registryBurst = 10;

// ---------------------------------------------------------------------------------------------
// Runtime state (k8s:pkg/kubelet/runtime.go, k8s:pkg/kubelet/kubelet.go)
// ---------------------------------------------------------------------------------------------

/** `maxWaitForContainerRuntime`: no successful CRI `Status` for this long → "container runtime is
 *  down" (the `baseRuntimeSyncThreshold` of `runtimeState`). k8s:pkg/kubelet/kubelet.go */
export const maxWaitForContainerRuntimeMs = 30 * SECOND;

/** `ErrNetworkUnknown`: the network error the runtime state starts with, until the first Status.
 *  k8s:pkg/kubelet/kubelet.go */
export const ErrNetworkUnknownMsg = 'network state unknown';

/** Client timeout of the static-pod HTTP source (`http.Client{Timeout: 10 * time.Second}`).
 *  k8s:pkg/kubelet/config/http.go */
export const httpSourceClientTimeoutMs = 10 * SECOND;

/** `kubernetes.io/config.*` annotation keys. k8s:pkg/kubelet/types/pod_update.go */
export const ConfigSourceAnnotationKey = 'kubernetes.io/config.source';
export const ConfigMirrorAnnotationKey = 'kubernetes.io/config.mirror';
export const ConfigFirstSeenAnnotationKey = 'kubernetes.io/config.seen';
export const ConfigHashAnnotationKey = 'kubernetes.io/config.hash';

/** Pod source names. k8s:pkg/kubelet/types/pod_update.go (`FileSource`, `HTTPSource`, `ApiserverSource`) */
export const FileSource = 'file';
export const HTTPSource = 'http';
export const ApiserverSource = 'api';

/** The SIGKILL exit code the kubelet reports for a container that vanished (137 = 128 + 9). */
export const sigkillExitCode = 137;
