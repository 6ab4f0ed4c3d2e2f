import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import type { PodSandboxConfig } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { formatRpcError, isServiceError } from '../cri/status.js';
import { newImageBackOff, type Backoff } from './backoff.js';
import type { KubeEventRecorder } from './kube-events.js';

/** A sync error the kubelet turns into a container's waiting reason. */
export class SyncError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** API defaulting: `:latest` or no tag pulls Always, anything else IfNotPresent. */
export function effectivePullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (container.imagePullPolicy) return container.imagePullPolicy as 'Always' | 'IfNotPresent' | 'Never';
  const image = container.image ?? '';
  const lastPart = image.split('/').pop() ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  return !lastPart.includes(':') || lastPart.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/**
 * EnsureImageExists (upstream pkg/kubelet/images/image_manager.go): ask ImageStatus first unless
 * the policy is Always, pull when needed, and hold failed pulls back with the image back-off
 * (10 s doubling to 5 min) keyed by pod UID and image — ErrImagePull on the failure itself,
 * ImagePullBackOff while the window lasts.
 */
export class ImageManager {
  readonly backOff: Backoff;

  constructor(
    private readonly cri: CriClient,
    private readonly clock: Clock,
    private readonly events: KubeEventRecorder,
  ) {
    this.backOff = newImageBackOff(() => clock.now());
  }

  async ensureImageExists(pod: Pod, container: Container, sandboxConfig: PodSandboxConfig): Promise<string> {
    const image = container.image ?? '';
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const policy = effectivePullPolicy(container);
    if (policy !== 'Always') {
      const res = await this.cri.image.ImageStatus({ image: { image } });
      if (res.image?.id) {
        this.events.record(podKey, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return res.image.id;
      }
      if (policy === 'Never') {
        const msg = `Container image "${image}" is not present with pull policy of Never`;
        this.events.record(podKey, 'Warning', 'ErrImageNeverPull', msg);
        throw new SyncError('ErrImageNeverPull', msg);
      }
    }
    const key = `${pod.metadata?.uid}_${image}`;
    if (this.backOff.isInBackOffSinceUpdate(key, this.clock.now())) {
      const msg = `Back-off pulling image "${image}"`;
      this.events.record(podKey, 'Normal', 'BackOff', msg);
      throw new SyncError('ImagePullBackOff', msg);
    }
    this.events.record(podKey, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock.now();
    try {
      const res = await this.cri.image.PullImage({ image: { image }, sandboxConfig });
      const took = formatSeconds(this.clock.now() - started);
      this.events.record(podKey, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting)`);
      this.backOff.gc();
      return res.imageRef;
    } catch (err) {
      this.backOff.next(key, this.clock.now());
      const detail = isServiceError(err) ? formatRpcError(err) : String(err);
      const msg = `Failed to pull image "${image}": ${detail}`;
      this.events.record(podKey, 'Warning', 'Failed', msg);
      this.events.record(podKey, 'Warning', 'Failed', 'Error: ErrImagePull');
      throw new SyncError('ErrImagePull', detail);
    }
  }
}
