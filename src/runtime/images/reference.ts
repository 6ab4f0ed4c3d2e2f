/**
 * Image references as Docker, containerd's CRI plugin and the kubelet read them.
 *
 * A reference is `[domain[:port]/]path[:tag][@digest]`. "Normalising" it, as containerd does
 * before every pull and every local lookup (`ParseDockerRef`), fills in what a person leaves
 * out: the domain `docker.io`, the `library/` prefix of Docker Hub's official images, and the
 * tag `latest` when there is neither tag nor digest:
 *
 *   busybox                      → docker.io/library/busybox:latest
 *   nginx:1.27                   → docker.io/library/nginx:1.27
 *   foo/bar                      → docker.io/foo/bar:latest
 *   registry.k8s.io/pause:3.6    → registry.k8s.io/pause:3.6
 *   localhost:5000/x             → localhost:5000/x:latest
 *   nginx:1.27@sha256:<64 hex>   → docker.io/library/nginx@sha256:<64 hex>   (the digest wins, the tag is dropped)
 *
 * The grammar and the error texts follow the reference packages containerd vendors (read in
 * containerd v1.6.39 `reference/docker/reference.go` and in v1.7.34
 * `vendor/github.com/distribution/reference/{regexp,reference,normalize}.go`, v0.6.0), written
 * here from their specification. The two differ in small ways a learner can meet, so the
 * dialect is a parameter:
 *
 * - `containerd-1.6`: an uppercase repository gives `invalid reference format: repository name
 *   must be lowercase`; the 255-character limit counts the whole name including the domain;
 *   no IPv6 literal domains.
 * - `containerd-1.7` (also what the modern kubelet uses, github.com/distribution/reference):
 *   the message names the repository, `invalid reference format: repository name
 *   (library/Busybox) must be lowercase`; a first component with an uppercase letter is taken
 *   as a domain; the limit counts the path only; `[::1]:5000/x` is a valid domain.
 */

/** Which reference package's behaviour to follow. */
export type ReferenceDialect = 'containerd-1.6' | 'containerd-1.7';

/** containerd 1.7 is the newest 1.x line; its grammar is also the kubelet's. */
export const DEFAULT_REFERENCE_DIALECT: ReferenceDialect = 'containerd-1.7';

/** Docker Hub's canonical domain (`defaultDomain` in the reference package). */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The old spelling of Docker Hub's domain, rewritten to docker.io (`legacyDefaultDomain`). */
export const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
/** Docker Hub's namespace of official images (`officialRepoPrefix`). */
export const OFFICIAL_REPO_PREFIX = 'library/';
/** The tag a reference without tag or digest gets (`defaultTag`). */
export const DEFAULT_TAG = 'latest';
/** `RepositoryNameTotalLengthMax` / `NameTotalLengthMax`. */
export const NAME_TOTAL_LENGTH_MAX = 255;

// Error texts of the reference package and of go-digest, exactly as they print.
export const ERR_REFERENCE_INVALID_FORMAT = 'invalid reference format';
export const ERR_NAME_CONTAINS_UPPERCASE = 'repository name must be lowercase';
export const ERR_NAME_EMPTY = 'repository name must have at least one component';
export const ERR_NAME_TOO_LONG = `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`;
export const ERR_DIGEST_INVALID_FORMAT = 'invalid checksum digest format';
export const ERR_DIGEST_INVALID_LENGTH = 'invalid checksum digest length';
export const ERR_DIGEST_UNSUPPORTED = 'unsupported digest algorithm';

/** A reference that did not parse; `message` is the upstream text. */
export class ReferenceParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceParseError';
  }
}

/** A parsed, named reference. */
export interface ImageReference {
  /** `docker.io`, `registry.k8s.io`, `localhost:5000`… */
  readonly domain: string;
  /** The repository path inside the registry: `library/nginx`, `pause`. */
  readonly path: string;
  /** `domain/path`: what containerd calls the name, and the key of a repository. */
  readonly name: string;
  readonly tag: string | undefined;
  /** `sha256:<hex>`. */
  readonly digest: string | undefined;
  /** The whole reference: `name[:tag][@digest]`. */
  readonly ref: string;
}

// ---------------------------------------------------------------------------------------------
// Grammar. Each piece is named after the specification's production.

const alphanumeric = '[a-z0-9]+';
// The spec allows `[-]*` between alphanumerics; an empty separator only joins two runs of
// alphanumerics, which `alphanumeric` already matches, so `[-]+` accepts the same names and
// keeps JavaScript's backtracking engine linear on long inputs.
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const optionalPort = '(?::[0-9]+)?';
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';

interface Grammar {
  reference: RegExp;
  anchoredName: RegExp;
}

function grammar(dialect: ReferenceDialect): Grammar {
  const host = dialect === 'containerd-1.6' ? domainName : `(?:${domainName}|${ipv6Address})`;
  const domainAndPort = `${host}${optionalPort}`;
  const name = `(?:${domainAndPort}/)?${remoteName}`;
  return {
    reference: new RegExp(`^(${name})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`),
    anchoredName: new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`),
  };
}

const GRAMMARS: Record<ReferenceDialect, Grammar> = {
  'containerd-1.6': grammar('containerd-1.6'),
  'containerd-1.7': grammar('containerd-1.7'),
};

/** 64 lowercase hex characters: an image ID without its algorithm (`anchoredIdentifierRegexp`). */
const IDENTIFIER = /^[a-f0-9]{64}$/;

// go-digest: the algorithms it can compute and the shape of their hex.
const DIGEST_ALGORITHMS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const DIGEST_LOOSE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Validate a digest as go-digest's `Digest.Validate` does; returns its error text or undefined. */
export function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return ERR_DIGEST_INVALID_FORMAT;
  const algorithm = d.slice(0, i);
  const encoded = d.slice(i + 1);
  const hexLength = DIGEST_ALGORITHMS[algorithm];
  if (hexLength === undefined) return DIGEST_LOOSE.test(d) ? ERR_DIGEST_UNSUPPORTED : ERR_DIGEST_INVALID_FORMAT;
  if (encoded.length !== hexLength) return ERR_DIGEST_INVALID_LENGTH;
  return /^[a-f0-9]+$/.test(encoded) ? undefined : ERR_DIGEST_INVALID_FORMAT;
}

/** Is `s` a valid digest (`sha256:<64 hex>`…), i.e. something containerd takes as an image ID? */
export function isDigest(s: string): boolean {
  return digestError(s) === undefined;
}

function makeReference(domain: string, path: string, tag: string | undefined, digest: string | undefined): ImageReference {
  const name = domain ? `${domain}/${path}` : path;
  const ref = `${name}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return { domain, path, name, tag, digest, ref };
}

/** The reference package's `Parse`: syntax only, no defaults. */
function parseStrict(s: string, dialect: ReferenceDialect): ImageReference {
  const g = GRAMMARS[dialect];
  const m = g.reference.exec(s);
  if (!m) {
    if (s === '') throw new ReferenceParseError(ERR_NAME_EMPTY);
    if (g.reference.test(s.toLowerCase())) throw new ReferenceParseError(ERR_NAME_CONTAINS_UPPERCASE);
    throw new ReferenceParseError(ERR_REFERENCE_INVALID_FORMAT);
  }
  const fullName = m[1] ?? '';
  const nm = g.anchoredName.exec(fullName);
  const domain = nm?.[1] ?? '';
  const path = nm?.[2] ?? fullName;
  const measured = dialect === 'containerd-1.6' ? fullName : path;
  if (measured.length > NAME_TOTAL_LENGTH_MAX) throw new ReferenceParseError(ERR_NAME_TOO_LONG);
  const digest = m[3];
  if (digest !== undefined) {
    const err = digestError(digest);
    if (err) throw new ReferenceParseError(err);
  }
  return makeReference(domain, path, m[2], digest);
}

/** Split a familiar name into (domain, remainder) as `splitDockerDomain` does. */
function splitDockerDomain(name: string, dialect: ReferenceDialect): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  const looksLikeDomain =
    i !== -1 &&
    (/[.:]/.test(first) ||
      first === 'localhost' ||
      // 1.7: `Foo/bar` cannot be a Docker Hub repository, so `Foo` is read as a host.
      (dialect === 'containerd-1.7' && first.toLowerCase() !== first));
  if (looksLikeDomain) {
    domain = first;
    remainder = name.slice(i + 1);
  } else {
    domain = DOCKER_HUB_DOMAIN;
    remainder = name;
  }
  if (domain === LEGACY_DOCKER_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

/**
 * `ParseNormalizedNamed`: read a reference as a person writes it and qualify its name
 * (`busybox` → `docker.io/library/busybox`), keeping tag and digest as given.
 */
export function parseNormalizedNamed(s: string, dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): ImageReference {
  if (IDENTIFIER.test(s)) {
    throw new ReferenceParseError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(s, dialect);
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new ReferenceParseError(
      dialect === 'containerd-1.6'
        ? `${ERR_REFERENCE_INVALID_FORMAT}: ${ERR_NAME_CONTAINS_UPPERCASE}`
        : `${ERR_REFERENCE_INVALID_FORMAT}: repository name (${remote}) must be lowercase`,
    );
  }
  return parseStrict(`${domain}/${remainder}`, dialect);
}

/**
 * `ParseDockerRef`: the normalised form containerd pulls, stores and looks up. A name alone
 * gets `:latest`; a reference with both tag and digest keeps only the digest.
 */
export function parseDockerRef(s: string, dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): ImageReference {
  const named = parseNormalizedNamed(s, dialect);
  if (named.digest !== undefined) return makeReference(named.domain, named.path, undefined, named.digest);
  if (named.tag === undefined) return makeReference(named.domain, named.path, DEFAULT_TAG, undefined);
  return named;
}

/** The normalised string of a reference, or undefined when it does not parse. */
export function normalizeImageRef(s: string, dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT): string | undefined {
  try {
    return parseDockerRef(s, dialect).ref;
  } catch (err) {
    if (err instanceof ReferenceParseError) return undefined;
    throw err;
  }
}

/**
 * `ParseAnyReference`: a bare 64-hex ID or a digest is a digest reference (no name); anything
 * else is read as a named reference. containerd sorts an image's references with it: named and
 * digested → repo digests, named and tagged → repo tags, bare digests (the image ID) → neither.
 */
export function parseAnyReference(
  s: string,
  dialect: ReferenceDialect = DEFAULT_REFERENCE_DIALECT,
): { kind: 'digest'; digest: string } | { kind: 'named'; named: ImageReference } {
  if (IDENTIFIER.test(s)) return { kind: 'digest', digest: `sha256:${s}` };
  if (isDigest(s)) return { kind: 'digest', digest: s };
  return { kind: 'named', named: parseNormalizedNamed(s, dialect) };
}

/** The short form Docker shows: `docker.io/library/nginx:1.27` → `nginx:1.27`. */
export function familiarString(r: ImageReference): string {
  let name = r.name;
  if (r.domain === DOCKER_HUB_DOMAIN) {
    name = r.path;
    const rest = name.startsWith(OFFICIAL_REPO_PREFIX) ? name.slice(OFFICIAL_REPO_PREFIX.length) : undefined;
    if (rest !== undefined && !rest.includes('/')) name = rest;
  }
  return `${name}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// PullImage's reading of a reference.

/**
 * What PullImage does first with the image it is asked for: normalise it, or fail with
 * `failed to parse image reference "<as given>": <reference error>`. The reference errors are
 * not errdefs kinds, so the code is Unknown (containerd v1.6.39/v1.7.34
 * `pkg/cri/server/image_pull.go`).
 */
export function pullReferenceError(given: string, err: ReferenceParseError): string {
  return `failed to parse image reference "${given}": ${err.message}`;
}

// ---------------------------------------------------------------------------------------------
// The kubelet's reading of `container.image`. It lives here because both sides parse the same
// grammar; it depends on nothing of the runtime, so the kubelet may take it as it is.

/** The container waiting reason the kubelet reports for an image that does not parse. */
export const INVALID_IMAGE_NAME = 'InvalidImageName';

/**
 * kubelet `pkg/util/parsers.ParseImageName`: repository to pull, tag (default `latest` when
 * there is neither tag nor digest) and digest. The kubelet links
 * github.com/distribution/reference, i.e. the 1.7 dialect. Throws with the kubelet's words
 * (`couldn't parse image name "<image>": <reference error>`; kubelets before ~1.28 printed
 * `couldn't parse image name: <reference error>`).
 */
export function kubeletParseImageName(image: string): { repoToPull: string; tag: string; digest: string } {
  let named: ImageReference;
  try {
    named = parseNormalizedNamed(image, 'containerd-1.7');
  } catch (err) {
    if (err instanceof ReferenceParseError) {
      throw new ReferenceParseError(`couldn't parse image name "${image}": ${err.message}`);
    }
    throw err;
  }
  const digest = named.digest ?? '';
  const tag = named.tag ?? (digest === '' ? DEFAULT_TAG : '');
  return { repoToPull: named.name, tag, digest };
}

/**
 * kubelet `applyDefaultImageTag` (pkg/kubelet/images/image_manager.go): append `:latest` to an
 * image with neither tag nor digest, WITHOUT qualifying its name, so the CRI sees `busybox:latest`,
 * not `docker.io/library/busybox:latest`. On a parse error the kubelet gives up on the container
 * with reason `InvalidImageName` and the message
 * `Failed to apply default image tag "<image>": couldn't parse image name "<image>": <error>`.
 */
export function kubeletApplyDefaultImageTag(
  image: string,
): { ok: true; image: string } | { ok: false; reason: typeof INVALID_IMAGE_NAME; message: string } {
  try {
    const { tag, digest } = kubeletParseImageName(image);
    if (digest === '' && tag !== '' && !image.endsWith(`:${tag}`)) return { ok: true, image: `${image}:${tag}` };
    return { ok: true, image };
  } catch (err) {
    if (!(err instanceof ReferenceParseError)) throw err;
    return { ok: false, reason: INVALID_IMAGE_NAME, message: `Failed to apply default image tag "${image}": ${err.message}` };
  }
}
