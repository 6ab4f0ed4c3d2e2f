import { status } from '@grpc/grpc-js';
import type { Image } from '../../cri/generated/runtime/v1/Image.js';
import type { ImageFsInfoResponse } from '../../cri/generated/runtime/v1/ImageFsInfoResponse.js';
import type { LocalImage } from '../runtime-context.js';
import { CriError, ERR_DIGEST_AMBIGUOUS_TEXT, ERR_NOT_FOUND_TEXT } from './errors.js';
import { criUserOf, envRecord, type ImageConfig, type ImageFile } from './image-config.js';
import {
  DEFAULT_REFERENCE_DIALECT,
  digestError,
  ERR_DIGEST_INVALID_FORMAT,
  parseAnyReference,
  parseDockerRef,
  ReferenceParseError,
  type ImageReference,
  type ReferenceDialect,
} from './reference.js';
import type { RegistryImage } from './sim-registry.js';

/**
 * The runtime's local images: what ListImages, ImageStatus, RemoveImage and ImageFsInfo see,
 * and what CreateContainer takes its image from. It keeps containerd's CRI image store model
 * (pkg/cri/store/image/image.go and pkg/cri/server/image_*.go in v1.6.39/v1.7.34):
 *
 * - An image is known by its ID, the config digest (`sha256:…`). Names point at it:
 *   a pull of `nginx:1.27` creates three references, the ID itself, the repo tag
 *   `docker.io/library/nginx:1.27` and the repo digest `docker.io/library/nginx@sha256:<manifest>`.
 * - A reference points at one image. Pulling a tag that now names another image moves the
 *   reference; the old image keeps its other references (at least its ID) and shows up with no
 *   tag, as `<none>` in crictl.
 * - Lookup (`localResolve`): a valid digest is an ID; otherwise the string is normalised and
 *   looked up as a reference; failing that it is tried as an ID prefix (with or without
 *   `sha256:`), unique prefixes only (go-digest's digestset).
 * - ImageStatus of an absent image is an empty answer, not an error; RemoveImage of an absent
 *   image succeeds; RemoveImage removes every reference of the image it resolves to, so the
 *   image is gone whichever name was used.
 * - The sandbox image is pinned: the reference equal to containerd's `sandbox_image` carries
 *   the pinned label, and an image is pinned while such a reference points at it.
 */

export interface StoredImage {
  /** The config digest. */
  id: string;
  /** Every reference to it, sorted as containerd sorts them (tags, then digests, then the ID). */
  references: string[];
  /** Compressed bytes (ListImages `size`). */
  size: number;
  unpackedSize: number;
  inodes: number;
  config: ImageConfig;
  files: Record<string, ImageFile>;
  pinned: boolean;
}

/** containerd's default image filesystem (`<root>/io.containerd.snapshotter.v1.overlayfs`). */
export const DEFAULT_IMAGE_FS_MOUNTPOINT = '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs';

/** containerd 1.6's `sandbox_image` default (1.7: registry.k8s.io/pause:3.8). */
export const DEFAULT_SANDBOX_IMAGE = 'registry.k8s.io/pause:3.6';

export interface ImageStoreOptions {
  /** containerd's `sandbox_image`: the image the store pins. */
  sandboxImage?: string;
  dialect?: ReferenceDialect;
  imageFsMountpoint?: string;
}

interface Entry {
  id: string;
  refs: Set<string>;
  pinnedRefs: Set<string>;
  size: number;
  unpackedSize: number;
  inodes: number;
  config: ImageConfig;
  files: Record<string, ImageFile>;
}

type Lookup = { kind: 'found'; entry: Entry } | { kind: 'absent' } | { kind: 'ambiguous' };

export class ImageStore {
  private rev = 0;
  readonly sandboxImage: string;
  readonly dialect: ReferenceDialect;
  readonly imageFsMountpoint: string;
  private readonly sandboxRef: string | undefined;
  private readonly images = new Map<string, Entry>();
  /** reference → image ID (containerd's refCache). */
  private readonly refs = new Map<string, string>();

  constructor(opts: ImageStoreOptions = {}) {
    this.sandboxImage = opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE;
    this.dialect = opts.dialect ?? DEFAULT_REFERENCE_DIALECT;
    this.imageFsMountpoint = opts.imageFsMountpoint ?? DEFAULT_IMAGE_FS_MOUNTPOINT;
    this.sandboxRef = this.normalize(this.sandboxImage);
  }

  /**
   * Record a pulled image under the references PullImage creates: the ID, the repo tag (for a
   * tagged pull) and the repo digest. Returns the stored image.
   */
  add(pulled: RegistryImage, asked: ImageReference): StoredImage {
    this.rev++;
    const repoTag = asked.digest === undefined && asked.tag !== undefined ? asked.ref : undefined;
    const repoDigest = `${asked.name}@${asked.digest ?? pulled.repoDigest}`;
    const wanted = [pulled.id, repoTag, repoDigest].filter((r): r is string => r !== undefined);
    let entry = this.images.get(pulled.id);
    if (!entry) {
      entry = {
        id: pulled.id,
        refs: new Set(),
        pinnedRefs: new Set(),
        size: pulled.size,
        unpackedSize: pulled.definition.unpackedSize,
        inodes: pulled.definition.inodes,
        config: structuredClone(pulled.definition.config),
        files: structuredClone(pulled.definition.files),
      };
      this.images.set(pulled.id, entry);
    }
    for (const ref of wanted) {
      const old = this.refs.get(ref);
      if (old !== undefined && old !== pulled.id) this.dropRef(old, ref);
      this.refs.set(ref, pulled.id);
      entry.refs.add(ref);
      if (ref === this.sandboxRef) entry.pinnedRefs.add(ref);
    }
    return this.view(entry);
  }

  /**
   * containerd's `localResolve`. Returns undefined for an absent image; throws the digestset's
   * `ambiguous digest string` (code Unknown) when an ID prefix matches several images.
   */
  resolve(refOrId: string): StoredImage | undefined {
    const found = this.lookup(refOrId);
    if (found.kind === 'ambiguous') throw new CriError(status.UNKNOWN, ERR_DIGEST_AMBIGUOUS_TEXT);
    return found.kind === 'found' ? this.view(found.entry) : undefined;
  }

  /** ImageStatus: the CRI image, or undefined (an empty response) when absent. */
  status(refOrId: string): Image | undefined {
    const found = this.lookup(refOrId);
    if (found.kind === 'ambiguous') throw new CriError(status.UNKNOWN, `can not resolve "${refOrId}" locally: ${ERR_DIGEST_AMBIGUOUS_TEXT}`);
    return found.kind === 'found' ? toCriImage(this.view(found.entry), this.dialect) : undefined;
  }

  /** ListImages (containerd ignores the filter). Sorted by ID so that listings are stable. */
  list(): Image[] {
    return [...this.images.values()].sort((a, b) => a.id.localeCompare(b.id)).map((e) => toCriImage(this.view(e), this.dialect));
  }

  /** Every stored image (for the UI and the runtime). */
  all(): StoredImage[] {
    return [...this.images.values()].sort((a, b) => a.id.localeCompare(b.id)).map((e) => this.view(e));
  }

  /** RemoveImage: absent → success; otherwise every reference of the resolved image goes, and with them the image. */
  remove(refOrId: string): void {
    const found = this.lookup(refOrId);
    if (found.kind === 'ambiguous') throw new CriError(status.UNKNOWN, `can not resolve "${refOrId}" locally: ${ERR_DIGEST_AMBIGUOUS_TEXT}`);
    if (found.kind === 'absent') return;
    for (const ref of [...found.entry.refs]) this.dropRef(found.entry.id, ref);
  }

  /**
   * CreateContainer's lookup: the image must be local (no implicit pull). Absent →
   * `failed to resolve image "<ref>": not found` (NotFound), as container_create.go wraps it.
   */
  resolveForCreate(ref: string): StoredImage {
    const found = this.lookup(ref);
    if (found.kind === 'found') return this.view(found.entry);
    if (found.kind === 'ambiguous') throw new CriError(status.UNKNOWN, `failed to resolve image "${ref}": ${ERR_DIGEST_AMBIGUOUS_TEXT}`);
    throw new CriError(status.NOT_FOUND, `failed to resolve image "${ref}": ${ERR_NOT_FOUND_TEXT}`);
  }

  /**
   * ImageFsInfo: one image filesystem whose use is the unpacked images (containerd sums its
   * snapshots; containers' writable layers are not counted here).
   */
  fsInfo(nowNanos: bigint): ImageFsInfoResponse {
    let used = 0;
    let inodes = 0;
    for (const e of this.images.values()) {
      used += e.unpackedSize;
      inodes += e.inodes;
    }
    return {
      imageFilesystems: [
        {
          timestamp: nowNanos.toString(),
          fsId: { mountpoint: this.imageFsMountpoint },
          usedBytes: { value: String(used) },
          inodesUsed: { value: String(inodes) },
        },
      ],
      containerFilesystems: [],
    };
  }

  get count(): number {
    return this.images.size;
  }

  private normalize(ref: string): string | undefined {
    try {
      return parseDockerRef(ref, this.dialect).ref;
    } catch (err) {
      if (err instanceof ReferenceParseError) return undefined;
      throw err;
    }
  }

  private lookup(refOrId: string): Lookup {
    // 1. A valid digest is an image ID.
    let id: string | undefined = digestError(refOrId) === undefined ? refOrId : undefined;
    // 2. Otherwise a reference, normalised.
    if (id === undefined) {
      const normalized = this.normalize(refOrId);
      if (normalized !== undefined) id = this.refs.get(normalized);
    }
    // 3. Otherwise (or not found as a reference) try the string itself as an ID or ID prefix.
    return this.byIdPrefix(id ?? refOrId);
  }

  /** go-digest digestset `Lookup`: exact ID, or a unique prefix of the hex (with or without the algorithm). */
  private byIdPrefix(s: string): Lookup {
    if (this.images.size === 0) return { kind: 'absent' };
    let alg = '';
    let hex = s;
    // Only a string go-digest cannot read as `alg:hex` at all is a bare hex prefix; a digest
    // that is merely too short (`sha256:abc`) is split and matched by algorithm and prefix.
    if (digestError(s) !== ERR_DIGEST_INVALID_FORMAT) {
      const i = s.indexOf(':');
      alg = s.slice(0, i);
      hex = s.slice(i + 1);
    }
    const matches = [...this.images.keys()].filter((id) => {
      const [a, h] = id.split(':') as [string, string];
      return (alg === '' || a === alg) && h.startsWith(hex);
    });
    const exact = matches.find((id) => id === `${alg || 'sha256'}:${hex}`);
    if (exact) return { kind: 'found', entry: this.images.get(exact) as Entry };
    if (matches.length === 1) return { kind: 'found', entry: this.images.get(matches[0] as string) as Entry };
    return matches.length === 0 ? { kind: 'absent' } : { kind: 'ambiguous' };
  }

  /** Changes with every add or removal of a reference: lets callers cache lookups safely. */
  get revision(): number {
    return this.rev;
  }

  private dropRef(id: string, ref: string): void {
    this.rev++;
    const entry = this.images.get(id);
    this.refs.delete(ref);
    if (!entry) return;
    entry.refs.delete(ref);
    entry.pinnedRefs.delete(ref);
    if (entry.refs.size === 0) this.images.delete(id);
  }

  private view(e: Entry): StoredImage {
    return {
      id: e.id,
      references: sortReferences([...e.refs], this.dialect),
      size: e.size,
      unpackedSize: e.unpackedSize,
      inodes: e.inodes,
      config: e.config,
      files: e.files,
      pinned: e.pinnedRefs.size > 0,
    };
  }
}

/** distribution/reference `Sort`: tag+digest, tagged, digested, name only, bare digest; then by text. */
export function sortReferences(refs: string[], dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): string[] {
  const rank = (r: string): number => {
    try {
      const any = parseAnyReference(r, dialect);
      if (any.kind === 'digest') return 5;
      const n = any.named;
      if (n.tag !== undefined) return n.digest !== undefined ? 1 : 2;
      return n.digest !== undefined ? 3 : 4;
    } catch {
      return 6;
    }
  };
  return [...refs].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** containerd `toCRIImage`: repo tags and digests from the references, user from the config. */
export function toCriImage(image: StoredImage, dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): Image {
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const ref of image.references) {
    let any: ReturnType<typeof parseAnyReference>;
    try {
      any = parseAnyReference(ref, dialect);
    } catch {
      continue;
    }
    if (any.kind !== 'named') continue;
    if (any.named.digest !== undefined) repoDigests.push(any.named.ref);
    else if (any.named.tag !== undefined) repoTags.push(any.named.ref);
  }
  const { uid, username } = criUserOf(image.config.user);
  return {
    id: image.id,
    repoTags,
    repoDigests,
    size: String(image.size),
    ...(uid !== undefined ? { uid: { value: uid.toString() } } : {}),
    username,
    pinned: image.pinned,
  };
}

/** The image as the runtime's handlers take it (RuntimeImages.resolveLocal in runtime-context.ts). */
export function toLocalImage(image: StoredImage, dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): LocalImage {
  const cri = toCriImage(image, dialect);
  return {
    id: image.id,
    repoTag: cri.repoTags?.[0] ?? '',
    repoDigest: cri.repoDigests?.[0] ?? '',
    entrypoint: [...image.config.entrypoint],
    cmd: [...image.config.cmd],
    env: envRecord(image.config.env),
    workingDir: image.config.workingDir,
    user: image.config.user,
    stopSignal: image.config.stopSignal,
    files: { ...image.files },
  };
}
