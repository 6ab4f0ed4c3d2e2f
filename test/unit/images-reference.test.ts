import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  familiarString,
  INVALID_IMAGE_NAME,
  isDigest,
  kubeletApplyDefaultImageTag,
  kubeletParseImageName,
  normalizeImageRef,
  parseAnyReference,
  parseDockerRef,
  parseNormalizedNamed,
  ReferenceParseError,
  type ReferenceDialect,
} from '../../src/runtime/images/reference.js';

const HEX = 'b3ff1b2c5e1d2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8';

describe('parseDockerRef: normalisation as containerd does it before a pull', () => {
  const table: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['registry.k8s.io/pause:3.6', 'registry.k8s.io/pause:3.6'],
    ['foo/bar', 'docker.io/foo/bar:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['localhost/x:dev', 'localhost/x:dev'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['gcr.io/my-project/app_v2:v1.2.3', 'gcr.io/my-project/app_v2:v1.2.3'],
    ['quay.io/team/sub/app', 'quay.io/team/sub/app:latest'],
    ['my-registry.local:5000/team/app:1.0', 'my-registry.local:5000/team/app:1.0'],
    [`nginx@sha256:${HEX}`, `docker.io/library/nginx@sha256:${HEX}`],
    // Tag and digest: the digest wins and the tag is dropped.
    [`nginx:1.27@sha256:${HEX}`, `docker.io/library/nginx@sha256:${HEX}`],
    ['a.b-c__d/e---f:T_a.g-1', 'a.b-c__d/e---f:T_a.g-1'],
  ];
  for (const dialect of ['containerd-1.6', 'containerd-1.7'] as ReferenceDialect[]) {
    it.each(table)(`${dialect}: %s → %s`, (given, want) => {
      expect(parseDockerRef(given, dialect).ref).toBe(want);
    });
  }

  it('splits domain, path, tag and digest', () => {
    const r = parseDockerRef('nginx:1.27');
    expect(r).toMatchObject({ domain: 'docker.io', path: 'library/nginx', name: 'docker.io/library/nginx', tag: '1.27', digest: undefined });
    const d = parseDockerRef(`localhost:5000/team/app@sha256:${HEX}`);
    expect(d).toMatchObject({ domain: 'localhost:5000', path: 'team/app', tag: undefined, digest: `sha256:${HEX}` });
  });

  it('parseNormalizedNamed keeps a missing tag missing', () => {
    expect(parseNormalizedNamed('busybox').ref).toBe('docker.io/library/busybox');
    expect(parseNormalizedNamed(`nginx:1.27@sha256:${HEX}`).ref).toBe(`docker.io/library/nginx:1.27@sha256:${HEX}`);
  });

  it('shows the familiar form Docker prints', () => {
    expect(familiarString(parseDockerRef('busybox'))).toBe('busybox:latest');
    expect(familiarString(parseDockerRef('foo/bar:1'))).toBe('foo/bar:1');
    expect(familiarString(parseDockerRef('docker.io/library/a/b'))).toBe('library/a/b:latest');
    expect(familiarString(parseDockerRef('registry.k8s.io/pause:3.6'))).toBe('registry.k8s.io/pause:3.6');
  });
});

describe('invalid references: the reference package’s own words', () => {
  const errorOf = (s: string, dialect?: ReferenceDialect) => {
    try {
      parseDockerRef(s, dialect);
    } catch (err) {
      expect(err).toBeInstanceOf(ReferenceParseError);
      return (err as Error).message;
    }
    throw new Error(`"${s}" parsed`);
  };

  it('uppercase repository: 1.7 names it, 1.6 does not', () => {
    expect(errorOf('Busybox', 'containerd-1.7')).toBe('invalid reference format: repository name (library/Busybox) must be lowercase');
    expect(errorOf('Busybox', 'containerd-1.6')).toBe('invalid reference format: repository name must be lowercase');
    expect(errorOf('myorg/MyApp:v1', 'containerd-1.7')).toBe('invalid reference format: repository name (myorg/MyApp) must be lowercase');
  });

  it('1.7 reads an uppercase first component as a host; 1.6 rejects it', () => {
    expect(parseDockerRef('Foo/bar', 'containerd-1.7').ref).toBe('Foo/bar:latest');
    expect(errorOf('Foo/bar', 'containerd-1.6')).toBe('invalid reference format: repository name must be lowercase');
  });

  it('bad characters, empty names and empty tags', () => {
    for (const s of ['', 'nginx:', 'ngi nx', 'nginx:1.27:2', '-nginx', 'nginx/', 'ko://github.com/x/y', 'a//b', 'nginx@', 'nginx@sha256:abc']) {
      expect(errorOf(s), s).toBe('invalid reference format');
    }
  });

  it('digests: length, format and algorithm are checked as go-digest does', () => {
    expect(errorOf(`nginx@sha256:${'a'.repeat(40)}`)).toBe('invalid checksum digest length');
    expect(errorOf(`nginx@sha256:${'A'.repeat(64)}`)).toBe('invalid checksum digest format');
    expect(errorOf(`nginx@md5:${'a'.repeat(32)}`)).toBe('unsupported digest algorithm');
  });

  it('a bare 64-hex string is an ID, not a repository', () => {
    expect(errorOf(HEX)).toBe(`invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`);
  });

  it('the 255-character limit: 1.6 counts the domain, 1.7 the path only', () => {
    const path = 'a'.repeat(250);
    expect(parseDockerRef(`registry.example.com/${path}`, 'containerd-1.7').path).toBe(path);
    expect(errorOf(`registry.example.com/${path}`, 'containerd-1.6')).toBe('repository name must not be more than 255 characters');
    expect(errorOf('b'.repeat(256), 'containerd-1.7')).toBe('repository name must not be more than 255 characters');
  });

  it('IPv6 literal hosts are 1.7 only', () => {
    expect(parseDockerRef('[::1]:5000/x', 'containerd-1.7').ref).toBe('[::1]:5000/x:latest');
    expect(errorOf('[::1]:5000/x', 'containerd-1.6')).toBe('invalid reference format');
  });

  it('normalizeImageRef answers undefined instead of throwing', () => {
    expect(normalizeImageRef('Busybox')).toBeUndefined();
    expect(normalizeImageRef('busybox')).toBe('docker.io/library/busybox:latest');
  });
});

describe('parseAnyReference and isDigest (how the store sorts references)', () => {
  it('IDs are digests, names are named', () => {
    expect(parseAnyReference(`sha256:${HEX}`)).toEqual({ kind: 'digest', digest: `sha256:${HEX}` });
    expect(parseAnyReference(HEX)).toEqual({ kind: 'digest', digest: `sha256:${HEX}` });
    const named = parseAnyReference('nginx:1');
    expect(named.kind === 'named' && named.named.ref).toBe('docker.io/library/nginx:1');
    expect(isDigest(`sha256:${HEX}`)).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest('nginx')).toBe(false);
  });
});

describe('the kubelet’s reading (applyDefaultImageTag)', () => {
  it('adds :latest without qualifying the name', () => {
    expect(kubeletApplyDefaultImageTag('busybox')).toEqual({ ok: true, image: 'busybox:latest' });
    expect(kubeletApplyDefaultImageTag('nginx:1.27')).toEqual({ ok: true, image: 'nginx:1.27' });
    expect(kubeletApplyDefaultImageTag('localhost:5000/app')).toEqual({ ok: true, image: 'localhost:5000/app:latest' });
    expect(kubeletApplyDefaultImageTag(`nginx@sha256:${HEX}`)).toEqual({ ok: true, image: `nginx@sha256:${HEX}` });
  });

  it('reports InvalidImageName with the kubelet’s message', () => {
    expect(kubeletApplyDefaultImageTag('Busybox')).toEqual({
      ok: false,
      reason: INVALID_IMAGE_NAME,
      message:
        'Failed to apply default image tag "Busybox": couldn\'t parse image name "Busybox": invalid reference format: repository name (library/Busybox) must be lowercase',
    });
    const bad = kubeletApplyDefaultImageTag('ko://github.com/tektoncd/operator');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toBe(
      'Failed to apply default image tag "ko://github.com/tektoncd/operator": couldn\'t parse image name "ko://github.com/tektoncd/operator": invalid reference format',
    );
  });

  it('ParseImageName gives the repository to pull, tag and digest', () => {
    expect(kubeletParseImageName('busybox')).toEqual({ repoToPull: 'docker.io/library/busybox', tag: 'latest', digest: '' });
    expect(kubeletParseImageName(`a/b:1@sha256:${HEX}`)).toEqual({ repoToPull: 'docker.io/a/b', tag: '1', digest: `sha256:${HEX}` });
  });
});

describe('properties', () => {
  const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,4})?$/);
  const domain = fc.constantFrom('', 'docker.io/', 'registry.k8s.io/', 'localhost:5000/', 'quay.io/', 'example.com:443/');
  const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/), { nil: undefined });
  const digest = fc.option(fc.constant(`sha256:${HEX}`), { nil: undefined });
  const reference = fc
    .tuple(domain, fc.array(component, { minLength: 1, maxLength: 3 }), tag, digest)
    .map(([d, parts, t, dg]) => `${d}${parts.join('/')}${t !== undefined ? `:${t}` : ''}${dg !== undefined ? `@${dg}` : ''}`);

  it('normalising twice changes nothing, in both dialects', () => {
    fc.assert(
      fc.property(reference, fc.constantFrom<ReferenceDialect>('containerd-1.6', 'containerd-1.7'), (ref, dialect) => {
        const once = parseDockerRef(ref, dialect).ref;
        expect(parseDockerRef(once, dialect).ref).toBe(once);
        expect(once.includes('/')).toBe(true);
        expect(/:[^/]+$|@sha256:/.test(once)).toBe(true);
      }),
    );
  });

  it('a long hostile input is rejected quickly (no catastrophic backtracking)', () => {
    const start = Date.now();
    expect(normalizeImageRef(`${'a-'.repeat(5000)}!`)).toBeUndefined();
    expect(normalizeImageRef(`${'a.'.repeat(5000)}/x!`)).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
