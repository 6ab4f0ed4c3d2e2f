import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { AuthConfig } from '../../cri/generated/runtime/v1/AuthConfig.js';
import { CriError } from './errors.js';
import type { ImageConfig } from './image-config.js';
import { DEFAULT_REFERENCE_DIALECT, parseNormalizedNamed, type ImageReference, type ReferenceDialect } from './reference.js';
import { findWellKnown, genericDefinition, MANIFEST_AND_CONFIG_BYTES, type ImageDefinition } from './well-known.js';

/**
 * A simulated container registry (Docker Hub, registry.k8s.io, a private registry…) as
 * containerd's resolver meets it. Every well-formed reference exists unless a scenario says
 * otherwise, with a digest, a size and a config that depend only on (seed, normalised
 * reference): sha256 over those, with node:crypto. So two registries with the same seed serve
 * the same digests whatever order images are pulled in, and a recording replays the same IDs.
 *
 * A scenario changes the registry with behaviours, set for the whole registry (`*`), a host
 * (`docker.io`, `localhost:5000`), a repository (`nginx`, `registry.k8s.io/pause`) or one
 * reference (`nginx:1.27`); the most specific setting wins for each field:
 *
 * | behaviour | what containerd 1.6/1.7 reports (after `failed to resolve reference "<ref>": `) | code |
 * |---|---|---|
 * | `missing` | `<ref>: not found` | NotFound |
 * | `private` (no or other credentials) | `pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` | Unknown |
 * | `private` with wrong credentials | `failed to authorize: failed to fetch oauth token: unexpected status from GET request to <realm>?scope=…&service=…: 401 Unauthorized` | Unknown |
 * | `down` (dns) | `failed to do request: Head "<url>": dial tcp: lookup <host>: no such host` | Unknown |
 * | `down` (refused) | `failed to do request: Head "<url>": dial tcp <addr>: connect: connection refused` | Unknown |
 * | `down` (timeout) | `failed to do request: Head "<url>": dial tcp <addr>: i/o timeout` (after the 30 s dial timeout) | Unknown |
 * | `flaky: n` | `unexpected status from HEAD request to <url>: 503 Service Unavailable`, n times | Unknown |
 * | `slow` | no error: the pull takes `factor` × longer, or `durationMs` in all | — |
 *
 * Sources (containerd v1.6.39 and v1.7.34): remotes/docker/resolver.go (`%s: %w` with
 * errdefs.ErrNotFound; "pull access denied…: %w"; "failed to do request: %w"),
 * remotes/docker/authorizer.go ("server message: %s: %w" with ErrInvalidAuthorization =
 * "authorization failed"; "failed to fetch oauth token: %w"), remotes/errors/errors.go
 * ("unexpected status from %s request to %s: %s"), pkg/cri/server/image_pull.go (dial timeout
 * 30 s in newTransport; http for localhost, https otherwise; docker.io served by
 * registry-1.docker.io), errdefs.ToGRPC (only errdefs kinds get a code other than Unknown).
 * Docker Hub answers a repository that does not exist with the `pull access denied` text (it
 * cannot tell "absent" from "private"), and only a missing tag of an existing repository with
 * `not found`; use `private` to reproduce the first and `missing` for the second.
 */

/** How a host that is down fails: name lookup, refused connection, or no answer at all. */
export type DownMode = 'dns' | 'refused' | 'timeout';

export interface RegistryBehaviour {
  /** The registry answers 404 for the manifest. */
  missing?: boolean;
  /** The repository needs credentials: `true` accepts any, an object only these. */
  private?: boolean | { username: string; password: string };
  /** Pulls take `factor` times longer, or `durationMs` in all. */
  slow?: { factor?: number; durationMs?: number };
  /** The registry host cannot be reached. `address` is the ip:port shown for refused/timeout. */
  down?: boolean | { how?: DownMode; address?: string };
  /** Fail this many of the next pulls (with a 503), then work. */
  flaky?: number;
}

/** A scenario's own content for an image: its config and files, its size. */
export interface ImageOverride {
  config?: Partial<ImageConfig>;
  files?: ImageDefinition['files'];
  /** Compressed size in bytes. */
  size?: number;
}

/** What the registry serves for one reference. */
export interface RegistryImage {
  /** The normalised reference asked for. */
  ref: ImageReference;
  /** The manifest (or index) digest: `<name>@<repoDigest>` is the image's repo digest. */
  repoDigest: string;
  /** The config digest: the image ID. */
  id: string;
  definition: ImageDefinition;
  /** Bytes a pull downloads (layers, manifest and config): what ListImages reports as size. */
  size: number;
}

export type ResolveResult =
  | { ok: true; image: RegistryImage; slow: { factor: number; durationMs: number | undefined } }
  | { ok: false; error: CriError; delayMs: number };

// Time a failing resolve takes before it fails. A successful resolve's time is the pull's (pull.ts).
/** One round trip to a registry (HEAD of the manifest, with a token fetch): a typical figure. */
export const REGISTRY_ROUND_TRIP_MS = 150;
/** A name lookup that fails: typical. */
export const DNS_FAILURE_MS = 20;
/** A refused connection on the same network: typical. */
export const CONNECTION_REFUSED_MS = 2;
/** net.Dialer Timeout in containerd's CRI registry transport (`newTransport`, image_pull.go). */
export const DIAL_TIMEOUT_MS = 30_000;
/**
 * Address shown when a named host refuses connections and the scenario gave none: an address
 * of TEST-NET-3 (RFC 5737), which belongs to no real host.
 */
export const DOCUMENTATION_ADDRESS = '203.0.113.10';

/** The host containerd contacts for a registry domain (`docker.DefaultHost`: docker.io → registry-1.docker.io). */
export function apiHostOf(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

/** localhost, 127.0.0.0/8 or ::1, with or without a port (`docker.MatchLocalhost`): served over plain http. */
export function isLocalhost(domain: string): boolean {
  if (domain === '::1' || domain === '[::1]') return true;
  let host = domain;
  const v6 = /^\[(.*)\](?::\d+)?$/.exec(domain);
  if (v6) host = v6[1] ?? '';
  else if (domain.includes(':')) host = domain.slice(0, domain.lastIndexOf(':'));
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The URL containerd's resolver sends its first HEAD to. */
export function manifestUrl(ref: ImageReference): string {
  const scheme = isLocalhost(ref.domain) ? 'http' : 'https';
  return `${scheme}://${apiHostOf(ref.domain)}/v2/${ref.path}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
}

function hostAndPort(domain: string): { host: string; port: string | undefined } {
  const v6 = /^(\[.*\])(?::(\d+))?$/.exec(domain);
  if (v6) return { host: v6[1] ?? '', port: v6[2] };
  const i = domain.lastIndexOf(':');
  return i === -1 ? { host: domain, port: undefined } : { host: domain.slice(0, i), port: domain.slice(i + 1) };
}

/** Where an http client dials for a registry domain, as Go prints it (`ip:port`). */
function dialAddress(domain: string, given: string | undefined): string {
  const { host, port } = hostAndPort(apiHostOf(domain));
  const p = port ?? (isLocalhost(domain) ? '80' : '443');
  if (given) return given.includes(':') && !given.startsWith('[') ? given : `${given}:${p}`;
  if (host === 'localhost') return `127.0.0.1:${p}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) return `${host}:${p}`;
  return `${DOCUMENTATION_ADDRESS}:${p}`;
}

/** The token endpoint a registry names in its challenge (Docker Hub's is known; others are assumed at /token). */
function tokenRealm(ref: ImageReference): { realm: string; service: string } {
  if (ref.domain === 'docker.io') return { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' };
  const scheme = isLocalhost(ref.domain) ? 'http' : 'https';
  return { realm: `${scheme}://${ref.domain}/token`, service: ref.domain };
}

/** Credentials containerd would send to this registry (`ParseAuth`: a server_address for another host sends none). */
export function credentialsFor(auth: AuthConfig | undefined, domain: string): { username: string; secret: string } | undefined {
  if (!auth) return undefined;
  if (auth.serverAddress) {
    let host: string;
    try {
      host = new URL(auth.serverAddress).host;
    } catch {
      return undefined;
    }
    if (host !== apiHostOf(domain) && host !== domain) return undefined;
  }
  if (auth.username) return { username: auth.username, secret: auth.password ?? '' };
  if (auth.identityToken) return { username: '', secret: auth.identityToken };
  if (auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i === -1) return undefined;
    return { username: decoded.slice(0, i), secret: decoded.slice(i + 1).replace(/\0+$/, '') };
  }
  return undefined;
}

type ScopeKind = 'all' | 'host' | 'repository' | 'reference';

interface Scope {
  kind: ScopeKind;
  key: string;
}

const SCOPE_RANK: Record<ScopeKind, number> = { all: 0, host: 1, repository: 2, reference: 3 };

export interface SimRegistryOptions {
  /** Seed of every derived digest and size; registries with the same seed serve the same images. */
  seed?: number | string;
  dialect?: ReferenceDialect;
}

export class SimRegistry {
  readonly seed: string;
  readonly dialect: ReferenceDialect;
  private readonly behaviours = new Map<string, { scope: Scope; behaviour: RegistryBehaviour }>();
  private readonly flakyLeft = new Map<string, number>();
  private readonly overrides = new Map<string, { scope: Scope; override: ImageOverride }>();
  private readonly generations = new Map<string, number>();
  /** manifest digest → image, for references by digest to something served by tag. */
  private readonly servedByDigest = new Map<string, RegistryImage>();

  constructor(opts: SimRegistryOptions = {}) {
    this.seed = String(opts.seed ?? 1);
    this.dialect = opts.dialect ?? DEFAULT_REFERENCE_DIALECT;
  }

  /**
   * Read a scope: `*`; a host (`docker.io`, `quay.io`, `localhost:5000`, anything with a dot or
   * port and no slash); a repository (`nginx` → docker.io/library/nginx); or a reference with a
   * tag or digest (`nginx:1.27`, normalised the same way).
   */
  parseScope(scope: string): Scope {
    if (scope === '*') return { kind: 'all', key: '*' };
    if (!scope.includes('/') && (/[.]/.test(scope.split(':')[0] ?? '') || scope.startsWith('localhost') || scope.startsWith('['))) {
      return { kind: 'host', key: scope === 'index.docker.io' ? 'docker.io' : scope };
    }
    const named = parseNormalizedNamed(scope, this.dialect);
    if (named.tag === undefined && named.digest === undefined) return { kind: 'repository', key: named.name };
    // A tag and a digest: the digest decides, as in ParseDockerRef.
    const key = named.digest !== undefined ? `${named.name}@${named.digest}` : named.ref;
    return { kind: 'reference', key };
  }

  /** Set (merge) behaviours for a scope. */
  set(scope: string, behaviour: RegistryBehaviour): void {
    const s = this.parseScope(scope);
    const id = `${s.kind}:${s.key}`;
    const merged = { ...(this.behaviours.get(id)?.behaviour ?? {}), ...behaviour };
    this.behaviours.set(id, { scope: s, behaviour: merged });
    if (behaviour.flaky !== undefined) this.flakyLeft.set(id, behaviour.flaky);
  }

  /** Forget the behaviours of one scope, or of all. */
  clear(scope?: string): void {
    if (scope === undefined) {
      this.behaviours.clear();
      this.flakyLeft.clear();
      return;
    }
    const s = this.parseScope(scope);
    this.behaviours.delete(`${s.kind}:${s.key}`);
    this.flakyLeft.delete(`${s.kind}:${s.key}`);
  }

  /** Give a repository or a reference content of the scenario's own (config, files, size). */
  define(scope: string, override: ImageOverride): void {
    const s = this.parseScope(scope);
    if (s.kind !== 'repository' && s.kind !== 'reference') throw new Error(`define needs a repository or reference, got "${scope}"`);
    this.overrides.set(`${s.kind}:${s.key}`, { scope: s, override });
  }

  /** Publish a new image under a tag (`docker push` of a rebuilt image): new digests from now on. */
  bump(reference: string): void {
    const s = this.parseScope(reference);
    if (s.kind !== 'reference') throw new Error(`bump needs a tagged reference, got "${reference}"`);
    this.generations.set(s.key, (this.generations.get(s.key) ?? 0) + 1);
  }

  /** The merged behaviour for a normalised reference, most specific scope winning per field. */
  behaviourFor(ref: ImageReference): RegistryBehaviour {
    const merged: RegistryBehaviour = {};
    for (const { behaviour } of this.matching(this.behaviours, ref)) Object.assign(merged, behaviour);
    return merged;
  }

  /** Which image a reference names now, without any behaviour (no failure, no time). */
  lookup(ref: ImageReference): RegistryImage {
    const exactKey = ref.digest !== undefined ? `${ref.name}@${ref.digest}` : ref.ref;
    if (ref.digest !== undefined) {
      const served = this.servedByDigest.get(exactKey);
      if (served) return { ...served, ref };
    }
    const generation = this.generations.get(exactKey) ?? 0;
    const wellKnown = findWellKnown(ref);
    let definition: ImageDefinition;
    const derive = (purpose: string) => this.hash(purpose, exactKey, generation);
    if (wellKnown) {
      definition = wellKnown.definition;
    } else {
      const h = derive('size');
      // 1–90 MB compressed in 1–5 layers: the range of most application images.
      const size = 1_000_000 + (h.readUInt32BE(0) % 89_000_000);
      definition = genericDefinition(size, 1 + (h.readUInt8(4) % 5));
    }
    definition = this.applyOverrides(definition, ref);
    const keepVerified = generation === 0 && wellKnown !== undefined;
    const repoDigest = ref.digest ?? (keepVerified && definition.repoDigest ? definition.repoDigest : `sha256:${derive('manifest').toString('hex')}`);
    const id = keepVerified && definition.id ? definition.id : `sha256:${derive('config').toString('hex')}`;
    const size = definition.layers.reduce((a, b) => a + b, 0) + MANIFEST_AND_CONFIG_BYTES;
    const image: RegistryImage = { ref, repoDigest, id, definition, size };
    if (ref.digest === undefined) this.servedByDigest.set(`${ref.name}@${repoDigest}`, image);
    return image;
  }

  /**
   * Resolve a normalised reference as containerd's resolver would, given the credentials the
   * pull carries. Consumes one `flaky` failure when it fails that way.
   */
  resolve(ref: ImageReference, auth?: AuthConfig): ResolveResult {
    const b = this.behaviourFor(ref);
    const url = manifestUrl(ref);

    if (b.down) {
      const how: DownMode = typeof b.down === 'object' && b.down.how ? b.down.how : this.defaultDownMode(ref.domain);
      const address = typeof b.down === 'object' ? b.down.address : undefined;
      const host = hostAndPort(apiHostOf(ref.domain)).host;
      if (how === 'dns') return this.fail(`failed to do request: Head "${url}": dial tcp: lookup ${host}: no such host`, DNS_FAILURE_MS);
      const addr = dialAddress(ref.domain, address);
      if (how === 'refused') {
        return this.fail(`failed to do request: Head "${url}": dial tcp ${addr}: connect: connection refused`, CONNECTION_REFUSED_MS);
      }
      return this.fail(`failed to do request: Head "${url}": dial tcp ${addr}: i/o timeout`, DIAL_TIMEOUT_MS);
    }

    const flakyId = this.flakyScopeFor(ref);
    if (flakyId !== undefined) {
      this.flakyLeft.set(flakyId, (this.flakyLeft.get(flakyId) ?? 1) - 1);
      return this.fail(`unexpected status from HEAD request to ${url}: 503 Service Unavailable`, REGISTRY_ROUND_TRIP_MS);
    }

    if (b.private) {
      const creds = credentialsFor(auth, ref.domain);
      if (!creds) {
        return this.fail(
          'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
          REGISTRY_ROUND_TRIP_MS,
        );
      }
      const wanted = typeof b.private === 'object' ? b.private : undefined;
      if (wanted && (creds.username !== wanted.username || creds.secret !== wanted.password)) {
        const { realm, service } = tokenRealm(ref);
        const scope = encodeURIComponent(`repository:${ref.path}:pull`);
        return this.fail(
          `failed to authorize: failed to fetch oauth token: unexpected status from GET request to ${realm}?scope=${scope}&service=${encodeURIComponent(service)}: 401 Unauthorized`,
          2 * REGISTRY_ROUND_TRIP_MS,
        );
      }
    }

    if (b.missing) {
      // errdefs.ErrNotFound wrapped as "<ref>: not found": the one pull failure that maps to NotFound.
      const shown = ref.digest !== undefined ? `${ref.name}@${ref.digest}` : ref.ref;
      return { ok: false, error: new CriError(status.NOT_FOUND, `${shown}: not found`), delayMs: REGISTRY_ROUND_TRIP_MS };
    }

    return {
      ok: true,
      image: this.lookup(ref),
      slow: { factor: b.slow?.factor ?? 1, durationMs: b.slow?.durationMs },
    };
  }

  private defaultDownMode(domain: string): DownMode {
    const { host } = hostAndPort(apiHostOf(domain));
    // A name fails at lookup; an address (or localhost) refuses the connection.
    return host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[') ? 'refused' : 'dns';
  }

  private fail(message: string, delayMs: number): ResolveResult {
    return { ok: false, error: new CriError(status.UNKNOWN, message), delayMs };
  }

  private flakyScopeFor(ref: ImageReference): string | undefined {
    let best: { id: string; rank: number } | undefined;
    for (const [id, left] of this.flakyLeft) {
      if (left <= 0) continue;
      const entry = this.behaviours.get(id);
      if (!entry || !this.scopeMatches(entry.scope, ref)) continue;
      const rank = SCOPE_RANK[entry.scope.kind];
      if (!best || rank > best.rank) best = { id, rank };
    }
    return best?.id;
  }

  private matching<T extends { scope: Scope }>(map: Map<string, T>, ref: ImageReference): T[] {
    return [...map.values()]
      .filter((e) => this.scopeMatches(e.scope, ref))
      .sort((a, b) => SCOPE_RANK[a.scope.kind] - SCOPE_RANK[b.scope.kind]);
  }

  private scopeMatches(scope: Scope, ref: ImageReference): boolean {
    switch (scope.kind) {
      case 'all':
        return true;
      case 'host':
        return scope.key === ref.domain;
      case 'repository':
        return scope.key === ref.name;
      case 'reference':
        return scope.key === (ref.digest !== undefined ? `${ref.name}@${ref.digest}` : ref.ref);
    }
  }

  private applyOverrides(definition: ImageDefinition, ref: ImageReference): ImageDefinition {
    let d = definition;
    for (const { override } of this.matching(this.overrides, ref)) {
      const size = override.size;
      d = {
        ...d,
        config: { ...d.config, ...(override.config ?? {}) },
        files: override.files ? { ...d.files, ...override.files } : d.files,
        ...(size !== undefined
          ? { layers: genericDefinition(size, d.layers.length).layers, unpackedSize: Math.round(size * 2.5) }
          : {}),
      };
      // The scenario's content is its own image: the verified digests of the original no longer apply.
      delete d.id;
      delete d.repoDigest;
    }
    return d;
  }

  private hash(purpose: string, key: string, generation: number): Buffer {
    return createHash('sha256').update(`${this.seed}\0${purpose}\0${key}\0${generation}`).digest();
  }
}
