import type { Clock } from '../../clock/clock.js';
import { startCriServer, type CriServer } from '../../cri/server.js';
import type { ImageServiceHandlers, RuntimeServiceHandlers } from '../../cri/types.js';
import type { TraceEmitter } from '../../trace/bus.js';
import * as containers from './docker-container.js';
import * as images from './docker-image.js';
import * as sandboxes from './docker-sandbox.js';
import * as service from './docker-service.js';
import { HopTracer } from './hops.js';
import type { CriHandlers, ShimContext } from './shim-context.js';

export interface DockershimOptions {
  /** The runtime that does the work Docker Engine, containerd and runc did. */
  delegate: CriHandlers;
  clock: Clock;
  trace?: TraceEmitter;
  /** Is Docker Engine (the runtime underneath) up? Default: always. */
  engineUp?: () => boolean;
}

/**
 * A simulated dockershim: a CRI server the kubelet talks to like any runtime, which turns each
 * CRI call into the Docker Engine API calls the kubelet's in-tree dockershim made (Kubernetes
 * ≤ 1.23), records them — and the calls Docker Engine made to containerd and runc — as hops in
 * the trace, and has the work done by the runtime underneath.
 *
 * On a real node dockershim lived inside the kubelet binary; here it is a separate CRI server
 * so that the kubelet stays the same program on every path, which is what CRI is for.
 * Streaming calls (Exec, Attach, PortForward) and GetContainerEvents are not offered:
 * dockershim had no container events, and crilab does not stream through it.
 */
export class Dockershim {
  readonly hops: HopTracer;
  private readonly shim: ShimContext;
  private server: CriServer | undefined;

  constructor(private readonly opts: DockershimOptions) {
    this.hops = new HopTracer(opts.trace);
    this.shim = { delegate: opts.delegate, hops: this.hops, engineUp: opts.engineUp ?? (() => true) };
  }

  handlers(): { runtime: RuntimeServiceHandlers; image: ImageServiceHandlers } {
    const s = this.shim;
    return {
      runtime: {
        Version: (req, call) => service.version(s, req, call),
        Status: (req, call) => service.status(s, req, call),
        RunPodSandbox: (req, call) => sandboxes.runPodSandbox(s, req, call),
        StopPodSandbox: (req, call) => sandboxes.stopPodSandbox(s, req, call),
        RemovePodSandbox: (req, call) => sandboxes.removePodSandbox(s, req, call),
        PodSandboxStatus: (req, call) => sandboxes.podSandboxStatus(s, req, call),
        ListPodSandbox: (req, call) => sandboxes.listPodSandbox(s, req, call),
        CreateContainer: (req, call) => containers.createContainer(s, req, call),
        StartContainer: (req, call) => containers.startContainer(s, req, call),
        StopContainer: (req, call) => containers.stopContainer(s, req, call),
        RemoveContainer: (req, call) => containers.removeContainer(s, req, call),
        ListContainers: (req, call) => containers.listContainers(s, req, call),
        ContainerStatus: (req, call) => containers.containerStatus(s, req, call),
        ExecSync: (req, call) => containers.execSync(s, req, call),
      },
      image: {
        PullImage: (req, call) => images.pullImage(s, req, call),
        ImageStatus: (req, call) => images.imageStatus(s, req, call),
        ListImages: (req, call) => images.listImages(s, req, call),
        RemoveImage: (req, call) => images.removeImage(s, req, call),
        ImageFsInfo: (req, call) => images.imageFsInfo(s, req, call),
      },
    };
  }

  /** Serve CRI where the kubelet's `--container-runtime-endpoint` pointed: /var/run/dockershim.sock on a real node. */
  async serve(endpoint: string): Promise<CriServer> {
    const { runtime, image } = this.handlers();
    this.server = await startCriServer({ endpoint, runtime, image, clock: this.opts.clock });
    return this.server;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}
