import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CriError } from '../../src/runtime/images/errors.js';
import { criUserOf } from '../../src/runtime/images/image-config.js';
import { ImageStore, sortReferences, toLocalImage } from '../../src/runtime/images/image-store.js';
import { parseDockerRef } from '../../src/runtime/images/reference.js';
import { SimRegistry, type RegistryImage } from '../../src/runtime/images/sim-registry.js';
import { genericDefinition } from '../../src/runtime/images/well-known.js';

const r = (s: string) => parseDockerRef(s);

/** Put an image in the store as a successful PullImage of `ref` would. */
function pullInto(store: ImageStore, registry: SimRegistry, ref: string) {
  const parsed = r(ref);
  return store.add(registry.lookup(parsed), parsed);
}

/** The CriError `fn` throws: its code and message both matter. */
function thrown(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CriError);
    return { code: (err as CriError).code, message: (err as CriError).message };
  }
  throw new Error('nothing thrown');
}

function syntheticImage(id: string, ref: string): RegistryImage {
  return { ref: r(ref), id, repoDigest: `sha256:${'e'.repeat(64)}`, definition: genericDefinition(1_000_000, 1), size: 1_001_500 };
}

describe('ImageStore: what a pull leaves behind', () => {
  it('an image has its ID, repo tag and repo digest; ListImages shows them', () => {
    const registry = new SimRegistry();
    const store = new ImageStore();
    const img = pullInto(store, registry, 'nginx:1.27');
    const served = registry.lookup(r('nginx:1.27'));
    expect(img.id).toBe(served.id);
    expect(img.references).toEqual([
      'docker.io/library/nginx:1.27',
      `docker.io/library/nginx@${served.repoDigest}`,
      served.id,
    ]);
    expect(store.list()).toEqual([
      {
        id: served.id,
        repoTags: ['docker.io/library/nginx:1.27'],
        repoDigests: [`docker.io/library/nginx@${served.repoDigest}`],
        size: String(served.size),
        username: '',
        pinned: false,
      },
    ]);
  });

  it('the sandbox image is pinned and reports uid 65535', () => {
    const store = new ImageStore({ sandboxImage: 'registry.k8s.io/pause:3.6' });
    pullInto(store, new SimRegistry(), 'registry.k8s.io/pause:3.6');
    expect(store.status('registry.k8s.io/pause:3.6')).toEqual({
      id: 'sha256:6270bb605e12e581514ada5fd5b3216f727db55dc87d5889c790e4c760683fee',
      repoTags: ['registry.k8s.io/pause:3.6'],
      repoDigests: ['registry.k8s.io/pause@sha256:3d380ca8864549e74af4b29c10f9cb0956236dfb01c40ca076fb6c37253234db'],
      size: '301773',
      uid: { value: '65535' },
      username: '',
      pinned: true,
    });
  });

  it('a user name rather than a number is reported as username', () => {
    const registry = new SimRegistry();
    registry.define('example.com/web', { config: { user: 'www-data:www-data' } });
    const store = new ImageStore();
    pullInto(store, registry, 'example.com/web:1');
    const img = store.status('example.com/web:1');
    expect(img?.username).toBe('www-data');
    expect(img?.uid).toBeUndefined();
    expect(criUserOf('1000:1000')).toEqual({ uid: 1000n, username: '' });
    expect(criUserOf('')).toEqual({ uid: undefined, username: '' });
  });
});

describe('ImageStore: lookup as containerd’s localResolve', () => {
  const registry = new SimRegistry();
  const store = new ImageStore();
  const img = pullInto(store, registry, 'busybox:1.36');
  const hex = img.id.slice('sha256:'.length);
  const repoDigest = `docker.io/library/busybox@${registry.lookup(r('busybox:1.36')).repoDigest}`;

  it.each([
    ['short tag', 'busybox:1.36'],
    ['full tag', 'docker.io/library/busybox:1.36'],
    ['image ID', img.id],
    ['repo digest', repoDigest],
    ['ID prefix with algorithm', `sha256:${hex.slice(0, 12)}`],
    ['bare hex prefix', hex.slice(0, 12)],
    ['bare full hex', hex],
  ])('by %s', (_what, key) => {
    expect(store.resolve(key)?.id).toBe(img.id);
    expect(store.status(key)?.id).toBe(img.id);
  });

  it('absent images: ImageStatus is empty, not an error', () => {
    expect(store.status('busybox:latest')).toBeUndefined();
    expect(store.status('nginx')).toBeUndefined();
    expect(store.status(`sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(store.status('Not A Reference')).toBeUndefined();
  });

  it('a prefix matching two IDs is ambiguous (Unknown)', () => {
    const s = new ImageStore();
    s.add(syntheticImage(`sha256:abcd${'1'.repeat(60)}`, 'example.com/a:1'), r('example.com/a:1'));
    s.add(syntheticImage(`sha256:abcd${'2'.repeat(60)}`, 'example.com/b:1'), r('example.com/b:1'));
    expect(thrown(() => s.status('abcd'))).toEqual({ code: status.UNKNOWN, message: 'can not resolve "abcd" locally: ambiguous digest string' });
    expect(thrown(() => s.remove('sha256:abcd'))).toEqual({
      code: status.UNKNOWN,
      message: 'can not resolve "sha256:abcd" locally: ambiguous digest string',
    });
    expect(s.status('abcd1')?.id).toBe(`sha256:abcd${'1'.repeat(60)}`);
    expect(s.status('sha256:abcd2')?.id).toBe(`sha256:abcd${'2'.repeat(60)}`);
  });
});

describe('ImageStore: removal and moving tags', () => {
  it('RemoveImage by one tag removes the image with all its references', () => {
    const registry = new SimRegistry();
    const store = new ImageStore();
    const parsed = r('busybox:1.36');
    const served = registry.lookup(parsed);
    store.add(served, parsed);
    // The same image under a second tag (a `retag`), as containerd would hold it.
    store.add(served, r('example.com/mirror/busybox:1.36'));
    expect(store.status('busybox:1.36')?.repoTags).toEqual(['docker.io/library/busybox:1.36', 'example.com/mirror/busybox:1.36']);
    store.remove('example.com/mirror/busybox:1.36');
    expect(store.status('busybox:1.36')).toBeUndefined();
    expect(store.status(served.id)).toBeUndefined();
    expect(store.count).toBe(0);
  });

  it('RemoveImage of an absent image succeeds', () => {
    const store = new ImageStore();
    expect(() => store.remove('nginx')).not.toThrow();
    expect(() => store.remove(`sha256:${'1'.repeat(64)}`)).not.toThrow();
  });

  it('a tag pulled again after the registry moved it leaves the old image untagged', () => {
    const registry = new SimRegistry();
    const store = new ImageStore();
    const old = pullInto(store, registry, 'nginx:latest');
    registry.bump('nginx:latest');
    const fresh = pullInto(store, registry, 'nginx');
    expect(fresh.id).not.toBe(old.id);
    expect(store.status('nginx')?.id).toBe(fresh.id);
    const dangling = store.status(old.id);
    expect(dangling?.repoTags).toEqual([]);
    expect(dangling?.repoDigests).toHaveLength(1);
    expect(store.count).toBe(2);
  });

  it('CreateContainer needs the image locally: "failed to resolve image …: not found"', () => {
    const store = new ImageStore();
    expect(thrown(() => store.resolveForCreate('sha256:0123'))).toEqual({
      code: status.NOT_FOUND,
      message: 'failed to resolve image "sha256:0123": not found',
    });
    const img = pullInto(store, new SimRegistry(), 'nginx:1.27');
    const local = toLocalImage(store.resolveForCreate(img.id));
    expect(local).toMatchObject({
      id: img.id,
      repoTag: 'docker.io/library/nginx:1.27',
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      stopSignal: 'SIGQUIT',
    });
    expect(local.env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(local.files['/usr/share/nginx/html/index.html']).toMatchObject({ kind: 'file' });
    expect(JSON.stringify(local.files['/usr/share/nginx/html/index.html'])).toContain('Welcome to nginx!');
  });
});

describe('ImageStore: ImageFsInfo and sorting', () => {
  it('used bytes and inodes are the sums over the unpacked images', () => {
    const registry = new SimRegistry();
    const store = new ImageStore();
    const a = registry.lookup(r('busybox'));
    const b = registry.lookup(r('nginx:1.27'));
    pullInto(store, registry, 'busybox');
    pullInto(store, registry, 'nginx:1.27');
    const info = store.fsInfo(1_767_225_600_000_000_000n);
    expect(info.imageFilesystems).toEqual([
      {
        timestamp: '1767225600000000000',
        fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' },
        usedBytes: { value: String(a.definition.unpackedSize + b.definition.unpackedSize) },
        inodesUsed: { value: String(a.definition.inodes + b.definition.inodes) },
      },
    ]);
    store.remove('busybox');
    expect(store.fsInfo(0n).imageFilesystems?.[0]?.usedBytes?.value).toBe(String(b.definition.unpackedSize));
  });

  it('references sort as distribution/reference sorts them', () => {
    const id = `sha256:${'a'.repeat(64)}`;
    expect(sortReferences([id, `docker.io/library/x@${id}`, 'docker.io/library/x:2', 'docker.io/library/x:1'])).toEqual([
      'docker.io/library/x:1',
      'docker.io/library/x:2',
      `docker.io/library/x@${id}`,
      id,
    ]);
  });
});
