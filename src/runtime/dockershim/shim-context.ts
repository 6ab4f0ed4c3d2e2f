import type { CallContext, ImageServiceHandlers, RuntimeServiceHandlers, StreamingMethod } from '../../cri/types.js';
import { criErrors } from '../../cri/status.js';
import type { HopTracer } from './hops.js';

/** A CRI implementation's handlers: what dockershim stands in front of (here: the SimRuntime's). */
export interface CriHandlers {
  runtime: RuntimeServiceHandlers;
  image: ImageServiceHandlers;
}

type RuntimeFns = Required<Omit<RuntimeServiceHandlers, StreamingMethod>>;
type ImageFns = Required<ImageServiceHandlers>;
export type RuntimeName = keyof RuntimeFns;
export type ImageName = keyof ImageFns;
export type RuntimeReq<K extends RuntimeName> = Parameters<RuntimeFns[K]>[0];
export type RuntimeRes<K extends RuntimeName> = Awaited<ReturnType<RuntimeFns[K]>>;
export type ImageReq<K extends ImageName> = Parameters<ImageFns[K]>[0];
export type ImageRes<K extends ImageName> = Awaited<ReturnType<ImageFns[K]>>;

/** What every translated call needs: where the work is really done, and where hops go. */
export interface ShimContext {
  /**
   * The layers below dockershim (Docker Engine → containerd → runc) are simulated by handing
   * the call to a CRI runtime that does the same work; dockershim's own part is the translation
   * into Docker Engine API calls, which the hops record.
   */
  delegate: CriHandlers;
  hops: HopTracer;
  /** Is Docker Engine up? When it is not, every call fails as dockershim's Docker client did. */
  engineUp: () => boolean;
}

/** What the Docker client said when dockerd's socket did not answer. */
export const dockerDaemonDownMessage = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

export function delegateRuntime<K extends RuntimeName>(shim: ShimContext, name: K, req: RuntimeReq<K>, call: CallContext): Promise<RuntimeRes<K>> {
  const fn = shim.delegate.runtime[name] as ((r: RuntimeReq<K>, c: CallContext) => Promise<RuntimeRes<K>>) | undefined;
  if (!shim.engineUp()) return Promise.reject(criErrors.unknown(dockerDaemonDownMessage));
  if (!fn) return Promise.reject(criErrors.unimplemented(`method ${name} not implemented`));
  return fn(req, call);
}

export function delegateImage<K extends ImageName>(shim: ShimContext, name: K, req: ImageReq<K>, call: CallContext): Promise<ImageRes<K>> {
  const fn = shim.delegate.image[name] as ((r: ImageReq<K>, c: CallContext) => Promise<ImageRes<K>>) | undefined;
  if (!shim.engineUp()) return Promise.reject(criErrors.unknown(dockerDaemonDownMessage));
  if (!fn) return Promise.reject(criErrors.unimplemented(`method ${name} not implemented`));
  return fn(req, call);
}

/** The text of an error from below, without a gRPC prefix. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
