import type { CallContext } from '../../cri/types.js';
import { delegateImage, type ImageReq, type ImageRes, type ShimContext } from './shim-context.js';

/* dockershim's image calls (`k8s:pkg/kubelet/dockershim/docker_image.go`, v1.22). Docker Engine
 * pulled and stored images itself (in /var/lib/docker), not in containerd's content store: a
 * node moved from Docker to containerd had to pull every image again. */

function splitTag(image: string): { from: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { from: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? { from: image.slice(0, colon), tag: image.slice(colon + 1) } : { from: image, tag: 'latest' };
}

export async function pullImage(shim: ShimContext, req: ImageReq<'PullImage'>, call: CallContext): Promise<ImageRes<'PullImage'>> {
  const h = shim.hops;
  const image = req.image?.image ?? '';
  const { from, tag } = splitTag(image);
  h.docker('POST', `/images/create?fromImage=${from}&tag=${tag}`, 'progress streamed back as JSON lines');
  h.hop('dockerd', 'registry', `GET /v2/…/manifests/${tag}, then the layer blobs`, 'Docker Engine pulls itself, into /var/lib/docker');
  const res = await delegateImage(shim, 'PullImage', req, call);
  h.docker('GET', `/images/${image}/json`, 'the image ID to return');
  return res;
}

export async function imageStatus(shim: ShimContext, req: ImageReq<'ImageStatus'>, call: CallContext): Promise<ImageRes<'ImageStatus'>> {
  shim.hops.docker('GET', `/images/${req.image?.image ?? ''}/json`, 'present: its ID; 404: absent');
  return delegateImage(shim, 'ImageStatus', req, call);
}

export async function listImages(shim: ShimContext, req: ImageReq<'ListImages'>, call: CallContext): Promise<ImageRes<'ListImages'>> {
  shim.hops.docker('GET', '/images/json');
  return delegateImage(shim, 'ListImages', req, call);
}

export async function removeImage(shim: ShimContext, req: ImageReq<'RemoveImage'>, call: CallContext): Promise<ImageRes<'RemoveImage'>> {
  const image = req.image?.image ?? '';
  shim.hops.docker('GET', `/images/${image}/json`);
  shim.hops.docker('DELETE', `/images/${image}?noprune=false`);
  return delegateImage(shim, 'RemoveImage', req, call);
}

export async function imageFsInfo(shim: ShimContext, req: ImageReq<'ImageFsInfo'>, call: CallContext): Promise<ImageRes<'ImageFsInfo'>> {
  shim.hops.docker('GET', '/info', 'DockerRootDir');
  return delegateImage(shim, 'ImageFsInfo', req, call);
}
