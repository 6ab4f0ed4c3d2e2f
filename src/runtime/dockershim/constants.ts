/**
 * Names and values dockershim used, from the kubelet's in-tree dockershim as it was in
 * Kubernetes v1.22 (`k8s:pkg/kubelet/dockershim/`, removed in v1.24 by KEP-2221).
 */

/** The CRI `Version.version` every CRI server answers (`kubeAPIVersion` in docker_service.go). */
export const kubeAPIVersion = '0.1.0';

/** `Version.runtime_name` dockershim reported (`dockerRuntimeName`, docker_service.go). */
export const dockerRuntimeName = 'docker';

/**
 * The Docker Engine crilab pretends to front: the last Docker release line dockershim was
 * tested with (20.10) and its Engine API version. dockershim answered `runtime_version` and
 * `runtime_api_version` with `GET /version`'s `Version` and `ApiVersion`.
 */
export const dockerEngineVersion = '20.10.7';
export const dockerApiVersion = '1.41';

/** Label telling sandboxes from containers (`containerTypeLabelKey`, naming.go / labels). */
export const containerTypeLabelKey = 'io.kubernetes.docker.type';
export const containerTypeLabelSandbox = 'podsandbox';
export const containerTypeLabelContainer = 'container';
/** The sandbox a container belongs to (`sandboxIDLabelKey`). */
export const sandboxIDLabelKey = 'io.kubernetes.sandbox.id';
/** Where the kubelet expects the container's log (`containerLogPathLabelKey`). */
export const containerLogPathLabelKey = 'io.kubernetes.container.logpath';
/** Docker has labels only, so annotations were stored as labels with this prefix (`annotationPrefix`). */
export const annotationPrefix = 'annotation.';

/** Docker container names start with this (`kubePrefix`, naming.go). */
export const kubePrefix = 'k8s';
/** The infra ("pause") container's name in Docker (`sandboxContainerName`). */
export const sandboxContainerName = 'POD';

/**
 * The pause image: the kubelet's `--pod-infra-container-image`, which only dockershim used.
 * v1.22 defaulted it to k8s.gcr.io/pause:3.5 (`cmd/kubelet/app/options/container_runtime.go`;
 * older releases had older tags, e.g. 3.2).
 */
export const dockershimPauseImage = 'k8s.gcr.io/pause:3.5';

/** Seconds dockershim gave the sandbox container to stop (`defaultSandboxGracePeriod`). */
export const defaultSandboxGracePeriod = 10;

/** Where dockershim kept a checkpoint per sandbox, to tear its network down after a restart. */
export const sandboxCheckpointDir = '/var/lib/dockershim/sandbox';

/** Docker's own state: each container's json-file log lives under here. */
export const dockerRootDir = '/var/lib/docker';

/** containerd namespace Docker Engine uses for its containers (moby's libcontainerd). */
export const mobyNamespace = 'moby';

/** Image refs as dockershim reported them (`toPullableImageID`, helpers.go). */
export const dockerPullablePrefix = 'docker-pullable://';
export const dockerImageIDPrefix = 'docker://';

/** Reasons only dockershim reported (docker_container.go, docker_service.go). */
export const containerCannotRunReason = 'ContainerCannotRun';
export const dockerDaemonNotReadyReason = 'DockerDaemonNotReady';
