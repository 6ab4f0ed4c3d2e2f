import { status } from '@grpc/grpc-js';
import { abortError, type Clock } from '../../clock/clock.js';
import type { AuthConfig } from '../../cri/generated/runtime/v1/AuthConfig.js';
import { CriError, wrap } from './errors.js';
import type { ImageStore, StoredImage } from './image-store.js';
import { parseDockerRef, pullReferenceError, ReferenceParseError, type ImageReference } from './reference.js';
import { REGISTRY_ROUND_TRIP_MS, type RegistryImage, type SimRegistry } from './sim-registry.js';

/**
 * PullImage in the simulated runtime, as containerd's CRI plugin does it
 * (pkg/cri/server/image_pull.go, v1.6/v1.7): normalise the reference, resolve it at the
 * registry, fetch the manifest, config and layers, unpack the layers into snapshots, create
 * the references (ID, repo tag, repo digest) and answer with `image_ref` = the image ID
 * (the config digest).
 *
 * Time is simulated on the Clock. A pull takes one registry round trip to resolve, then each
 * layer's compressed size at the link speed, then the unpacked size at the disk speed. These
 * are crilab's choices (documented in docs/images.md), typical of a node in a cloud region
 * pulling from a nearby registry: busybox takes about 0.2 s, nginx about 2.5 s.
 *
 * Concurrent pulls of the same reference (with the same credentials) share one pull and get the
 * same answer. containerd itself runs both RPCs, but the second waits on the first's per-blob
 * ingest locks in the content store and unpack duplication suppressor, so both end about
 * together having downloaded the bytes once; crilab shows that as one shared pull.
 */

/** Download speed of the node's link to the registry: crilab's choice, 50 MiB/s. */
export const LINK_BYTES_PER_SECOND = 50 * 1024 * 1024;
/** Unpack (decompress and write the snapshot) speed: crilab's choice, 200 MiB/s. */
export const UNPACK_BYTES_PER_SECOND = 200 * 1024 * 1024;
/** Resolving the reference: one round trip (HEAD of the manifest, token fetch included). */
export const RESOLVE_MS = REGISTRY_ROUND_TRIP_MS;

export type PullPhase = 'resolving' | 'resolved' | 'downloading' | 'downloaded' | 'unpacking' | 'done' | 'failed';

/** One step of a pull, for the trace and the UI. */
export interface PullProgress {
  /** The normalised reference being pulled. */
  ref: string;
  phase: PullPhase;
  /** Layer index (downloading/downloaded). */
  layer?: number;
  layers?: number;
  /** Bytes done so far and in all (downloading phases). */
  bytes?: number;
  totalBytes?: number;
  imageId?: string;
  error?: string;
}

export interface PullDeps {
  clock: Clock;
  registry: SimRegistry;
  store: ImageStore;
}

export interface PullOptions {
  /** The credentials of the PullImageRequest. */
  auth?: AuthConfig;
  /** Aborts this caller's wait (the RPC was cancelled); a shared pull goes on while others wait. */
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
}

export interface PullResult {
  /** What PullImageResponse.image_ref carries: the image ID. */
  imageRef: string;
  image: StoredImage;
  /** The normalised reference. */
  ref: string;
  /** Compressed bytes downloaded. */
  bytes: number;
  /** Simulated time the pull took, from its start (not from when this caller joined). */
  durationMs: number;
  /** This caller joined a pull already under way. */
  shared: boolean;
}

interface InFlight {
  promise: Promise<Omit<PullResult, 'shared'>> | undefined;
  controller: AbortController;
  waiters: number;
  listeners: Set<(p: PullProgress) => void>;
}

/** The pulls of one runtime: the store they fill, the registry they read, the pulls under way. */
export class ImagePuller {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(private readonly deps: PullDeps) {}

  get store(): ImageStore {
    return this.deps.store;
  }

  /** Number of distinct pulls under way. */
  get pullsInFlight(): number {
    return this.inFlight.size;
  }

  /** PullImage. Throws CriError with containerd's message and code. */
  async pull(image: string, opts: PullOptions = {}): Promise<PullResult> {
    if (opts.signal?.aborted) throw abortError();
    const ref = this.parse(image);
    const key = `${ref.ref}\0${authKey(opts.auth)}`;
    let flight = this.inFlight.get(key);
    const shared = flight !== undefined;
    if (!flight) {
      const created: InFlight = { controller: new AbortController(), waiters: 0, listeners: new Set(), promise: undefined };
      this.inFlight.set(key, created);
      flight = created;
    }
    const f = flight;
    f.waiters++;
    if (opts.onProgress) f.listeners.add(opts.onProgress);
    if (!f.promise) {
      // Started after the first caller's listener is in place, so it sees the pull from its first step.
      const emit = (p: PullProgress) => {
        for (const l of f.listeners) l(p);
      };
      f.promise = this.run(ref, opts.auth, f.controller.signal, emit).finally(() => {
        if (this.inFlight.get(key) === f) this.inFlight.delete(key);
      });
      // A pull nobody waits for any more fails quietly.
      f.promise.catch(() => undefined);
    }
    const promise = f.promise;
    try {
      // A caller sharing another's pull waits on the clock that times that pull.
      const result = await this.deps.clock.waitOn(waitFor(promise, opts.signal));
      return { ...result, shared };
    } finally {
      f.waiters--;
      if (opts.onProgress) f.listeners.delete(opts.onProgress);
      if (f.waiters === 0 && opts.signal?.aborted) f.controller.abort();
    }
  }

  /**
   * containerd's `ensureImageExists`: the local image, or a pull of it. Errors read
   * `failed to pull image "<ref>": …` (or `failed to get image "<ref>": …` for a lookup error).
   */
  async ensure(ref: string, opts: PullOptions = {}): Promise<StoredImage> {
    let local: StoredImage | undefined;
    try {
      local = this.deps.store.resolve(ref);
    } catch (err) {
      throw wrap(`failed to get image "${ref}"`, err);
    }
    if (local) return local;
    try {
      return (await this.pull(ref, opts)).image;
    } catch (err) {
      if (isAbort(err)) throw err;
      throw wrap(`failed to pull image "${ref}"`, err);
    }
  }

  /**
   * RunPodSandbox's step "ensure the sandbox image": containerd pulls its `sandbox_image` the
   * first time a pod needs it. A failure reads
   * `failed to get sandbox image "<image>": failed to pull image "<image>": failed to pull and unpack image …`
   * and keeps the pull's code.
   */
  async ensureSandboxImage(opts: PullOptions = {}): Promise<StoredImage> {
    const image = this.deps.store.sandboxImage;
    try {
      return await this.ensure(image, opts);
    } catch (err) {
      if (isAbort(err)) throw err;
      throw wrap(`failed to get sandbox image "${image}"`, err);
    }
  }

  private parse(image: string): ImageReference {
    try {
      return parseDockerRef(image, this.deps.store.dialect);
    } catch (err) {
      if (err instanceof ReferenceParseError) throw new CriError(status.UNKNOWN, pullReferenceError(image, err));
      throw err;
    }
  }

  private async run(
    ref: ImageReference,
    auth: AuthConfig | undefined,
    signal: AbortSignal,
    emit: (p: PullProgress) => void,
  ): Promise<Omit<PullResult, 'shared'>> {
    const { clock, registry, store } = this.deps;
    const started = clock.now();
    const label = `image-pull ${ref.ref}`;
    const failed = (err: CriError): CriError => {
      const full = wrap(`failed to pull and unpack image "${ref.ref}"`, wrap(`failed to resolve reference "${ref.ref}"`, err));
      emit({ ref: ref.ref, phase: 'failed', error: full.message });
      return full;
    };

    emit({ ref: ref.ref, phase: 'resolving' });
    const resolved = registry.resolve(ref, auth);
    if (!resolved.ok) {
      await clock.sleep(resolved.delayMs, signal, label);
      throw failed(resolved.error);
    }
    const image = resolved.image;
    const plan = pullPlan(image, resolved.slow);

    await clock.sleep(plan.resolveMs, signal, label);
    emit({ ref: ref.ref, phase: 'resolved', imageId: image.id, layers: image.definition.layers.length, totalBytes: image.size });

    let done = 0;
    const layers = image.definition.layers;
    for (const [i, bytes] of layers.entries()) {
      emit({ ref: ref.ref, phase: 'downloading', layer: i, layers: layers.length, bytes: done, totalBytes: image.size });
      await clock.sleep(plan.layerMs[i] ?? 0, signal, label);
      done += bytes;
      emit({ ref: ref.ref, phase: 'downloaded', layer: i, layers: layers.length, bytes: done, totalBytes: image.size });
    }

    emit({ ref: ref.ref, phase: 'unpacking', imageId: image.id });
    await clock.sleep(plan.unpackMs, signal, label);

    const stored = store.add(image, ref);
    emit({ ref: ref.ref, phase: 'done', imageId: stored.id, bytes: image.size, totalBytes: image.size });
    return { imageRef: stored.id, image: stored, ref: ref.ref, bytes: image.size, durationMs: clock.now() - started };
  }
}

/** How long each step of a pull takes, in simulated ms. */
export interface PullPlan {
  resolveMs: number;
  layerMs: number[];
  unpackMs: number;
  totalMs: number;
}

/** The durations of a successful pull: resolve, each layer at link speed, unpack at disk speed; `slow` scales them. */
export function pullPlan(image: RegistryImage, slow: { factor: number; durationMs: number | undefined } = { factor: 1, durationMs: undefined }): PullPlan {
  const resolve = RESOLVE_MS;
  const layers = image.definition.layers.map((b) => (b / LINK_BYTES_PER_SECOND) * 1000);
  const unpack = (image.definition.unpackedSize / UNPACK_BYTES_PER_SECOND) * 1000;
  const natural = resolve + layers.reduce((a, b) => a + b, 0) + unpack;
  const scale = slow.durationMs !== undefined ? slow.durationMs / natural : Math.max(0, slow.factor);
  const ms = (x: number) => Math.max(1, Math.round(x * scale));
  const plan = { resolveMs: ms(resolve), layerMs: layers.map(ms), unpackMs: ms(unpack) };
  return { ...plan, totalMs: plan.resolveMs + plan.layerMs.reduce((a, b) => a + b, 0) + plan.unpackMs };
}

function authKey(auth: AuthConfig | undefined): string {
  if (!auth) return '';
  return JSON.stringify([auth.serverAddress ?? '', auth.username ?? '', auth.password ?? '', auth.auth ?? '', auth.identityToken ?? '', auth.registryToken ?? '']);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Wait for a shared promise, giving up (with an AbortError) when this caller's signal aborts. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const defaultPullers = new WeakMap<ImageStore, WeakMap<SimRegistry, ImagePuller>>();

/**
 * PullImage as one function: `pullImage(ref, { clock, registry, store, auth, signal })`. Pulls
 * into the same store from the same registry share one ImagePuller, so concurrent pulls of a
 * reference are deduplicated here too.
 */
export function pullImage(image: string, opts: PullDeps & PullOptions): Promise<PullResult> {
  let byRegistry = defaultPullers.get(opts.store);
  if (!byRegistry) {
    byRegistry = new WeakMap();
    defaultPullers.set(opts.store, byRegistry);
  }
  let puller = byRegistry.get(opts.registry);
  if (!puller) {
    puller = new ImagePuller({ clock: opts.clock, registry: opts.registry, store: opts.store });
    byRegistry.set(opts.registry, puller);
  }
  const { auth, signal, onProgress } = opts;
  return puller.pull(image, { ...(auth ? { auth } : {}), ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
}
