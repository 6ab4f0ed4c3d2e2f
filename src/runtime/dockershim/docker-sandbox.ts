import type { CallContext } from '../../cri/types.js';
import { criErrors } from '../../cri/status.js';
import {
  containerTypeLabelKey,
  containerTypeLabelSandbox,
  defaultSandboxGracePeriod,
  dockershimPauseImage,
  mobyNamespace,
  sandboxCheckpointDir,
  sandboxContainerName,
} from './constants.js';
import { labelFilterQuery, makeDockerLabels, makeSandboxName, shortId } from './names.js';
import { delegateRuntime, errorText, type RuntimeReq, type RuntimeRes, type ShimContext } from './shim-context.js';

/* dockershim's sandbox calls (`k8s:pkg/kubelet/dockershim/docker_sandbox.go`, v1.22): a pod
 * sandbox was a Docker container named k8s_POD_…, running the pause image, labelled
 * io.kubernetes.docker.type=podsandbox, created with network mode "none" so that Docker made
 * an empty network namespace which dockershim's CNI plugin then filled. */

function isHostNetwork(req: RuntimeReq<'RunPodSandbox'>): boolean {
  return req.config?.linux?.securityContext?.namespaceOptions?.network === 'NODE';
}

export async function runPodSandbox(shim: ShimContext, req: RuntimeReq<'RunPodSandbox'>, call: CallContext): Promise<RuntimeRes<'RunPodSandbox'>> {
  const h = shim.hops;
  const meta = req.config?.metadata ?? undefined;
  const name = makeSandboxName(meta ?? undefined);
  const podRef = `${meta?.name ?? ''}_${meta?.namespace ?? ''}`;
  const hostNetwork = isHostNetwork(req);
  // Step 1: ensureSandboxImageExists — inspect the pause image, pull it only when absent.
  h.docker('GET', `/images/${dockershimPauseImage}/json`, 'is the pause image here? (ensureSandboxImageExists)');
  // Step 2: the infra container. Docker holds everything dockershim needs in its labels.
  const labels = makeDockerLabels(req.config?.labels ?? {}, req.config?.annotations ?? {});
  const labelText = `${containerTypeLabelKey}=${containerTypeLabelSandbox}, io.kubernetes.container.name=${sandboxContainerName}, io.kubernetes.pod.uid=${meta?.uid ?? ''} (+${Object.keys(labels).length - 1} more)`;
  h.docker('POST', `/containers/create?name=${name}`, `Image ${dockershimPauseImage}, NetworkMode ${hostNetwork ? 'host' : 'none'}, labels ${labelText}`);
  h.hop('dockerd', 'disk', `write ${'/var/lib/docker/containers'}/<id>/config.v2.json`, 'Docker keeps its own record of the container; nothing runs yet');
  // Step 3: a checkpoint, so the network can be torn down even if Docker loses the container.
  h.hop('dockershim', 'disk', `write ${sandboxCheckpointDir}/<id>`, 'sandbox checkpoint: pod name, namespace, port mappings');
  // Step 4: start it. Docker Engine asks containerd (namespace "moby"), containerd a shim, the shim runc.
  h.docker('POST', `/containers/${name}/start`);
  h.hop('dockerd', 'containerd', 'containers.v1.Containers/Create, tasks.v1.Tasks/Create', `namespace ${mobyNamespace}, OCI spec with a new network namespace`);
  h.hop('containerd', 'containerd-shim', 'start containerd-shim-runc-v2', 'one shim per container; it outlives containerd and dockerd restarts (with live-restore)');
  h.hop('containerd-shim', 'runc', 'runc create', hostNetwork ? 'host network namespace' : 'new network namespace with only lo (NetworkMode none)');
  h.hop('dockerd', 'containerd', 'tasks.v1.Tasks/Start');
  h.hop('containerd-shim', 'runc', 'runc start', '/pause runs as PID 1 of the sandbox');

  let res: RuntimeRes<'RunPodSandbox'>;
  try {
    res = await delegateRuntime(shim, 'RunPodSandbox', req, call);
  } catch (err) {
    // dockershim's network failure: it tore the network down and stopped the infra container,
    // and wrapped the plugin's error in its own words (v1.22 docker_sandbox.go).
    const text = errorText(err);
    h.failed('cni', 'dockershim', 'CNI ADD', text);
    h.hop('dockershim', 'cni', 'CNI DEL', 'clean up whatever the plugin did');
    h.docker('POST', `/containers/${name}/stop?t=${defaultSandboxGracePeriod}`, 'the infra container stays, stopped, for the kubelet to find');
    throw criErrors.unknown(
      `failed to set up sandbox container "${name}" network for pod "${meta?.name ?? ''}": networkPlugin cni failed to set up pod "${podRef}" network: ${text}`,
    );
  }
  const id = res.podSandboxId ?? '';
  // dockershim rewrote the resolv.conf Docker generated with the kubelet's DNS config.
  h.docker('GET', `/containers/${shortId(id)}/json`, 'ResolvConfPath, State.Pid');
  h.hop('dockershim', 'disk', `rewrite ${'/var/lib/docker/containers'}/${shortId(id)}…/resolv.conf`, 'nameservers and search domains from the pod DNS config');
  if (!hostNetwork) {
    // Step 5: dockershim itself ran the CNI plugin, into the netns of the running pause process.
    h.hop('dockershim', 'cni', 'CNI ADD', `CNI_NETNS=/proc/<pause pid>/ns/net, K8S_POD_INFRA_CONTAINER_ID=${shortId(id)}…, K8S_POD_NAME=${meta?.name ?? ''}`);
  }
  return res;
}

export async function stopPodSandbox(shim: ShimContext, req: RuntimeReq<'StopPodSandbox'>, call: CallContext): Promise<RuntimeRes<'StopPodSandbox'>> {
  const h = shim.hops;
  const id = shortId(req.podSandboxId);
  // v1.22 read the sandbox (or its checkpoint) first, to know whether there is a network to tear down.
  h.docker('GET', `/containers/${id}/json`, 'PodSandboxStatus: is it host network?');
  h.hop('dockershim', 'cni', 'CNI DEL', `K8S_POD_INFRA_CONTAINER_ID=${id}…`);
  h.docker('POST', `/containers/${id}/stop?t=${defaultSandboxGracePeriod}`, 'the pause container');
  h.hop('dockerd', 'containerd', 'tasks.v1.Tasks/Kill', 'SIGTERM: pause exits at once');
  return delegateRuntime(shim, 'StopPodSandbox', req, call);
}

export async function removePodSandbox(shim: ShimContext, req: RuntimeReq<'RemovePodSandbox'>, call: CallContext): Promise<RuntimeRes<'RemovePodSandbox'>> {
  const h = shim.hops;
  const id = shortId(req.podSandboxId);
  h.docker('GET', `/containers/json?all=1&${labelFilterQuery({ 'io.kubernetes.sandbox.id': req.podSandboxId })}`, 'containers still in the sandbox');
  h.docker('DELETE', `/containers/${id}?v=1&force=1`, 'the infra container and its anonymous volumes');
  h.hop('dockershim', 'disk', `remove ${sandboxCheckpointDir}/${id}…`);
  return delegateRuntime(shim, 'RemovePodSandbox', req, call);
}

export async function podSandboxStatus(shim: ShimContext, req: RuntimeReq<'PodSandboxStatus'>, call: CallContext): Promise<RuntimeRes<'PodSandboxStatus'>> {
  const h = shim.hops;
  const id = shortId(req.podSandboxId);
  h.docker('GET', `/containers/${id}/json`, 'State.Running → SANDBOX_READY, else SANDBOX_NOTREADY');
  const res = await delegateRuntime(shim, 'PodSandboxStatus', req, call);
  if (res.status?.network?.ip) {
    // The IP came from the CNI plugin's interface inside the netns, read with nsenter.
    h.hop('dockershim', 'cni', 'nsenter --net=/proc/<pause pid>/ns/net -F -- ip -o -4 addr show dev eth0 scope global', `→ ${res.status.network.ip}`);
  }
  return res;
}

export async function listPodSandbox(shim: ShimContext, req: RuntimeReq<'ListPodSandbox'>, call: CallContext): Promise<RuntimeRes<'ListPodSandbox'>> {
  const labels: Record<string, string> = { [containerTypeLabelKey]: containerTypeLabelSandbox, ...(req.filter?.labelSelector ?? {}) };
  shim.hops.docker('GET', `/containers/json?all=1&${labelFilterQuery(labels)}`);
  return delegateRuntime(shim, 'ListPodSandbox', req, call);
}
