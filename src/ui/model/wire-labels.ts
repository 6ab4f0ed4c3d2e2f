import { formatBytes, shortId } from '../text.js';
import { arr, at, CONTAINER_STATE_ZERO, enumState, num, SANDBOX_STATE_ZERO, str } from './payload.js';

/**
 * The few fields of each CRI message that tell a learner what a call was about, in the spirit
 * of crictl's columns: names and attempts for creations, short IDs for everything addressed
 * by ID, the image for image calls.
 */

/** Resolves runtime IDs to the names the learner knows (pod and container names). */
export interface NameLookup {
  sandboxName(id: string): string | undefined;
  containerName(id: string): string | undefined;
}

function idWithName(id: string | undefined, name: string | undefined): string {
  if (!id) return '';
  return name ? `${shortId(id)} ${name}` : shortId(id);
}

export function summariseRequest(method: string, request: unknown, names: NameLookup): string {
  const sandboxId = str(request, ['podSandboxId']);
  const containerId = str(request, ['containerId']);
  switch (method) {
    case 'RunPodSandbox': {
      const name = str(request, ['config', 'metadata', 'name']) ?? '?';
      const attempt = num(request, ['config', 'metadata', 'attempt']) ?? 0;
      return `${name}, attempt ${attempt}`;
    }
    case 'CreateContainer': {
      const name = str(request, ['config', 'metadata', 'name']) ?? '?';
      const attempt = num(request, ['config', 'metadata', 'attempt']) ?? 0;
      const pod = str(request, ['sandboxConfig', 'metadata', 'name']);
      return pod ? `${name}, attempt ${attempt}, pod ${pod}` : `${name}, attempt ${attempt}`;
    }
    case 'PodSandboxStatus':
    case 'StopPodSandbox':
    case 'RemovePodSandbox':
    case 'PodSandboxStats':
      return idWithName(sandboxId, sandboxId ? names.sandboxName(sandboxId) : undefined);
    case 'StartContainer':
    case 'ContainerStatus':
    case 'RemoveContainer':
    case 'ContainerStats':
    case 'ReopenContainerLog':
    case 'UpdateContainerResources':
      return idWithName(containerId, containerId ? names.containerName(containerId) : undefined);
    case 'StopContainer': {
      const timeout = num(request, ['timeout']);
      const base = idWithName(containerId, containerId ? names.containerName(containerId) : undefined);
      return timeout === undefined ? base : `${base}, timeout ${timeout}s`;
    }
    case 'ExecSync': {
      const cmd = arr(request, ['cmd']).filter((c) => typeof c === 'string').join(' ');
      const base = idWithName(containerId, containerId ? names.containerName(containerId) : undefined);
      return cmd ? `${base}, ${cmd}` : base;
    }
    case 'PullImage':
    case 'ImageStatus':
    case 'RemoveImage':
      return str(request, ['image', 'image']) ?? '?';
    case 'ListContainers': {
      const parts: string[] = [];
      const sb = str(request, ['filter', 'podSandboxId']);
      if (sb) parts.push(`sandbox ${idWithName(sb, names.sandboxName(sb))}`);
      const state = str(request, ['filter', 'state', 'state']);
      if (state) parts.push(state);
      return parts.join(', ');
    }
    case 'ListPodSandbox': {
      const state = str(request, ['filter', 'state', 'state']);
      return state ?? '';
    }
    default:
      return '';
  }
}

export function summariseResponse(method: string, response: unknown): string {
  switch (method) {
    case 'RunPodSandbox':
      return `sandbox ${shortId(str(response, ['podSandboxId']))}`;
    case 'CreateContainer':
      return `container ${shortId(str(response, ['containerId']))}`;
    case 'PodSandboxStatus': {
      const state = enumState(at(response, ['status']), SANDBOX_STATE_ZERO) ?? '?';
      const ip = str(response, ['status', 'network', 'ip']);
      return ip ? `${state} ${ip}` : state;
    }
    case 'ContainerStatus': {
      const state = enumState(at(response, ['status']), CONTAINER_STATE_ZERO) ?? '?';
      const reason = str(response, ['status', 'reason']);
      const exit = num(response, ['status', 'exitCode']);
      if (state === 'CONTAINER_EXITED') return `${state} ${reason ?? 'exit'}(${exit ?? 0})`;
      return reason ? `${state} ${reason}` : state;
    }
    case 'ImageStatus':
      return str(response, ['image', 'id']) !== undefined ? 'present' : 'not present';
    case 'PullImage': {
      const ref = str(response, ['imageRef']);
      return ref ? ref.replace(/^sha256:/, '').slice(0, 12) : '';
    }
    case 'ListContainers':
      return `${arr(response, ['containers']).length} containers`;
    case 'ListPodSandbox':
      return `${arr(response, ['items']).length} sandboxes`;
    case 'ListImages':
      return `${arr(response, ['images']).length} images`;
    case 'ExecSync': {
      const code = num(response, ['exitCode']);
      return code === undefined ? '' : `exit ${code}`;
    }
    case 'Version': {
      const name = str(response, ['runtimeName']);
      const v = str(response, ['runtimeVersion']);
      return [name, v].filter(Boolean).join(' ');
    }
    default:
      return '';
  }
}

/** `312B pb / 1.1KB json`: the protobuf size beside the JSON size of the same message. */
export function sizes(protoBytes: number | undefined, jsonBytes: number | undefined): string {
  return `${formatBytes(protoBytes)} pb / ${formatBytes(jsonBytes)} json`;
}
