import type { ContainerConfig__Output } from '../cri/generated/runtime/v1/ContainerConfig.js';
import type { PodSandboxConfig__Output } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import type { LinuxContainerResources__Output } from '../cri/generated/runtime/v1/LinuxContainerResources.js';
import type { ContainerFs, SimProcess } from './shell/index.js';
import type { CriLogWriter } from './container-log.js';
import type { ContainerActor, PauseActor, SandboxActor } from './record-actors.js';
import { CriError } from '../cri/status.js';
import { status } from '@grpc/grpc-js';

/**
 * containerd's internal sandbox states; SANDBOX_UNKNOWN is only seen while RunPodSandbox works.
 * `removed` is the machine's final state: a record in it is no longer in the store.
 */
export type SandboxState = 'SANDBOX_UNKNOWN' | 'SANDBOX_READY' | 'SANDBOX_NOTREADY' | 'removed';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN' | 'removed';

export interface SandboxRecord {
  id: string;
  /** `<pod>_<namespace>_<uid>_<attempt>`, reserved for as long as the sandbox exists. */
  name: string;
  config: PodSandboxConfig__Output;
  runtimeHandler: string;
  createdAt: bigint;
  /** The sandbox machine's actor; `state` reads its snapshot. */
  actor: SandboxActor;
  /** The pause container's machine (id = the sandbox ID, as containerd names the pause task); from when it is created. */
  readonly pauseActor: PauseActor | undefined;
  /** Start the pause container's machine (RunPodSandbox, once the network is set up). */
  attachPause(): PauseActor;
  readonly state: SandboxState;
  netnsPath: string;
  ip: string;
  additionalIps: string[];
  hostNetwork: boolean;
  pause: SimProcess | undefined;
  pausePid: number;
  /** Files every container of the pod shares: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  files: Record<string, string>;
  /** Stop tracing both actors (the record was removed). */
  dispose(): void;
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
  /** The image's first repo tag, which ContainerStatus reports as `image.image`. */
  imageTag: string;
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  user: { uid: number; gid: number; username: string };
  stopSignal: string;
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  /** The container machine's actor; state, exit code, reason and message read its snapshot. */
  actor: ContainerActor;
  readonly state: ContainerState;
  readonly exitCode: number;
  readonly reason: string;
  readonly message: string;
  /** Resources as last set by CreateContainer or UpdateContainerResources. */
  resources: LinuxContainerResources__Output | null;
  /** An internal lock state while StartContainer or RemoveContainer works (containerd's `Starting`/`Removing`). */
  busy: 'starting' | 'removing' | undefined;
  logPath: string;
  fs: ContainerFs;
  process: SimProcess | undefined;
  log: CriLogWriter | undefined;
  /** Set when an OOM kill is what ended the process. */
  oomKilled: boolean;
  /** A crash fault: the exit code the process ends with instead of the signal's. */
  forcedExitCode?: number;
  /** Attach sessions listening to the main process's output. */
  outputListeners: Set<(stream: 'stdout' | 'stderr', data: string) => void>;
  /** Stop tracing the actor (the record was removed). */
  dispose(): void;
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

/** Why a lookup by ID found nothing: truncindex's own errors (github.com/containerd/containerd/pkg/truncindex). */
export type LookupMiss = 'not found' | "Prefix can't be empty" | `ambiguous prefix`;

/**
 * Lookup by full ID or unique prefix, as containerd's truncindex does. An empty ID and an
 * ambiguous prefix are errors of their own there (gRPC code Unknown), not "not found".
 */
export function lookupByPrefix<T>(map: Map<string, T>, idOrPrefix: string): T | LookupMiss {
  const exact = map.get(idOrPrefix);
  if (exact) return exact;
  if (idOrPrefix === '') return "Prefix can't be empty";
  let found: T | undefined;
  for (const [id, v] of map) {
    if (id.startsWith(idOrPrefix)) {
      if (found) return 'ambiguous prefix';
      found = v;
    }
  }
  return found ?? 'not found';
}

/** containerd's text for a lookup miss, as it appears after the caller's wrapping. */
export function missText(miss: LookupMiss, id: string): string {
  return miss === 'ambiguous prefix' ? `multiple IDs found with provided prefix: ${id}` : miss;
}

/**
 * Throw the error a containerd handler returns for a failed lookup: NotFound for a missing ID
 * (errdefs.ErrNotFound), Unknown for the others. `wrap` adds the handler's own words.
 */
export function lookupError(miss: LookupMiss, id: string, wrap: (cause: string) => string): CriError {
  const text = wrap(missText(miss, id));
  return new CriError(miss === 'not found' ? status.NOT_FOUND : status.UNKNOWN, text);
}

export function isMiss<T>(v: T | LookupMiss): v is LookupMiss {
  return typeof v === 'string';
}

export class RuntimeStore {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();
  readonly names = new NameRegistrar();

  /** A sandbox by ID or prefix, or undefined (for callers that do not report why). */
  sandbox(id: string): SandboxRecord | undefined {
    const found = lookupByPrefix(this.sandboxes, id);
    return isMiss(found) ? undefined : found;
  }

  container(id: string): ContainerRecord | undefined {
    const found = lookupByPrefix(this.containers, id);
    return isMiss(found) ? undefined : found;
  }

  /** A sandbox, or throw containerd's error for this handler (`wrap` gives its words around the cause). */
  mustSandbox(id: string, wrap: (cause: string) => string): SandboxRecord {
    const found = lookupByPrefix(this.sandboxes, id);
    if (isMiss(found)) throw lookupError(found, id, wrap);
    return found;
  }

  mustContainer(id: string, wrap: (cause: string) => string): ContainerRecord {
    const found = lookupByPrefix(this.containers, id);
    if (isMiss(found)) throw lookupError(found, id, wrap);
    return found;
  }

  containersOf(sandboxId: string): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const c of this.containers.values()) if (c.sandboxId === sandboxId) out.push(c);
    return out;
  }
}
