import type { CallContext } from '../../cri/types.js';
import { dockerApiVersion, dockerDaemonNotReadyReason, dockerEngineVersion, dockerRuntimeName, kubeAPIVersion } from './constants.js';
import { delegateRuntime, errorText, type RuntimeReq, type RuntimeRes, type ShimContext } from './shim-context.js';

/* dockershim's runtime-wide calls (`k8s:pkg/kubelet/dockershim/docker_service.go`, v1.22). */

export async function version(shim: ShimContext, req: RuntimeReq<'Version'>, call: CallContext): Promise<RuntimeRes<'Version'>> {
  shim.hops.docker('GET', '/version');
  // Ask below too, so a runtime that is down fails the call as dockerd would.
  await delegateRuntime(shim, 'Version', req, call);
  return { version: kubeAPIVersion, runtimeName: dockerRuntimeName, runtimeVersion: dockerEngineVersion, runtimeApiVersion: `${dockerApiVersion}.0` };
}

/**
 * RuntimeReady is "can dockershim reach dockerd" (`GET /version`); NetworkReady is dockershim's
 * own CNI plugin's status, which crilab reads from the runtime underneath.
 */
export async function status(shim: ShimContext, req: RuntimeReq<'Status'>, call: CallContext): Promise<RuntimeRes<'Status'>> {
  shim.hops.docker('GET', '/version', 'is dockerd answering?');
  let below: RuntimeRes<'Status'>;
  try {
    below = await delegateRuntime(shim, 'Status', req, call);
  } catch (err) {
    return {
      status: {
        conditions: [
          { type: 'RuntimeReady', status: false, reason: dockerDaemonNotReadyReason, message: `docker: failed to get docker version: ${errorText(err)}` },
          { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'docker: network plugin is not ready' },
        ],
      },
      info: {},
    };
  }
  const conditions = (below.status?.conditions ?? []).map((c) => (c.type === 'RuntimeReady' && !c.status ? { ...c, reason: dockerDaemonNotReadyReason } : c));
  return { ...below, status: { ...below.status, conditions } };
}
