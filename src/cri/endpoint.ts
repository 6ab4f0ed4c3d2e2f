import { resolve } from 'node:path';

/**
 * CRI endpoints are written as the kubelet's `--container-runtime-endpoint` takes them:
 * `unix:///run/containerd/containerd.sock`. A bare path is accepted too.
 */
export function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint.slice('unix://'.length);
  if (endpoint.startsWith('unix:')) return endpoint.slice('unix:'.length);
  if (/^[a-z]+:\/\//.test(endpoint)) {
    throw new Error(`unsupported CRI endpoint "${endpoint}": only unix:// sockets are supported`);
  }
  return resolve(endpoint);
}

/** The gRPC target for a socket path. */
export function grpcTarget(endpoint: string): string {
  return `unix://${socketPathOf(endpoint)}`;
}

export function endpointOf(socketPath: string): string {
  return `unix://${resolve(socketPath)}`;
}
