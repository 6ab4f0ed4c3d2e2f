import type { CallContext } from '../../cri/types.js';
import {
  containerCannotRunReason,
  containerLogPathLabelKey,
  containerTypeLabelContainer,
  containerTypeLabelKey,
  dockerImageIDPrefix,
  dockerPullablePrefix,
  dockerRootDir,
  mobyNamespace,
  sandboxIDLabelKey,
} from './constants.js';
import { labelFilterQuery, makeContainerName, shortId } from './names.js';
import { delegateRuntime, errorText, type RuntimeReq, type RuntimeRes, type ShimContext } from './shim-context.js';

/* dockershim's container calls (`k8s:pkg/kubelet/dockershim/docker_container.go`, v1.22). An app
 * container joined the sandbox by Docker's "container:<id>" network and IPC modes; its log went
 * to Docker's json-file log, and dockershim symlinked the kubelet's log path to it. */

export async function createContainer(shim: ShimContext, req: RuntimeReq<'CreateContainer'>, call: CallContext): Promise<RuntimeRes<'CreateContainer'>> {
  const h = shim.hops;
  const name = makeContainerName(req.sandboxConfig?.metadata ?? undefined, req.config?.metadata ?? undefined);
  const sandbox = shortId(req.podSandboxId);
  const logPath = `${req.sandboxConfig?.logDirectory ?? ''}/${req.config?.logPath ?? ''}`;
  h.docker(
    'POST',
    `/containers/create?name=${name}`,
    `Image ${req.config?.image?.image ?? ''}, NetworkMode container:${sandbox}, IpcMode container:${sandbox}, labels ${containerTypeLabelKey}=${containerTypeLabelContainer}, ${sandboxIDLabelKey}=${sandbox}…, ${containerLogPathLabelKey}=${logPath}`,
  );
  h.hop('dockerd', 'disk', `write ${dockerRootDir}/containers/<id>/config.v2.json`, 'created in Docker only; containerd hears of it at start');
  return delegateRuntime(shim, 'CreateContainer', req, call);
}

export async function startContainer(shim: ShimContext, req: RuntimeReq<'StartContainer'>, call: CallContext): Promise<RuntimeRes<'StartContainer'>> {
  const h = shim.hops;
  const id = shortId(req.containerId);
  h.docker('POST', `/containers/${id}/start`);
  h.hop('dockerd', 'containerd', 'containers.v1.Containers/Create, tasks.v1.Tasks/Create', `namespace ${mobyNamespace}, joins the sandbox's network and IPC namespaces`);
  h.hop('containerd', 'containerd-shim', 'start containerd-shim-runc-v2');
  h.hop('containerd-shim', 'runc', 'runc create');
  h.hop('dockerd', 'containerd', 'tasks.v1.Tasks/Start');
  h.hop('containerd-shim', 'runc', 'runc start', 'the container process runs');
  try {
    const res = await delegateRuntime(shim, 'StartContainer', req, call);
    linkLog(shim, id);
    return res;
  } catch (err) {
    // The symlink was made for failed containers too, so `kubectl logs` could show why.
    h.failed('dockerd', 'dockershim', `POST /containers/${id}/start`, errorText(err));
    linkLog(shim, id);
    throw err;
  }
}

/** createContainerLogSymlink: the kubelet reads /var/log/pods/…/N.log, Docker writes json-file logs. */
function linkLog(shim: ShimContext, id: string): void {
  shim.hops.docker('GET', `/containers/${id}/json`, 'LogPath of the json-file log');
  shim.hops.hop('dockershim', 'disk', `symlink /var/log/pods/…/<n>.log → ${dockerRootDir}/containers/${id}…/${id}…-json.log`);
}

export async function stopContainer(shim: ShimContext, req: RuntimeReq<'StopContainer'>, call: CallContext): Promise<RuntimeRes<'StopContainer'>> {
  const h = shim.hops;
  const id = shortId(req.containerId);
  h.docker('POST', `/containers/${id}/stop?t=${req.timeout}`, `SIGTERM (or the image's StopSignal), SIGKILL after ${req.timeout} s`);
  h.hop('dockerd', 'containerd', 'tasks.v1.Tasks/Kill', 'the stop signal; SIGKILL at the deadline');
  return delegateRuntime(shim, 'StopContainer', req, call);
}

export async function removeContainer(shim: ShimContext, req: RuntimeReq<'RemoveContainer'>, call: CallContext): Promise<RuntimeRes<'RemoveContainer'>> {
  const h = shim.hops;
  const id = shortId(req.containerId);
  h.hop('dockershim', 'disk', 'remove the /var/log/pods symlink (removeContainerLogSymlink)');
  h.docker('DELETE', `/containers/${id}?v=1&force=1`);
  h.hop('dockerd', 'containerd', 'containers.v1.Containers/Delete', `namespace ${mobyNamespace}`);
  return delegateRuntime(shim, 'RemoveContainer', req, call);
}

export async function listContainers(shim: ShimContext, req: RuntimeReq<'ListContainers'>, call: CallContext): Promise<RuntimeRes<'ListContainers'>> {
  const labels: Record<string, string> = { [containerTypeLabelKey]: containerTypeLabelContainer, ...(req.filter?.labelSelector ?? {}) };
  if (req.filter?.podSandboxId) labels[sandboxIDLabelKey] = req.filter.podSandboxId;
  shim.hops.docker('GET', `/containers/json?all=1&${labelFilterQuery(labels)}`);
  return delegateRuntime(shim, 'ListContainers', req, call);
}

/** Image IDs as dockershim reported them: `docker-pullable://repo@sha256:…` when pulled by digest. */
export function toPullableImageID(imageRef: string): string {
  if (imageRef === '' || imageRef.startsWith(dockerPullablePrefix) || imageRef.startsWith(dockerImageIDPrefix)) return imageRef;
  return imageRef.includes('@') ? dockerPullablePrefix + imageRef : dockerImageIDPrefix + imageRef;
}

export async function containerStatus(shim: ShimContext, req: RuntimeReq<'ContainerStatus'>, call: CallContext): Promise<RuntimeRes<'ContainerStatus'>> {
  const h = shim.hops;
  const id = shortId(req.containerId);
  h.docker('GET', `/containers/${id}/json`, 'State.Running/ExitCode/OOMKilled/FinishedAt');
  const res = await delegateRuntime(shim, 'ContainerStatus', req, call);
  const s = res.status;
  if (!s) return res;
  h.docker('GET', `/images/${s.image?.image ?? ''}/json`, 'RepoDigests, for the image ID');
  // Docker reported a container it could not start as exited with an error; dockershim named
  // that ContainerCannotRun where containerd says StartError.
  const reason = s.reason === 'StartError' ? containerCannotRunReason : s.reason;
  return { ...res, status: { ...s, reason, imageRef: toPullableImageID(s.imageRef ?? '') } };
}

export async function execSync(shim: ShimContext, req: RuntimeReq<'ExecSync'>, call: CallContext): Promise<RuntimeRes<'ExecSync'>> {
  const h = shim.hops;
  const id = shortId(req.containerId);
  h.docker('POST', `/containers/${id}/exec`, `Cmd ${JSON.stringify(req.cmd)}`);
  h.docker('POST', '/exec/<exec id>/start');
  h.hop('dockerd', 'containerd', 'tasks.v1.Tasks/Exec, tasks.v1.Tasks/Start', 'a process in the running container');
  const res = await delegateRuntime(shim, 'ExecSync', req, call);
  h.docker('GET', '/exec/<exec id>/json', `ExitCode ${res.exitCode}`);
  return res;
}
