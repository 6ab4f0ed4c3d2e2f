import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { parseDockerRef } from '../../src/runtime/images/reference.js';
import { isLocalhost, manifestUrl, SimRegistry, type ResolveResult } from '../../src/runtime/images/sim-registry.js';
import { findWellKnown } from '../../src/runtime/images/well-known.js';

const r = (s: string) => parseDockerRef(s);
const refs = ['busybox', 'nginx:1.27', 'example.com/team/app:v3', 'foo/bar', 'registry.k8s.io/pause:3.8', 'localhost:5000/x:dev'];

function failure(res: ResolveResult): { code: number; message: string; delayMs: number } {
  if (res.ok) throw new Error('resolved');
  return { code: res.error.code, message: res.error.message, delayMs: res.delayMs };
}

describe('SimRegistry: deterministic content', () => {
  it('same seed, different call orders → same digests, IDs and sizes', () => {
    const a = new SimRegistry({ seed: 7 });
    const b = new SimRegistry({ seed: 7 });
    const fromA = refs.map((s) => a.lookup(r(s)));
    const fromB = [...refs].reverse().map((s) => b.lookup(r(s))).reverse();
    for (const [i, img] of fromA.entries()) {
      const other = fromB[i];
      expect(other?.id).toBe(img.id);
      expect(other?.repoDigest).toBe(img.repoDigest);
      expect(other?.size).toBe(img.size);
    }
    for (const img of fromA) {
      expect(img.id).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(img.repoDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    }
  });

  it('a different seed gives different generated digests', () => {
    const a = new SimRegistry({ seed: 1 }).lookup(r('example.com/team/app:v3'));
    const b = new SimRegistry({ seed: 2 }).lookup(r('example.com/team/app:v3'));
    expect(a.id).not.toBe(b.id);
    expect(a.repoDigest).not.toBe(b.repoDigest);
  });

  it('two tags are two images; the same reference is the same image', () => {
    const reg = new SimRegistry();
    expect(reg.lookup(r('nginx:1.27')).id).not.toBe(reg.lookup(r('nginx:1.26')).id);
    expect(reg.lookup(r('nginx:1.27')).id).toBe(reg.lookup(r('docker.io/library/nginx:1.27')).id);
  });

  it('verified digests of the pause image are served whatever the seed', () => {
    const img = new SimRegistry({ seed: 99 }).lookup(r('registry.k8s.io/pause:3.6'));
    expect(img.id).toBe('sha256:6270bb605e12e581514ada5fd5b3216f727db55dc87d5889c790e4c760683fee');
    expect(img.repoDigest).toBe('sha256:3d380ca8864549e74af4b29c10f9cb0956236dfb01c40ca076fb6c37253234db');
    expect(img.size).toBe(301_773);
    expect(img.definition.config.entrypoint).toEqual(['/pause']);
  });

  it('a reference by digest to a served manifest is the same image', () => {
    const reg = new SimRegistry();
    const tagged = reg.lookup(r('example.com/app:1'));
    const byDigest = reg.lookup(r(`example.com/app@${tagged.repoDigest}`));
    expect(byDigest.id).toBe(tagged.id);
    expect(byDigest.repoDigest).toBe(tagged.repoDigest);
  });

  it('bump publishes a new image under the tag', () => {
    const reg = new SimRegistry();
    const before = reg.lookup(r('nginx:latest'));
    reg.bump('nginx:latest');
    const after = reg.lookup(r('nginx'));
    expect(after.id).not.toBe(before.id);
    expect(after.repoDigest).not.toBe(before.repoDigest);
    expect(after.definition.config.cmd).toEqual(before.definition.config.cmd);
  });

  it('define gives a repository a config of the scenario’s own', () => {
    const reg = new SimRegistry();
    reg.define('example.com/web', { config: { cmd: ['sh', '-c', 'echo hi'], user: '1000' }, size: 10_000_000 });
    const img = reg.lookup(r('example.com/web:2'));
    expect(img.definition.config.cmd).toEqual(['sh', '-c', 'echo hi']);
    expect(img.definition.config.user).toBe('1000');
    expect(img.size).toBe(10_000_000 + 1_500);
    expect(img.definition.files['/bin/sh']).toEqual({ kind: 'program', program: 'sh' });
  });

  it('generated images have no command of their own but busybox’s files', () => {
    const img = new SimRegistry().lookup(r('example.com/team/app:v3'));
    expect(img.definition.config.entrypoint).toEqual([]);
    expect(img.definition.config.cmd).toEqual([]);
    expect(img.definition.files['/bin/echo']).toEqual({ kind: 'program', program: 'echo' });
    expect(img.size).toBeGreaterThan(1_000_000);
  });
});

describe('SimRegistry: behaviours and containerd’s words for them', () => {
  it('missing → "<ref>: not found", NotFound', () => {
    const reg = new SimRegistry();
    reg.set('nope', { missing: true });
    expect(failure(reg.resolve(r('nope')))).toEqual({ code: status.NOT_FOUND, message: 'docker.io/library/nope:latest: not found', delayMs: 150 });
    expect(reg.resolve(r('nginx')).ok).toBe(true);
  });

  it('private without credentials → pull access denied, Unknown', () => {
    const reg = new SimRegistry();
    reg.set('example.com/secret', { private: true });
    const f = failure(reg.resolve(r('example.com/secret:1')));
    expect(f.code).toBe(status.UNKNOWN);
    expect(f.message).toBe(
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    expect(reg.resolve(r('example.com/secret:1'), { username: 'me', password: 'pw' }).ok).toBe(true);
  });

  it('private with specific credentials: wrong ones fail at the token endpoint', () => {
    const reg = new SimRegistry();
    reg.set('acme/app', { private: { username: 'bot', password: 's3cret' } });
    const f = failure(reg.resolve(r('acme/app'), { username: 'bot', password: 'wrong' }));
    expect(f.message).toBe(
      'failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Aacme%2Fapp%3Apull&service=registry.docker.io: 401 Unauthorized',
    );
    expect(reg.resolve(r('acme/app'), { username: 'bot', password: 's3cret' }).ok).toBe(true);
    // The same credentials as a base64 `auth` field.
    expect(reg.resolve(r('acme/app'), { auth: Buffer.from('bot:s3cret').toString('base64') }).ok).toBe(true);
    // Credentials for another registry are not sent.
    const other = failure(reg.resolve(r('acme/app'), { username: 'bot', password: 's3cret', serverAddress: 'https://quay.io' }));
    expect(other.message).toMatch(/^pull access denied/);
  });

  it('down: a named host fails its lookup, localhost refuses, timeout takes the 30 s dial timeout', () => {
    const reg = new SimRegistry();
    reg.set('docker.io', { down: true });
    expect(failure(reg.resolve(r('nginx')))).toEqual({
      code: status.UNKNOWN,
      message:
        'failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp: lookup registry-1.docker.io: no such host',
      delayMs: 20,
    });
    reg.set('localhost:5000', { down: true });
    expect(failure(reg.resolve(r('localhost:5000/x'))).message).toBe(
      'failed to do request: Head "http://localhost:5000/v2/x/manifests/latest": dial tcp 127.0.0.1:5000: connect: connection refused',
    );
    reg.set('registry.k8s.io', { down: { how: 'timeout', address: '34.96.108.209' } });
    expect(failure(reg.resolve(r('registry.k8s.io/pause:3.6')))).toEqual({
      code: status.UNKNOWN,
      message: 'failed to do request: Head "https://registry.k8s.io/v2/pause/manifests/3.6": dial tcp 34.96.108.209:443: i/o timeout',
      delayMs: 30_000,
    });
  });

  it('flaky: n fails the next n pulls with a 503, then works', () => {
    const reg = new SimRegistry();
    reg.set('nginx:1.27', { flaky: 2 });
    const msg = 'unexpected status from HEAD request to https://registry-1.docker.io/v2/library/nginx/manifests/1.27: 503 Service Unavailable';
    expect(failure(reg.resolve(r('nginx:1.27'))).message).toBe(msg);
    expect(reg.resolve(r('nginx:1.26')).ok).toBe(true); // another tag is not affected
    expect(failure(reg.resolve(r('nginx:1.27'))).message).toBe(msg);
    expect(reg.resolve(r('nginx:1.27')).ok).toBe(true);
    expect(reg.resolve(r('nginx:1.27')).ok).toBe(true);
  });

  it('slow is reported to the puller', () => {
    const reg = new SimRegistry();
    reg.set('*', { slow: { factor: 4 } });
    const res = reg.resolve(r('busybox'));
    expect(res.ok && res.slow).toEqual({ factor: 4, durationMs: undefined });
  });

  it('the most specific scope wins, field by field', () => {
    const reg = new SimRegistry();
    reg.set('*', { private: true, slow: { factor: 2 } });
    reg.set('busybox', { private: false });
    const res = reg.resolve(r('busybox:1.36'));
    expect(res.ok && res.slow.factor).toBe(2);
    expect(reg.resolve(r('alpine')).ok).toBe(false);
    reg.clear('*');
    expect(reg.resolve(r('alpine')).ok).toBe(true);
  });

  it('scopes: host, repository, reference', () => {
    const reg = new SimRegistry();
    expect(reg.parseScope('*')).toEqual({ kind: 'all', key: '*' });
    expect(reg.parseScope('docker.io')).toEqual({ kind: 'host', key: 'docker.io' });
    expect(reg.parseScope('localhost:5000')).toEqual({ kind: 'host', key: 'localhost:5000' });
    expect(reg.parseScope('nginx')).toEqual({ kind: 'repository', key: 'docker.io/library/nginx' });
    expect(reg.parseScope('nginx:1.27')).toEqual({ kind: 'reference', key: 'docker.io/library/nginx:1.27' });
  });
});

describe('URLs and hosts', () => {
  it('docker.io is served by registry-1.docker.io over https; localhost over http', () => {
    expect(manifestUrl(r('busybox'))).toBe('https://registry-1.docker.io/v2/library/busybox/manifests/latest');
    expect(manifestUrl(r('localhost:5000/a/b:1'))).toBe('http://localhost:5000/v2/a/b/manifests/1');
    expect(isLocalhost('127.0.0.1:5000')).toBe(true);
    expect(isLocalhost('[::1]:5000')).toBe(true);
    expect(isLocalhost('registry.local:5000')).toBe(false);
  });
});

describe('well-known images', () => {
  it('busybox, alpine, nginx carry their real defaults', () => {
    const busybox = findWellKnown(r('busybox:1.36'))?.definition;
    expect(busybox?.config).toMatchObject({ entrypoint: [], cmd: ['sh'] });
    expect(busybox?.files['/bin/sh']).toEqual({ kind: 'program', program: 'sh' });
    expect(findWellKnown(r('alpine:3.20'))?.definition.config.cmd).toEqual(['/bin/sh']);
    const nginx = findWellKnown(r('nginx:1.27'))?.definition;
    expect(nginx?.config).toMatchObject({
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      stopSignal: 'SIGQUIT',
      exposedPorts: ['80/tcp'],
    });
    expect(nginx?.files['/usr/sbin/nginx']).toEqual({ kind: 'program', program: 'nginx' });
    expect(nginx?.files['/docker-entrypoint.sh']?.kind).toBe('program');
  });

  it('pause tags 3.6–3.10 run /pause as 65535; an unknown pause tag keeps the config, not the digests', () => {
    for (const tag of ['3.6', '3.8', '3.9', '3.10']) {
      const d = findWellKnown(r(`registry.k8s.io/pause:${tag}`))?.definition;
      expect(d?.config.entrypoint).toEqual(['/pause']);
      expect(d?.config.user).toBe('65535:65535');
    }
    const other = findWellKnown(r('registry.k8s.io/pause:3.7'))?.definition;
    expect(other?.config.entrypoint).toEqual(['/pause']);
    expect(other?.id).toBeUndefined();
    expect(findWellKnown(r('k8s.gcr.io/pause:3.6'))?.definition.id).toBe(
      'sha256:6270bb605e12e581514ada5fd5b3216f727db55dc87d5889c790e4c760683fee',
    );
    expect(findWellKnown(r('example.com/app'))).toBeUndefined();
  });
});
