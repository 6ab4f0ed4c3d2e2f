import type { ContainerConfig__Output } from '../cri/generated/runtime/v1/ContainerConfig.js';
import type { PodSandboxConfig__Output } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import type { ContainerFs, SimProcess } from './shell/index.js';
import type { CriLogWriter } from './container-log.js';
import { CriError } from '../cri/status.js';
import { status } from '@grpc/grpc-js';

/** containerd's internal sandbox states; SANDBOX_UNKNOWN is only seen while RunPodSandbox works. */
export type SandboxState = 'SANDBOX_UNKNOWN' | 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface SandboxRecord {
  id: string;
  /** `<pod>_<namespace>_<uid>_<attempt>`, reserved for as long as the sandbox exists. */
  name: string;
  config: PodSandboxConfig__Output;
  runtimeHandler: string;
  createdAt: bigint;
  state: SandboxState;
  netnsPath: string;
  ip: string;
  additionalIps: string[];
  hostNetwork: boolean;
  pause: SimProcess | undefined;
  pausePid: number;
  /** Files every container of the pod shares: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  files: Record<string, string>;
}

export interface ContainerRecord {
  id: string;
  /** `<container>_<pod>_<namespace>_<uid>_<attempt>` */
  name: string;
  sandboxId: string;
  config: ContainerConfig__Output;
  /** The image as the kubelet asked for it, and what it resolved to. */
  imageSpec: string;
  imageId: string;
  imageRef: string;
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  user: { uid: number; gid: number; username: string };
  stopSignal: string;
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  reason: string;
  message: string;
  state: ContainerState;
  /** An internal lock state while StartContainer or RemoveContainer works (containerd's `Starting`/`Removing`). */
  busy: 'starting' | 'removing' | undefined;
  logPath: string;
  fs: ContainerFs;
  process: SimProcess | undefined;
  log: CriLogWriter | undefined;
  /** The stop signal is sent only once across repeated StopContainer calls. */
  stopSignalSent: boolean;
  /** Set when an OOM kill is what ended the process. */
  oomKilled: boolean;
  /** A crash fault: the exit code the process ends with instead of the signal's. */
  forcedExitCode?: number;
}

/**
 * containerd's registrar: a name belongs to one ID until released. A second RunPodSandbox or
 * CreateContainer with the same name fails, which is how a retry of a timed-out call shows up.
 */
export class NameRegistrar {
  private readonly names = new Map<string, string>();

  reserve(kind: 'sandbox' | 'container', name: string, id: string): void {
    const holder = this.names.get(name);
    if (holder !== undefined && holder !== id) {
      // containerd 1.6/1.7 returns this as a plain error, so the code is Unknown.
      throw new CriError(status.UNKNOWN, `failed to reserve ${kind} name "${name}": name "${name}" is reserved for "${holder}"`);
    }
    this.names.set(name, id);
  }

  release(name: string): void {
    this.names.delete(name);
  }
}

/** Lookup by full ID or unique prefix, as containerd's truncindex does. */
export function lookupByPrefix<T>(map: Map<string, T>, idOrPrefix: string): T | undefined {
  const exact = map.get(idOrPrefix);
  if (exact) return exact;
  if (idOrPrefix === '') return undefined;
  let found: T | undefined;
  for (const [id, v] of map) {
    if (id.startsWith(idOrPrefix)) {
      if (found) return undefined; // ambiguous prefix
      found = v;
    }
  }
  return found;
}

export class RuntimeStore {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();
  readonly names = new NameRegistrar();

  sandbox(id: string): SandboxRecord | undefined {
    return lookupByPrefix(this.sandboxes, id);
  }

  container(id: string): ContainerRecord | undefined {
    return lookupByPrefix(this.containers, id);
  }

  containersOf(sandboxId: string): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => c.sandboxId === sandboxId);
  }
}
