import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { startCriServer, type CriServer } from '../cri/server.js';
import type { ImageServiceHandlers, RuntimeServiceHandlers } from '../cri/types.js';
import type { TraceEmitter } from '../trace/bus.js';
import type { MachineKind } from '../trace/events.js';
import { ContainerEventHub } from './container-events.js';
import { createContainer } from './container-create.js';
import { execSync } from './container-exec-sync.js';
import { listContainers } from './container-list.js';
import { removeContainer } from './container-remove.js';
import { startContainer } from './container-start.js';
import { containerStatus } from './container-status.js';
import { stopContainer } from './container-stop.js';
import { imageHandlers } from './image-handlers.js';
import { ImagePuller } from './images/pull.js';
import { ImageStore } from './images/image-store.js';
import { SimImageService } from './images/image-service.js';
import { SimRegistry } from './images/sim-registry.js';
import { SimCniBridge } from './network/cni-bridge.js';
import { HostLocalIpam } from './network/ipam-host-local.js';
import { NetnsRegistry } from './network/netns.js';
import { PodNetwork } from './network/pod-network.js';
import { RuntimeRandom } from './random.js';
import type { RuntimeContext } from './runtime-context.js';
import { statusResponse, versionResponse } from './runtime-info.js';
import { listPodSandbox } from './sandbox-list.js';
import { removePodSandbox } from './sandbox-remove.js';
import { runPodSandbox } from './sandbox-run.js';
import { podSandboxStatus } from './sandbox-status.js';
import { sandboxLabel, stopPodSandbox } from './sandbox-stop.js';
import { SimProcesses } from './sim-processes.js';
import { RuntimeStore, type ContainerRecord, type SandboxRecord } from './store.js';

/**
 * The runtime name Version reports. The kubelet uses it as the scheme of container IDs in pod
 * status (`containerd://<id>`), so the simulator answers as the runtime it models; the version
 * string says plainly that it is crilab's simulation of containerd 1.6.
 */
export const SIM_RUNTIME_NAME = 'containerd';
export const SIM_RUNTIME_VERSION = 'v1.6.20-crilab-sim';

/**
 * Each handler runs on behalf of its caller's hold on the simulated clock: while the handler
 * waits on the clock (a pull's download time, a graceful stop's deadline, an exec'd `sleep`),
 * the hold is parked and simulated time may pass; while it computes, time stands still.
 */
function runWithinCall<H extends object>(handlers: H, clock: Clock): H {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(handlers)) {
    if (typeof fn !== 'function' || name === 'GetContainerEvents') {
      wrapped[name] = fn;
      continue;
    }
    wrapped[name] = (req: unknown, call: { callId: string | undefined }) =>
      clock.runWithin(call.callId, () => (fn as (r: unknown, c: unknown) => Promise<unknown>)(req, call));
  }
  return wrapped as H;
}

export interface SimRuntimeOptions {
  clock: Clock;
  /** Where the runtime's own machine transitions go (and, when serving alone, every call). */
  trace?: TraceEmitter;
  seed?: number;
  nodeName?: string;
  podCIDR?: string;
  /** Directory the kubelet's log paths are placed under; a temporary one by default. */
  logRoot?: string;
  pauseImage?: string;
  runtimeVersion?: string;
}

/**
 * The simulated container runtime: a CRI server whose handlers mirror containerd's CRI plugin,
 * over a store of sandboxes and containers, a simulated pod network and image registry, and
 * container processes run by the shell interpreter on the clock.
 */
export class SimRuntime {
  readonly store = new RuntimeStore();
  readonly random: RuntimeRandom;
  readonly registry: SimRegistry;
  readonly images: ImageStore;
  readonly puller: ImagePuller;
  readonly netns: NetnsRegistry;
  readonly cni: SimCniBridge;
  readonly network: PodNetwork;
  readonly events: ContainerEventHub;
  readonly ctx: RuntimeContext;
  private readonly ownLogRoot: string | undefined;
  private server: CriServer | undefined;

  constructor(readonly opts: SimRuntimeOptions) {
    const seed = opts.seed ?? 1;
    this.random = new RuntimeRandom(seed);
    this.registry = new SimRegistry({ seed });
    this.images = new ImageStore(opts.pauseImage ? { sandboxImage: opts.pauseImage } : {});
    this.puller = new ImagePuller({ clock: opts.clock, registry: this.registry, store: this.images });
    this.netns = new NetnsRegistry({ random: this.random, ...(opts.trace ? { trace: opts.trace } : {}) });
    this.cni = new SimCniBridge({
      netns: this.netns,
      random: this.random,
      ipam: new HostLocalIpam({ subnet: opts.podCIDR ?? '10.244.0.0/24' }),
      ...(opts.trace ? { trace: opts.trace } : {}),
    });
    this.network = new PodNetwork({ cni: this.cni, netns: this.netns });
    this.events = new ContainerEventHub(opts.clock, this.store);
    if (!opts.logRoot) this.ownLogRoot = mkdtempSync(join(tmpdir(), 'crilab-logs-'));
    const logRoot = opts.logRoot ?? this.ownLogRoot!;
    const trace = opts.trace;
    const network = this.network;
    const ctx: RuntimeContext = {
      clock: opts.clock,
      trace,
      store: this.store,
      random: this.random,
      images: new SimImageService(this.puller),
      network: {
        setUp: async (id, pod) => network.setUp(id, pod),
        tearDown: async (id) => network.tearDown(id),
      },
      processes: new SimProcesses(opts.clock, trace, logRoot),
      events: this.events,
      nodeName: opts.nodeName ?? 'node-1',
      runtimeVersion: opts.runtimeVersion ?? SIM_RUNTIME_VERSION,
      pauseImage: this.images.sandboxImage,
      logRoot,
      transition: (machine: MachineKind, id, label, from, to, event) =>
        trace?.emit({ kind: 'machine.transition', machine, id, label, from, to, event }),
      onPauseExit: (sandbox) => this.onPauseExit(sandbox),
    };
    this.ctx = ctx;
  }

  /**
   * containerd's exit monitor for a pause process: the sandbox becomes NOTREADY. containerd
   * does not stop the pod's other containers; the kubelet notices the sandbox change and
   * kills them itself. The netns stays (it is bind-mounted) until StopPodSandbox.
   */
  private onPauseExit(sandbox: SandboxRecord): void {
    if (sandbox.state !== 'SANDBOX_READY') return;
    sandbox.state = 'SANDBOX_NOTREADY';
    this.ctx.transition('sandbox', sandbox.id, sandboxLabel(sandbox), 'SANDBOX_READY', 'SANDBOX_NOTREADY', 'PAUSE_EXITED');
    this.events.emit('CONTAINER_STOPPED_EVENT', sandbox.id, sandbox);
  }

  handlers(): { runtime: RuntimeServiceHandlers; image: ImageServiceHandlers } {
    const ctx = this.ctx;
    const runtime: RuntimeServiceHandlers = {
      Version: async () => versionResponse(SIM_RUNTIME_NAME, ctx.runtimeVersion),
      Status: async (req) => statusResponse(this.cni, req.verbose, { sandboxImage: ctx.pauseImage, podCIDR: this.opts.podCIDR ?? '10.244.0.0/24' }),
      RunPodSandbox: (req, call) => runPodSandbox(ctx, req, call.callId),
      StopPodSandbox: (req) => stopPodSandbox(ctx, req),
      RemovePodSandbox: (req) => removePodSandbox(ctx, req),
      PodSandboxStatus: (req) => podSandboxStatus(ctx, req),
      ListPodSandbox: (req) => listPodSandbox(ctx, req),
      CreateContainer: (req) => createContainer(ctx, req),
      StartContainer: (req) => startContainer(ctx, req),
      StopContainer: (req) => stopContainer(ctx, req),
      RemoveContainer: (req) => removeContainer(ctx, req),
      ListContainers: (req) => listContainers(ctx, req),
      ContainerStatus: (req) => containerStatus(ctx, req),
      ExecSync: (req, call) => execSync(ctx, req, call),
      GetContainerEvents: (_req, sink) => this.events.subscribe(sink),
    };
    return { runtime: runWithinCall(runtime, ctx.clock), image: runWithinCall(imageHandlers(this.puller, ctx.clock), ctx.clock) };
  }

  /** Serve CRI on a Unix socket. `traceCalls` records every call at the server (crictl and friends). */
  async serve(endpoint: string, traceCalls = false): Promise<CriServer> {
    const { runtime, image } = this.handlers();
    this.server = await startCriServer({ endpoint, runtime, image, clock: this.opts.clock, ...(traceCalls && this.opts.trace ? { trace: this.opts.trace } : {}) });
    return this.server;
  }

  /** Stop serving (the processes and state stay, as containerd's shims outlive a containerd restart). */
  async stopServing(): Promise<void> {
    this.events.closeAll();
    await this.server?.close();
    this.server = undefined;
  }

  get serving(): boolean {
    return this.server !== undefined;
  }

  // ---- Faults -------------------------------------------------------------------------------

  sandboxOfPod(name: string, namespace: string): SandboxRecord | undefined {
    const matching = [...this.store.sandboxes.values()].filter((s) => s.config.metadata?.name === name && s.config.metadata?.namespace === namespace);
    return matching.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  }

  runningContainer(podName: string, namespace: string, container: string): ContainerRecord | undefined {
    return [...this.store.containers.values()].find((c) => {
      const s = this.store.sandboxes.get(c.sandboxId);
      return c.state === 'CONTAINER_RUNNING' && c.config.metadata?.name === container && s?.config.metadata?.name === podName && s.config.metadata?.namespace === namespace;
    });
  }

  /** The container's process exits with this code, as if the program had crashed. */
  crashContainer(podName: string, namespace: string, container: string, exitCode: number): void {
    const c = this.runningContainer(podName, namespace, container);
    if (!c?.process) throw new Error(`no running container "${container}" in pod ${namespace}/${podName}`);
    c.forcedExitCode = exitCode;
    c.process.kill('SIGKILL');
  }

  /** The kernel's OOM killer takes the container's process: SIGKILL, exit 137, reason OOMKilled. */
  oomKill(podName: string, namespace: string, container: string): void {
    const c = this.runningContainer(podName, namespace, container);
    if (!c?.process) throw new Error(`no running container "${container}" in pod ${namespace}/${podName}`);
    c.oomKilled = true;
    c.process.kill('SIGKILL');
  }

  killPause(podName: string, namespace: string): void {
    const s = this.sandboxOfPod(podName, namespace);
    if (!s?.pause?.running) throw new Error(`pod ${namespace}/${podName} has no running pause container`);
    s.pause.kill('SIGKILL');
  }

  /** Does the pod's newest sandbox still have its network namespace? */
  netnsExists(podName: string, namespace: string): boolean | undefined {
    const s = this.sandboxOfPod(podName, namespace);
    if (!s) return undefined;
    return s.netnsPath !== '' && this.netns.exists(s.netnsPath);
  }

  /** Leak check: no sandbox, container, IP or netns left. */
  leaks(): { sandboxes: number; containers: number; ips: number; netns: number } {
    return { sandboxes: this.store.sandboxes.size, containers: this.store.containers.size, ips: this.network.list().length, netns: this.netns.list().length };
  }

  async close(): Promise<void> {
    await this.stopServing();
    for (const c of this.store.containers.values()) {
      if (c.process?.running) c.process.kill('SIGKILL');
      await c.log?.close();
    }
    for (const s of this.store.sandboxes.values()) if (s.pause?.running) s.pause.kill('SIGKILL');
    if (this.ownLogRoot) rmSync(this.ownLogRoot, { recursive: true, force: true });
  }
}
