import type { LocalImage, RuntimeImages } from '../runtime-context.js';
import { toLocalImage } from './image-store.js';
import type { ImagePuller, PullProgress } from './pull.js';

/**
 * The image side as the runtime's handlers use it (RuntimeImages in runtime-context.ts):
 * RunPodSandbox ensures the sandbox image, CreateContainer resolves a local image.
 */
export class SimImageService implements RuntimeImages {
  constructor(
    readonly puller: ImagePuller,
    /** Pull progress, tagged with the CRI call that caused the pull (for the trace). */
    private readonly onProgress?: (p: PullProgress, callId: string | undefined) => void,
  ) {}

  async ensure(ref: string, callId: string | undefined): Promise<void> {
    const onProgress = this.onProgress ? (p: PullProgress) => this.onProgress?.(p, callId) : undefined;
    const opts = onProgress ? { onProgress } : {};
    // The sandbox image's failure carries RunPodSandbox's own words ("failed to get sandbox image …").
    if (ref === this.puller.store.sandboxImage) await this.puller.ensureSandboxImage(opts);
    else await this.puller.ensure(ref, opts);
  }

  resolveLocal(ref: string): LocalImage {
    return toLocalImage(this.puller.store.resolveForCreate(ref), this.puller.store.dialect);
  }
}
