/**
 * Builds OCI images offline from a static busybox: one reproducible gzip layer (sorted entries,
 * fixed mtimes, root-owned, gzip header without name or time), an image config and an OCI
 * manifest. Same inputs → same bytes → same digests.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip, constants as zc } from 'node:zlib';
import tar from 'tar-stream';
import { DEFAULT_PATH_ENV, PAUSE_SCRIPT, type LabImage, type LabImageKind } from './images.js';
import { run, failureText } from './process.js';

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** Every timestamp in the images (layer mtimes, config `created`). */
export const FIXED_TIME = new Date('2024-01-01T00:00:00Z');

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Node's `process.arch` → OCI/Go `GOARCH` (+ variant). */
export function ociPlatform(arch: string = process.arch): { architecture: string; variant?: string } {
  switch (arch) {
    case 'x64':
      return { architecture: 'amd64' };
    case 'arm64':
      return { architecture: 'arm64' };
    case 'arm':
      return { architecture: 'arm', variant: 'v7' };
    case 'ia32':
      return { architecture: '386' };
    case 'ppc64':
      return { architecture: 'ppc64le' }; // Node on Linux/POWER is little-endian
    case 'loong64':
      return { architecture: 'loong64' };
    default:
      return { architecture: arch }; // s390x, riscv64, mips64el… have the same names
  }
}

export interface LayerEntry {
  /** path inside the image, without leading slash */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  content?: Buffer;
  linkname?: string;
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  data: Buffer;
}

export interface BuiltImage {
  image: LabImage;
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  /** uncompressed digests of the layers (config rootfs.diff_ids) */
  diffIds: string[];
}

/** A tar of the entries, sorted by name, all owned by root, with FIXED_TIME. */
export async function tarEntries(entries: readonly LayerEntry[]): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(Buffer.from(c as Uint8Array));
    });
    pack.on('end', () => resolve());
    pack.on('error', (e: Error) => reject(e));
  });
  for (const e of sorted) {
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type: e.type,
        mode: e.mode,
        mtime: FIXED_TIME,
        uid: 0,
        gid: 0,
        uname: 'root',
        gname: 'root',
        ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      };
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (e.type === 'file') pack.entry(header, e.content ?? Buffer.alloc(0), cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const gzipAsync = promisify(gzip);

/** gzip with a fixed level; Node writes mtime 0 and no file name, so the output is stable. */
export function gzipStable(data: Buffer): Promise<Buffer> {
  return gzipAsync(data, { level: 9, strategy: zc.Z_DEFAULT_STRATEGY });
}

export interface BusyboxInfo {
  path: string;
  /** e.g. "1.35.0" */
  version: string;
  applets: string[];
  binary: Buffer;
}

/** True when an ELF binary asks for a dynamic loader (has a PT_INTERP program header). */
export function elfHasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = elf[4] === 2;
  const le = elf[5] === 1;
  const u16 = (o: number) => (le ? elf.readUInt16LE(o) : elf.readUInt16BE(o));
  const u32 = (o: number) => (le ? elf.readUInt32LE(o) : elf.readUInt32BE(o));
  const phoff = is64 ? Number(le ? elf.readBigUInt64LE(0x20) : elf.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > elf.length) break;
    if (u32(off) === 3) return true; // PT_INTERP
  }
  return false;
}

/** Reads a static busybox and asks it for its version and applets. */
export async function readBusybox(busyboxPath = '/bin/busybox'): Promise<BusyboxInfo> {
  if (!fs.existsSync(busyboxPath)) throw new Error(`${busyboxPath} not found (package busybox-static)`);
  const list = await run(busyboxPath, ['--list']);
  if (list.code !== 0) throw new Error(failureText(`${busyboxPath} --list`, list));
  const applets = list.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'busybox' && !s.includes('/'));
  const banner = await run(busyboxPath, []);
  const m = /BusyBox v([0-9][^\s]*)/.exec(banner.stdout + banner.stderr);
  const binary = fs.readFileSync(busyboxPath);
  if (elfHasInterpreter(binary)) throw new Error(`${busyboxPath} is dynamically linked; the images need busybox-static`);
  return { path: busyboxPath, version: m?.[1] ?? 'unknown', applets: [...new Set(applets)].sort(), binary };
}

/** The root filesystem of a busybox image (and of the pause image, which adds /pause). */
export function busyboxRootfs(bb: BusyboxInfo, kind: LabImageKind): LayerEntry[] {
  const dir = (name: string, mode = 0o755): LayerEntry => ({ name, type: 'directory', mode });
  const file = (name: string, content: string | Buffer, mode = 0o644): LayerEntry => ({
    name,
    type: 'file',
    mode,
    content: Buffer.isBuffer(content) ? content : Buffer.from(content),
  });
  const entries: LayerEntry[] = [
    dir('bin'),
    dir('dev'),
    dir('etc'),
    dir('home'),
    dir('proc', 0o555),
    dir('root', 0o700),
    dir('sys', 0o555),
    dir('tmp', 0o1777),
    dir('usr'),
    dir('usr/bin'),
    dir('usr/sbin'),
    dir('var'),
    dir('var/tmp', 0o1777),
    file('bin/busybox', bb.binary, 0o755),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n'),
    file('etc/group', 'root:x:0:\nnobody:x:65534:\n'),
    ...bb.applets.map<LayerEntry>((a) => ({ name: `bin/${a}`, type: 'symlink', mode: 0o777, linkname: 'busybox' })),
  ];
  if (kind === 'pause') entries.push(file('pause', PAUSE_SCRIPT, 0o755));
  return entries;
}

function jsonBlob(mediaType: string, value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: sha256(data), size: data.length, data };
}

/** Layer cache: the busybox images share one layer; concurrent builds share the work. */
const layerCache = new Map<string, Promise<{ layer: Blob; diffId: string }>>();

async function buildLayer(bb: BusyboxInfo, kind: LabImageKind): Promise<{ layer: Blob; diffId: string }> {
  const tarBytes = await tarEntries(busyboxRootfs(bb, kind));
  const gz = await gzipStable(tarBytes);
  return { layer: { mediaType: MEDIA_TYPES.layerGzip, digest: sha256(gz), size: gz.length, data: gz }, diffId: sha256(tarBytes) };
}

export async function buildImage(image: LabImage, bb: BusyboxInfo, arch: string = process.arch): Promise<BuiltImage> {
  const cacheKey = `${bb.path}:${bb.version}:${image.kind}:${sha256(bb.binary)}`;
  let pending = layerCache.get(cacheKey);
  if (!pending) {
    pending = buildLayer(bb, image.kind);
    layerCache.set(cacheKey, pending);
    pending.catch(() => layerCache.delete(cacheKey));
  }
  const cached = await pending;
  const created = FIXED_TIME.toISOString();
  const containerConfig =
    image.kind === 'pause'
      ? { Env: [DEFAULT_PATH_ENV], Entrypoint: ['/pause'], WorkingDir: '/' }
      : { Env: [DEFAULT_PATH_ENV], Cmd: ['sh'] };
  const config = jsonBlob(MEDIA_TYPES.config, {
    created,
    ...ociPlatform(arch),
    os: 'linux',
    config: containerConfig,
    rootfs: { type: 'layers', diff_ids: [cached.diffId] },
    history: [
      {
        created,
        created_by: `crilab lab: /bin/busybox of busybox-static ${bb.version} with ${bb.applets.length} applet links${image.kind === 'pause' ? ' and /pause' : ''}`,
      },
    ],
  });
  const manifest = jsonBlob(MEDIA_TYPES.manifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: [{ mediaType: cached.layer.mediaType, digest: cached.layer.digest, size: cached.layer.size }],
    annotations: { 'org.opencontainers.image.ref.name': image.tag, 'org.opencontainers.image.created': created },
  });
  return { image, manifest, config, layers: [cached.layer], diffIds: [cached.diffId] };
}

/**
 * Writes the images as one OCI image layout (oci-layout, index.json, blobs/sha256/…), which
 * `ctr images import` also accepts; used for inspection and as a fallback to the registry.
 */
export function writeOciLayout(dir: string, images: readonly BuiltImage[]): void {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (b: Blob) => {
    const p = path.join(blobs, b.digest.slice('sha256:'.length));
    if (!fs.existsSync(p)) fs.writeFileSync(p, b.data);
  };
  for (const img of images) {
    put(img.manifest);
    put(img.config);
    img.layers.forEach(put);
  }
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: images.map((img) => ({
        mediaType: img.manifest.mediaType,
        digest: img.manifest.digest,
        size: img.manifest.size,
        annotations: { 'org.opencontainers.image.ref.name': img.image.ref, 'io.containerd.image.name': img.image.ref },
      })),
    }),
  );
}
