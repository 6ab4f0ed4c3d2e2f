import type { ImageServiceHandlers } from '../cri/types.js';
import type { Clock } from '../clock/clock.js';
import type { ImagePuller } from './images/pull.js';

/**
 * The ImageService, as containerd's CRI plugin answers it: PullImage returns the image ID
 * (the config digest); ImageStatus of an image that is not there is an empty answer, not an
 * error; RemoveImage of a missing image succeeds; ImageFsInfo reports the snapshotter's usage.
 */
export function imageHandlers(puller: ImagePuller, clock: Clock): ImageServiceHandlers {
  const store = puller.store;
  return {
    async ListImages(req) {
      const filter = req.filter?.image?.image;
      const images = store.list().filter((img) => !filter || img.repoTags?.some((t) => t === filter) || img.id === filter);
      return { images };
    },
    async ImageStatus(req) {
      const ref = req.image?.image ?? '';
      const image = store.status(ref);
      if (!image) return {};
      return { image, ...(req.verbose ? { info: { info: JSON.stringify({ imageSpec: image }) } } : {}) };
    },
    async PullImage(req, ctx) {
      const res = await puller.pull(req.image?.image ?? '', { ...(req.auth ? { auth: req.auth } : {}), signal: ctx.signal });
      return { imageRef: res.imageRef };
    },
    async RemoveImage(req) {
      store.remove(req.image?.image ?? '');
      return {};
    },
    async ImageFsInfo() {
      return store.fsInfo(clock.nowNanos());
    },
  };
}
