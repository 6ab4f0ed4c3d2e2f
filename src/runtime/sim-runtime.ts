import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import { startCriServer, type CriServer } from '../cri/server.js';
import type { ImageServiceHandlers, RuntimeServiceHandlers } from '../cri/types.js';
import type { TraceEmitter } from '../trace/bus.js';
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
import type { LocalImage, RuntimeContext } from './runtime-context.js';
import { statusResponse, versionResponse } from './runtime-info.js';
import { listPodSandbox } from './sandbox-list.js';
import { removePodSandbox } from './sandbox-remove.js';
import { runPodSandbox } from './sandbox-run.js';
import { podSandboxStatus } from './sandbox-status.js';
import { sandboxLabel, stopPodSandbox } from './sandbox-stop.js';
import { SimProcesses } from './sim-processes.js';
import { RuntimeStore, type ContainerRecord, type SandboxRecord } from './store.js';
import { containerMachine, UNKNOWN_EXIT_CODE, CONTAINER_REASON } from './machines/container.machine.js';
import { containerSnapshotAt, pauseSnapshotExited, sandboxSnapshotAt, sendTo } from './record-actors.js';
import { makeContainerRecord, makeSandboxRecord } from './records.js';
import { podPidNamespace } from './container-status.js';
import { updateContainerResources } from './container-update-resources.js';
import { reopenContainerLog } from './container-reopen-log.js';
import { attach, exec, portForward } from './container-streams.js';
import { containerStatsRpc, listContainerStats, listPodSandboxStats, podSandboxStatsRpc } from './stats.js';
import { runtimeConfig, unimplementedRuntimeRpcs, updateRuntimeConfig } from './runtime-config.js';
import { StreamServer } from './streaming/stream-server.js';
import { StateDir, saveContainer, saveSandbox, type SavedState } from './state-dir.js';
import { createContainerFs, type ContainerFs } from './shell/index.js';
import { OverlayFs } from './overlay-fs.js';
import { imageRootfs } from './container-create.js';
import { parseDockerRef } from './images/reference.js';
import type { RegistryBehaviour } from './images/sim-registry.js';
import type { KillSignal } from './shell/index.js';
import { RUNTIME_SERVICE } from '../cri/proto.js';

/**
 * The runtime name Version reports. The kubelet uses it as the scheme of container IDs in pod
 * status (`containerd://<id>`), so the simulator answers as the runtime it models; the version
 * string says plainly that it is crilab's simulation of containerd 1.6.
 */
export const SIM_RUNTIME_NAME = 'containerd';
export const SIM_RUNTIME_VERSION = 'v1.6.20-crilab-sim';

/**
 * CreateContainer resolves its image on every call; the runtime's view of a local image (its
 * config, entrypoint, files) depends only on the image ID, so it is made once per ID.
 */
function cachedLocalImages(images: SimImageService, store: ImageStore): RuntimeContext['images'] {
  const byId = new Map<string, LocalImage>();
  // Which image a reference names, valid while the store's revision is unchanged.
  let revision = -1;
  const idOf = new Map<string, string>();
  const resolve = (ref: string): string | undefined => {
    if (store.revision !== revision) {
      idOf.clear();
      revision = store.revision;
    }
    const known = idOf.get(ref);
    if (known !== undefined) return known;
    const id = store.resolve(ref)?.id;
    if (id !== undefined) idOf.set(ref, id);
    return id;
  };
  return {
    // The pause image on every RunPodSandbox: a pull only when it is not there.
    ensure: async (ref, callId) => {
      let id: string | undefined;
      try {
        id = resolve(ref);
      } catch {
        id = undefined; // an ambiguous reference: let ensure() report it in containerd's words
      }
      if (id === undefined) await images.ensure(ref, callId);
    },
    resolveLocal: (ref) => {
      const id = resolve(ref) ?? store.resolveForCreate(ref).id; // the latter throws containerd's error
      let local = byId.get(id);
      if (!local) byId.set(id, (local = images.resolveLocal(id)));
      return local;
    },
  };
}

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
  /** Directory the kubelet's log paths are placed under; a temporary one by default. `/` writes them where the client asked. */
  logRoot?: string;
  pauseImage?: string;
  runtimeVersion?: string;
  /**
   * Keep sandboxes, containers and pulled images in this directory, and recover them from it
   * on start, as containerd does from its metadata store after a restart.
   */
  stateDir?: string;
}

/**
 * The simulated container runtime: a CRI server whose handlers mirror containerd's CRI plugin,
 * over a store of sandboxes and containers (each driven by its machine's actor), a simulated
 * pod network and image registry, container processes run by the shell interpreter on the
 * clock, and a streaming server for exec, attach and port-forward.
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
  readonly streaming: StreamServer;
  readonly ctx: RuntimeContext;
  /** What UpdateRuntimeConfig last set. */
  readonly runtimeState: { podCIDR: string };
  private readonly ownLogRoot: string | undefined;
  private readonly stateDir: StateDir | undefined;
  private generation = 0;
  private server: CriServer | undefined;
  private cachedHandlers: { runtime: RuntimeServiceHandlers; image: ImageServiceHandlers } | undefined;

  constructor(readonly opts: SimRuntimeOptions) {
    const saved = opts.stateDir ? StateDir.read(opts.stateDir) : undefined;
    const seed = opts.seed ?? 1;
    this.generation = saved ? saved.generation + 1 : 0;
    // A recovered runtime draws new IDs from a fresh sequence, so they never repeat old ones.
    this.random = new RuntimeRandom(seed + this.generation * 7919);
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
    this.streaming = new StreamServer({ store: this.store, clock: opts.clock });
    this.runtimeState = { podCIDR: opts.podCIDR ?? '10.244.0.0/24' };
    if (!opts.logRoot) this.ownLogRoot = mkdtempSync(join(tmpdir(), 'crilab-logs-'));
    const logRoot = opts.logRoot ?? this.ownLogRoot!;
    const trace = opts.trace;
    const network = this.network;
    const store = this.store;
    // The container machine's effects, provided once: the actor's ID is the container ID.
    const provided = containerMachine.provide({
      actions: {
        sendStopSignal: ({ self, event }) => {
          const c = store.containers.get(self.id);
          const signal = event.type === 'STOP' && event.signal ? event.signal : c?.stopSignal;
          if (c?.process?.running && signal) c.process.kill(signal as KillSignal);
        },
        killProcess: ({ self }) => {
          const c = store.containers.get(self.id);
          if (c?.process?.running) c.process.kill('SIGKILL');
        },
      },
    });
    this.stateDir = opts.stateDir ? new StateDir(opts.stateDir, () => this.saveState()) : undefined;
    const stateDir = this.stateDir;
    // Image layers by image ID (content-addressed, so an ID always names the same files).
    const imageLayers = new Map<string, ContainerFs>();
    const ctx: RuntimeContext = {
      clock: opts.clock,
      trace,
      store: this.store,
      random: this.random,
      containerMachine: provided,
      streaming: this.streaming,
      images: cachedLocalImages(new SimImageService(this.puller), this.images),
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
      imageLayer: (image) => {
        let layer = imageLayers.get(image.id);
        if (!layer) imageLayers.set(image.id, (layer = createContainerFs(imageRootfs(image.files))));
        return layer;
      },
      onPauseExit: (sandbox, exitCode) => this.onPauseExit(sandbox, exitCode),
      changed: stateDir ? () => stateDir.schedule() : () => undefined,
    };
    this.ctx = ctx;
    if (saved) this.recover(saved);
  }

  /**
   * containerd's exit monitor for a pause process: the sandbox becomes NOTREADY and event
   * subscribers get CONTAINER_STOPPED_EVENT. containerd stops none of the pod's containers
   * (checked on containerd 1.6.20: with the kubelet's default PID mode CONTAINER, the app
   * container keeps running); the kubelet notices the sandbox change and kills them itself.
   * The netns stays (it is bind-mounted) until StopPodSandbox. Containers that share the pod's
   * PID namespace (PID mode POD, i.e. shareProcessNamespace, or a config without namespace
   * options) die with it, as the kernel kills a PID namespace's processes when its init exits.
   */
  private onPauseExit(sandbox: SandboxRecord, exitCode: number): void {
    if (sandbox.pauseActor) sendTo(sandbox.pauseActor, { type: 'EXIT', exitCode });
    const wasReady = sandbox.state === 'SANDBOX_READY';
    sendTo(sandbox.actor, { type: 'PAUSE_EXITED', exitCode });
    if (wasReady) this.events.emit('CONTAINER_STOPPED_EVENT', sandbox.id, sandbox);
    for (const c of this.store.containersOf(sandbox.id)) {
      if (c.process?.running && podPidNamespace(c)) c.process.kill('SIGKILL');
    }
    this.ctx.changed();
  }

  handlers(): { runtime: RuntimeServiceHandlers; image: ImageServiceHandlers } {
    if (this.cachedHandlers) return this.cachedHandlers;
    const ctx = this.ctx;
    const runtime: RuntimeServiceHandlers = {
      ...unimplementedRuntimeRpcs(RUNTIME_SERVICE),
      Version: async () => versionResponse(SIM_RUNTIME_NAME, ctx.runtimeVersion),
      Status: async (req) => statusResponse(this.cni, req.verbose, { sandboxImage: ctx.pauseImage, podCIDR: this.runtimeState.podCIDR }),
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
      UpdateContainerResources: (req) => updateContainerResources(ctx, req),
      ReopenContainerLog: (req) => reopenContainerLog(ctx, req),
      ExecSync: (req, call) => execSync(ctx, req, call),
      Exec: (req) => exec(ctx, req),
      Attach: (req) => attach(ctx, req),
      PortForward: (req) => portForward(ctx, req),
      ContainerStats: (req) => containerStatsRpc(ctx, req),
      ListContainerStats: (req) => listContainerStats(ctx, req),
      PodSandboxStats: (req) => podSandboxStatsRpc(ctx, req),
      ListPodSandboxStats: (req) => listPodSandboxStats(ctx, req),
      UpdateRuntimeConfig: async (req) => updateRuntimeConfig(this.runtimeState, req),
      RuntimeConfig: async () => runtimeConfig(),
      GetContainerEvents: (_req, sink) => this.events.subscribe(sink),
    };
    this.cachedHandlers = { runtime: runWithinCall(runtime, ctx.clock), image: runWithinCall(imageHandlers(this.puller, ctx.clock), ctx.clock) };
    return this.cachedHandlers;
  }

  /** Serve CRI on a Unix socket. `traceCalls` records every call at the server (crictl and friends). */
  async serve(endpoint: string, traceCalls = false, socketMode?: number): Promise<CriServer> {
    const { runtime, image } = this.handlers();
    this.server = await startCriServer({
      endpoint,
      runtime,
      image,
      clock: this.opts.clock,
      ...(traceCalls && this.opts.trace ? { trace: this.opts.trace } : {}),
      ...(socketMode !== undefined ? { socketMode } : {}),
    });
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

  // ---- State directory -------------------------------------------------------------------

  private saveState(): SavedState {
    const images = new Set<string>();
    for (const img of this.images.all()) for (const ref of img.references) if (!ref.startsWith('sha256:')) images.add(ref);
    const sandboxes = [];
    for (const s of this.store.sandboxes.values()) {
      const saved = saveSandbox(s);
      if (saved) sandboxes.push(saved);
    }
    const containers = [];
    for (const c of this.store.containers.values()) {
      const saved = saveContainer(c);
      if (saved) containers.push(saved);
    }
    return { version: 1, generation: this.generation, images: [...images], sandboxes, containers };
  }

  /** Write the state directory now (the CLI calls this before it exits). */
  flushState(): void {
    this.stateDir?.flush();
  }

  /**
   * Recovery after a restart, as containerd 1.6's CRI plugin does it (`recover` in
   * restart.go): every task is gone with the old process, so a READY sandbox is NOTREADY and a
   * RUNNING container is EXITED with exit code 255 and reason Unknown, finished now. The
   * sandboxes' network namespaces and IPs were not lost (a bind mount, host-local's files):
   * they come back until StopPodSandbox releases them. Names are reserved again.
   */
  private recover(saved: SavedState): void {
    for (const ref of saved.images) {
      try {
        const parsed = parseDockerRef(ref);
        this.images.add(this.registry.lookup(parsed), parsed);
      } catch {
        // An image the registry no longer knows stays gone, as if pruned.
      }
    }
    const now = this.opts.clock.nowNanos();
    for (const s of saved.sandboxes) {
      const state = s.state === 'SANDBOX_READY' ? 'SANDBOX_NOTREADY' : s.state;
      const config = s.config as SandboxRecord['config'];
      const context = { pauseAlive: false, netnsPath: s.netnsPath || null, ip: s.ip || null, networkTornDown: s.netnsPath === '', lastError: null };
      const record = makeSandboxRecord(
        {
          id: s.id,
          name: s.name,
          config,
          runtimeHandler: s.runtimeHandler,
          createdAt: BigInt(s.createdAt),
          netnsPath: s.netnsPath,
          ip: s.ip,
          additionalIps: [],
          hostNetwork: s.hostNetwork,
          pause: undefined,
          pausePid: s.pausePid,
          files: s.files,
        },
        this.opts.trace,
        { sandbox: sandboxSnapshotAt(state, context), pause: pauseSnapshotExited(null) },
      );
      if (s.netnsPath) {
        const meta = config.metadata!;
        this.network.setUp(s.id, { name: meta.name, namespace: meta.namespace, uid: meta.uid }, { netnsPath: s.netnsPath, ip: s.ip });
      }
      this.store.names.reserve('sandbox', s.name, s.id);
      this.store.sandboxes.set(s.id, record);
    }
    for (const c of saved.containers) {
      const lost = c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_UNKNOWN';
      const state = lost ? 'CONTAINER_EXITED' : c.state;
      const context = lost
        ? { pid: null, exitCode: UNKNOWN_EXIT_CODE, reason: CONTAINER_REASON.unknown, message: '', stopSignalSent: false }
        : { pid: null, exitCode: c.exitCode, reason: c.reason, message: c.message, stopSignalSent: false };
      const sandbox = this.store.sandboxes.get(c.sandboxId);
      const upper: Record<string, string> = { ...(sandbox?.files ?? {}), '/dev/termination-log': '' };
      let lower: ContainerFs;
      try {
        lower = this.ctx.imageLayer(this.ctx.images.resolveLocal(c.imageId));
      } catch {
        lower = createContainerFs({}); // the image is gone: the container keeps only the pod's files
      }
      const config = c.config as ContainerRecord['config'];
      const record = makeContainerRecord(
        {
          id: c.id,
          name: c.name,
          sandboxId: c.sandboxId,
          config,
          imageSpec: c.imageSpec,
          imageId: c.imageId,
          imageRef: c.imageRef,
          imageTag: c.imageTag,
          argv: c.argv,
          env: c.env,
          workingDir: c.workingDir,
          user: c.user,
          stopSignal: c.stopSignal,
          createdAt: BigInt(c.createdAt),
          startedAt: BigInt(c.startedAt),
          finishedAt: lost ? now : BigInt(c.finishedAt),
          busy: undefined,
          logPath: c.logPath,
          fs: new OverlayFs(lower, upper),
          process: undefined,
          log: undefined,
          oomKilled: false,
          resources: c.resources as ContainerRecord['resources'],
          outputListeners: new Set(),
        },
        this.ctx.containerMachine,
        this.opts.trace,
        containerSnapshotAt(state, context),
      );
      this.store.names.reserve('container', c.name, c.id);
      this.store.containers.set(c.id, record);
    }
    this.ctx.changed();
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

  /** SIGKILL to the pod's pause process (`kill -9 <pause pid>` on a node). */
  killPause(podName: string, namespace: string): void {
    const s = this.sandboxOfPod(podName, namespace);
    if (!s?.pause?.running) throw new Error(`pod ${namespace}/${podName} has no running pause container`);
    if (s.pauseActor) sendTo(s.pauseActor, { type: 'KILL', signal: 'SIGKILL' });
    s.pause.kill('SIGKILL');
  }

  /**
   * How the simulated registry answers pulls of `image` (a reference, `repo/*`, or `*` for
   * every image): missing (404), private (needs credentials), slow, down, or flaky.
   */
  imageFault(image: string, behaviour: RegistryBehaviour): void {
    this.registry.set(image, behaviour);
  }

  /** Back to normal registry answers for `image` (or for everything). */
  clearImageFaults(image?: string): void {
    this.registry.clear(image);
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
    await this.streaming.close();
    this.stateDir?.close();
    for (const c of this.store.containers.values()) {
      if (c.process?.running) c.process.kill('SIGKILL');
      await c.log?.close();
    }
    for (const s of this.store.sandboxes.values()) if (s.pause?.running) s.pause.kill('SIGKILL');
    if (this.ownLogRoot) rmSync(this.ownLogRoot, { recursive: true, force: true });
  }
}
