/**
 * The lab's registry: Debian's docker-registry (Docker Distribution 2.8) on 127.0.0.1 with its
 * storage in the lab dir, and a small client for the registry HTTP API V2 that pushes the built
 * images. Every request goes to 127.0.0.1; anything else is refused.
 */
import net from 'node:net';
import { REGISTRY_HOST } from './paths.js';
import type { BuiltImage, Blob } from './oci-image.js';
import { MEDIA_TYPES } from './oci-image.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export function registryConfigYaml(opts: { storageDir: string; port: number }): string {
  return [
    '# written by `crilab lab up`; removed by `crilab lab down`',
    'version: 0.1',
    'log:',
    '  level: info',
    '  fields:',
    '    service: crilab-lab-registry',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(opts.storageDir)}`,
    '  delete:',
    '    enabled: true',
    '  cache:',
    '    blobdescriptor: inmemory',
    'http:',
    `  addr: ${REGISTRY_HOST}:${opts.port}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    '',
  ].join('\n');
}

export function registryBase(port: number): URL {
  return new URL(`http://${REGISTRY_HOST}:${port}`);
}

/** Resolves a URL (possibly relative, e.g. an upload Location) and refuses anything off loopback. */
function loopbackUrl(target: string, port: number): URL {
  const u = new URL(target, registryBase(port));
  if (u.hostname !== REGISTRY_HOST || u.protocol !== 'http:') {
    throw new Error(`refusing to talk to ${u.origin}: the lab registry is only on http://${REGISTRY_HOST}`);
  }
  return u;
}

async function request(port: number, method: string, target: string, init: { headers?: Record<string, string>; body?: Buffer } = {}) {
  const url = loopbackUrl(target, port);
  return fetch(url, {
    method,
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
}

/** True when `GET /v2/` answers 200. */
export async function registryAnswers(port: number): Promise<boolean> {
  try {
    const r = await fetch(loopbackUrl('/v2/', port), { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: REGISTRY_HOST, port });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (ok.includes(res.status)) {
    await res.arrayBuffer();
    return;
  }
  const body = (await res.text()).slice(0, 300);
  throw new Error(`${what}: HTTP ${res.status}${body ? ` ${body.trim()}` : ''}`);
}

async function pushBlob(port: number, repository: string, blob: Blob): Promise<'exists' | 'pushed'> {
  const head = await request(port, 'HEAD', `/v2/${repository}/blobs/${blob.digest}`);
  await head.arrayBuffer();
  if (head.status === 200) return 'exists';
  const start = await request(port, 'POST', `/v2/${repository}/blobs/uploads/`);
  const location = start.headers.get('location');
  await expectStatus(start, [202], `start upload of ${blob.digest} to ${repository}`);
  if (!location) throw new Error(`registry gave no upload location for ${repository}`);
  const put = loopbackUrl(location, port);
  put.searchParams.set('digest', blob.digest);
  const done = await request(port, 'PUT', put.pathname + put.search, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body: blob.data,
  });
  await expectStatus(done, [201], `upload of ${blob.digest} to ${repository}`);
  return 'pushed';
}

export interface PushResult {
  ref: string;
  repository: string;
  tag: string;
  digest: string;
  blobsPushed: number;
  blobsPresent: number;
}

/** Pushes config, layers and the manifest (tagged) of one image to the lab registry. */
export async function pushImage(port: number, built: BuiltImage): Promise<PushResult> {
  const { repository, tag, ref } = built.image;
  let blobsPushed = 0;
  let blobsPresent = 0;
  for (const b of [...built.layers, built.config]) {
    if ((await pushBlob(port, repository, b)) === 'pushed') blobsPushed++;
    else blobsPresent++;
  }
  const res = await request(port, 'PUT', `/v2/${repository}/manifests/${tag}`, {
    headers: { 'content-type': MEDIA_TYPES.manifest },
    body: built.manifest.data,
  });
  const digest = res.headers.get('docker-content-digest') ?? built.manifest.digest;
  await expectStatus(res, [201], `manifest ${repository}:${tag}`);
  if (digest !== built.manifest.digest) {
    throw new Error(`registry stored ${repository}:${tag} as ${digest}, expected ${built.manifest.digest}`);
  }
  return { ref, repository, tag, digest, blobsPushed, blobsPresent };
}

/** The manifest digest the registry holds for repository:tag, or undefined. */
export async function remoteDigest(port: number, repository: string, tag: string): Promise<string | undefined> {
  try {
    const res = await request(port, 'HEAD', `/v2/${repository}/manifests/${tag}`, {
      headers: { accept: `${MEDIA_TYPES.manifest}, ${MEDIA_TYPES.index}` },
    });
    await res.arrayBuffer();
    return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}
