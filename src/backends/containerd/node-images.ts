import type { CriClient } from '../../cri/client.js';
import { normalizeImageRef } from '../../runtime/images/reference.js';
import { SANDBOX_IMAGE } from './lab/images.js';

export interface NodeImagesPlan {
  /** Images the scenario's node starts with (`node.images`): pulled before the run. */
  preload: string[];
  /** Images the scenario's pods use and the node does not start with: removed before the run. */
  absent: string[];
}

export interface NodeImagesResult {
  pulled: string[];
  removed: string[];
  /** Images left in place because a container (crilab's or not) uses them. */
  inUse: string[];
}

/**
 * A scenario says which images its node starts with; the simulated runtime starts exactly so.
 * On the lab, images pulled by earlier runs would otherwise be "already present" and the
 * kubelet would skip the PullImage the scenario teaches. So before a run the backend pulls the
 * node's images and removes the other images the scenario names, unless any container on the
 * runtime still uses one (then it stays, and the run shows "already present"). The sandbox
 * image is never removed. Only done on the lab, which is crilab's own.
 */
export async function prepareNodeImages(cri: CriClient, plan: NodeImagesPlan): Promise<NodeImagesResult> {
  const norm = (i: string) => normalizeImageRef(i) ?? i;
  const result: NodeImagesResult = { pulled: [], removed: [], inUse: [] };
  for (const image of new Set(plan.preload.map(norm))) {
    await cri.image.PullImage({ image: { image } }).catch((err: Error) => {
      throw new Error(`the scenario's node starts with ${image}, which this containerd cannot pull: ${err.message}`);
    });
    result.pulled.push(image);
  }
  const keep = new Set([norm(SANDBOX_IMAGE), ...plan.preload.map(norm)]);
  const absent = [...new Set(plan.absent.map(norm))].filter((i) => !keep.has(i));
  if (absent.length === 0) return result;
  // read-only: which image IDs any container uses (a foreign container's image is not ours to remove)
  const { containers } = await cri.runtime.ListContainers({});
  const used = new Set(containers.map((c) => c.imageRef));
  for (const image of absent) {
    const st = await cri.image.ImageStatus({ image: { image } });
    const id = st.image?.id;
    if (!id) continue;
    if (used.has(id) || containers.some((c) => norm(c.image?.image ?? '') === image)) {
      result.inUse.push(image);
      continue;
    }
    await cri.image.RemoveImage({ image: { image } });
    result.removed.push(image);
  }
  return result;
}
