import type { StatusResponse } from '../cri/generated/runtime/v1/StatusResponse.js';
import type { VersionResponse } from '../cri/generated/runtime/v1/VersionResponse.js';
import type { SimCniBridge } from './network/cni-bridge.js';

/** The CRI API version every v1 runtime reports; the kubelet refuses anything else. */
export const CRI_VERSION = '0.1.0';

/** Version: like containerd's, but naming this runtime, so nobody mistakes it for the real one. */
export function versionResponse(runtimeName: string, runtimeVersion: string): VersionResponse {
  return { version: CRI_VERSION, runtimeName, runtimeVersion, runtimeApiVersion: 'v1' };
}

/**
 * Status: RuntimeReady is true while the runtime serves; NetworkReady comes from the CNI
 * plugin (false with reason NetworkPluginNotReady when it has no configuration).
 */
export function statusResponse(cni: SimCniBridge, verbose: boolean, config: Record<string, unknown>): StatusResponse {
  const net = cni.networkCondition();
  return {
    status: {
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: net.status, reason: net.reason, message: net.message },
      ],
    },
    ...(verbose ? { info: { config: JSON.stringify(config), cniconfig: JSON.stringify(cni.bridgeInfo()) } } : {}),
  };
}
