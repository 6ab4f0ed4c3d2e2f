import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import type { PodSandboxConfig } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { formatRpcError, isServiceError } from '../cri/status.js';
import { newImageBackOff, type Backoff } from './backoff.js';
import type { KubeEventRecorder } from './kube-events.js';
import { defaultImagePullPolicy, type ImagePullPolicy } from './machines/image-pull.machine.js';
import type { ImagePullObservation } from './pod-machines.js';
import { Semaphore } from './semaphore.js';

/** A sync error the kubelet turns into a container's waiting reason. */
export class SyncError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The container's pull policy; unset → the API default (`Always` for `:latest` or no tag). */
export function effectivePullPolicy(container: Container): ImagePullPolicy {
  if (container.imagePullPolicy) return container.imagePullPolicy as ImagePullPolicy;
  return defaultImagePullPolicy(container.image ?? '');
}

/** Go's `time.Duration.String()` for a pull time, e.g. `1.5s`, `800ms`. */
function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

export interface ImageManagerOptions {
  /** `serializeImagePulls` (default true): one PullImage at a time for the whole node. */
  serializeImagePulls?: boolean;
  /** `maxParallelImagePulls` when pulls are not serialized (default: no limit). */
  maxParallelImagePulls?: number;
}

/**
 * EnsureImageExists (upstream pkg/kubelet/images/image_manager.go): ask ImageStatus first unless
 * the policy is Always, pull when needed, and hold failed pulls back with the image back-off
 * (10 s doubling to 5 min) keyed by pod UID and image — ErrImagePull on the failure itself,
 * ImagePullBackOff while the window lasts. Pulls go through the image puller: serial (the
 * default, `serializeImagePulls: true`) or up to `maxParallelImagePulls` at once
 * (k8s:pkg/kubelet/images/puller.go). A pull waiting for its turn shows in the `Pulled` event
 * as "… in <pull time> (<total> including waiting)".
 */
export class ImageManager {
  readonly backOff: Backoff;
  private readonly puller: Semaphore;

  constructor(
    private readonly cri: CriClient,
    private readonly clock: Clock,
    private readonly events: KubeEventRecorder,
    opts: ImageManagerOptions = {},
  ) {
    this.backOff = newImageBackOff(() => clock.now());
    const serialize = opts.serializeImagePulls ?? true;
    this.puller = new Semaphore(serialize ? 1 : (opts.maxParallelImagePulls ?? Infinity));
  }

  async ensureImageExists(
    pod: Pod,
    container: Container,
    sandboxConfig: PodSandboxConfig,
    observe?: (o: ImagePullObservation) => void,
  ): Promise<string> {
    const image = container.image ?? '';
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const policy = effectivePullPolicy(container);
    if (policy !== 'Always') {
      let present: string | undefined;
      try {
        present = (await this.cri.image.ImageStatus({ image: { image } })).image?.id || undefined;
      } catch (err) {
        const msg = `Failed to inspect image "${image}": ${formatRpcError(err)}`;
        this.events.record(podKey, 'Warning', 'InspectFailed', msg);
        throw new SyncError('ImageInspectError', msg);
      }
      if (present) {
        observe?.({ type: 'PRESENT', pullPolicy: policy });
        this.events.record(podKey, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return present;
      }
      if (policy === 'Never') {
        observe?.({ type: 'ENSURE', now: this.clock.now(), pullPolicy: policy });
        const msg = `Container image "${image}" is not present with pull policy of Never`;
        this.events.record(podKey, 'Warning', 'ErrImageNeverPull', msg);
        throw new SyncError('ErrImageNeverPull', msg);
      }
    }
    observe?.({ type: 'ENSURE', now: this.clock.now(), pullPolicy: policy });
    const key = `${pod.metadata?.uid}_${image}`;
    if (this.backOff.isInBackOffSinceUpdate(key, this.clock.now())) {
      const msg = `Back-off pulling image "${image}"`;
      this.events.record(podKey, 'Normal', 'BackOff', msg);
      throw new SyncError('ImagePullBackOff', msg);
    }
    this.events.record(podKey, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const queued = this.clock.now();
    try {
      let started = queued;
      const res = await this.puller.run(() => {
        started = this.clock.now();
        return this.cri.image.PullImage({ image: { image }, sandboxConfig });
      });
      const now = this.clock.now();
      this.events.record(podKey, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${formatSeconds(now - started)} (${formatSeconds(now - queued)} including waiting)`);
      this.backOff.gc();
      observe?.({ type: 'PULL_SUCCEEDED' });
      return res.imageRef;
    } catch (err) {
      this.backOff.next(key, this.clock.now());
      const detail = isServiceError(err) ? formatRpcError(err) : String(err);
      observe?.({ type: 'PULL_FAILED', now: this.clock.now(), message: detail });
      this.events.record(podKey, 'Warning', 'Failed', `Failed to pull image "${image}": ${detail}`);
      this.events.record(podKey, 'Warning', 'Failed', 'Error: ErrImagePull');
      throw new SyncError('ErrImagePull', detail);
    }
  }
}
