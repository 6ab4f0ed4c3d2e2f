import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import type { containerMachine } from './machines/container.machine.js';
import type { RuntimeRandom } from './random.js';
import type { ContainerRecord, RuntimeStore, SandboxRecord } from './store.js';
import type { ContainerFs, SimProcess } from './shell/index.js';
import type { ImageFile } from './images/image-config.js';

/** containerd's CRI container event types (GetContainerEvents). */
export type ContainerEventType =
  | 'CONTAINER_CREATED_EVENT'
  | 'CONTAINER_STARTED_EVENT'
  | 'CONTAINER_STOPPED_EVENT'
  | 'CONTAINER_DELETED_EVENT';

/** The image side as handlers need it. */
export interface RuntimeImages {
  /** Make sure an image is local, pulling it if not (the pause image on first RunPodSandbox). */
  ensure(ref: string, callId: string | undefined): Promise<void>;
  /** Resolve a local image for CreateContainer; throws containerd's error if it is absent. */
  resolveLocal(ref: string): LocalImage;
}

export interface LocalImage {
  id: string;
  repoTag: string;
  repoDigest: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workingDir: string;
  user: string;
  stopSignal: string;
  /** The image's files: text, programs the simulated shell runs, and symlinks. */
  files: Record<string, ImageFile>;
}

export interface RuntimeNetwork {
  setUp(sandboxId: string, pod: { name: string; namespace: string; uid: string }): Promise<{ netnsPath: string; ip: string }>;
  tearDown(sandboxId: string): Promise<void>;
}

export interface RuntimeProcesses {
  startPause(sandbox: SandboxRecord): SimProcess;
  startContainer(container: ContainerRecord, sandbox: SandboxRecord): Promise<SimProcess>;
  /** ReopenContainerLog: close the container's log file and open it again at the same path. */
  reopenLog(container: ContainerRecord): void;
}

/** The streaming server behind Exec, Attach and PortForward (containerd's cri-streaming server). */
export interface RuntimeStreaming {
  /** A one-time URL for a session, e.g. `http://127.0.0.1:PORT/exec/TOKEN`. */
  url(kind: 'exec' | 'attach' | 'portforward', session: StreamSession): Promise<string>;
}

export type StreamSession =
  | { kind: 'exec'; containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'attach'; containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'portforward'; podSandboxId: string; ports: number[] };

export interface RuntimeEvents {
  emit(type: ContainerEventType, containerId: string, sandbox: SandboxRecord): void;
}

/**
 * Everything a CRI handler may use. Handlers are plain functions of (context, request), one
 * RPC per file, as containerd keeps them; the context is built once by SimRuntime.
 */
export interface RuntimeContext {
  clock: Clock;
  trace: TraceEmitter | undefined;
  store: RuntimeStore;
  random: RuntimeRandom;
  /** The container machine with this runtime's effects (stop signal, SIGKILL) provided. */
  containerMachine: typeof containerMachine;
  streaming: RuntimeStreaming;
  images: RuntimeImages;
  network: RuntimeNetwork;
  processes: RuntimeProcesses;
  events: RuntimeEvents;
  nodeName: string;
  /** containerd's version string this runtime reports. */
  runtimeVersion: string;
  /** The sandbox (pause) image, containerd's `sandbox_image`. */
  pauseImage: string;
  /** Where log files are really written: the kubelet's log paths are placed under this directory. */
  logRoot: string;
  /** The image's files as a read-only lower layer, shared by every container of that image. */
  imageLayer(image: LocalImage): ContainerFs;
  /** containerd's exit monitor for the pause process. */
  onPauseExit(sandbox: SandboxRecord, exitCode: number): void;
  /** Something a restarted runtime must remember changed (written to the state directory, if any). */
  changed(): void;
}

/** Undo steps registered while a handler takes resources, run in reverse if a later step fails. */
export class Rollback {
  private readonly steps: Array<{ name: string; undo: () => Promise<void> | void }> = [];

  add(name: string, undo: () => Promise<void> | void): void {
    this.steps.push({ name, undo });
  }

  async run(onError?: (name: string, err: unknown) => void): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.undo();
      } catch (err) {
        onError?.(step.name, err);
      }
    }
    this.steps.length = 0;
  }

  /** The handler succeeded: keep everything. */
  commit(): void {
    this.steps.length = 0;
  }
}

/** Run `fn`; on failure undo what was taken, then rethrow. */
export async function withRollback<T>(fn: (rb: Rollback) => Promise<T>): Promise<T> {
  const rb = new Rollback();
  try {
    const result = await fn(rb);
    rb.commit();
    return result;
  } catch (err) {
    await rb.run();
    throw err;
  }
}
