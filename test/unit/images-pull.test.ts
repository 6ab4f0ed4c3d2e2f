import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock } from '../../src/clock/index.js';
import { CriError } from '../../src/runtime/images/errors.js';
import { SimImageService } from '../../src/runtime/images/image-service.js';
import { ImageStore } from '../../src/runtime/images/image-store.js';
import { ImagePuller, LINK_BYTES_PER_SECOND, pullImage, pullPlan, type PullProgress } from '../../src/runtime/images/pull.js';
import { parseDockerRef } from '../../src/runtime/images/reference.js';
import { SimRegistry } from '../../src/runtime/images/sim-registry.js';

const clocks: SimClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
});

function setup(opts: { sandboxImage?: string; seed?: number } = {}) {
  const clock = new SimClock();
  clocks.push(clock);
  clock.start();
  const registry = new SimRegistry({ seed: opts.seed ?? 1 });
  const store = new ImageStore(opts.sandboxImage ? { sandboxImage: opts.sandboxImage } : {});
  const puller = new ImagePuller({ clock, registry, store });
  return { clock, registry, store, puller };
}

async function criErrorOf(p: Promise<unknown>): Promise<CriError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CriError);
    return err as CriError;
  }
  throw new Error('expected a CriError');
}

describe('pullImage: time, result and store', () => {
  it('busybox: image_ref is the image ID; time is resolve + download + unpack on the clock', async () => {
    const { clock, registry, store, puller } = setup();
    const start = clock.now();
    const res = await puller.pull('busybox');
    const served = registry.lookup(parseDockerRef('busybox'));
    expect(res.imageRef).toBe(served.id);
    expect(res.ref).toBe('docker.io/library/busybox:latest');
    expect(res.shared).toBe(false);
    const plan = pullPlan(served);
    expect(clock.now() - start).toBe(plan.totalMs);
    expect(res.durationMs).toBe(plan.totalMs);
    // 2.15 MB at 50 MiB/s ≈ 41 ms, plus 150 ms resolve and ~20 ms unpack.
    expect(plan.totalMs).toBeGreaterThan(150);
    expect(plan.totalMs).toBeLessThan(400);
    expect(store.status('busybox')?.id).toBe(served.id);
  });

  it('download time grows with the compressed size (nginx takes seconds)', async () => {
    const { clock, registry, puller } = setup();
    const start = clock.now();
    await puller.pull('nginx:1.27');
    const served = registry.lookup(parseDockerRef('nginx:1.27'));
    const elapsed = clock.now() - start;
    expect(elapsed).toBe(pullPlan(served).totalMs);
    const downloadOnly = (served.size / LINK_BYTES_PER_SECOND) * 1000;
    expect(elapsed).toBeGreaterThan(downloadOnly);
    expect(elapsed).toBeGreaterThan(1_500);
  });

  it('slow: a factor multiplies the time; a duration fixes it', async () => {
    const a = setup();
    a.registry.set('busybox', { slow: { factor: 5 } });
    const base = pullPlan(a.registry.lookup(parseDockerRef('busybox'))).totalMs;
    let start = a.clock.now();
    await a.puller.pull('busybox');
    const slow = a.clock.now() - start;
    expect(Math.abs(slow - 5 * base)).toBeLessThanOrEqual(3);

    const b = setup();
    b.registry.set('*', { slow: { durationMs: 60_000 } });
    start = b.clock.now();
    await b.puller.pull('nginx:1.27');
    expect(Math.abs(b.clock.now() - start - 60_000)).toBeLessThanOrEqual(10);
  });

  it('progress: resolving, each layer, unpacking, done', async () => {
    const { puller, registry } = setup();
    const seen: PullProgress[] = [];
    await puller.pull('nginx:1.27', { onProgress: (p) => seen.push(p) });
    const layers = registry.lookup(parseDockerRef('nginx:1.27')).definition.layers.length;
    expect(seen[0]?.phase).toBe('resolving');
    expect(seen[1]?.phase).toBe('resolved');
    expect(seen.filter((p) => p.phase === 'downloaded')).toHaveLength(layers);
    expect(seen.at(-2)?.phase).toBe('unpacking');
    expect(seen.at(-1)).toMatchObject({ phase: 'done', bytes: seen.at(-1)?.totalBytes });
  });
});

describe('pullImage: failures with containerd’s messages and codes', () => {
  it('missing → NotFound, the full wrapped message', async () => {
    const { registry, puller, store, clock } = setup();
    registry.set('nope', { missing: true });
    const start = clock.now();
    const err = await criErrorOf(puller.pull('nope'));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.message).toBe(
      'failed to pull and unpack image "docker.io/library/nope:latest": failed to resolve reference "docker.io/library/nope:latest": docker.io/library/nope:latest: not found',
    );
    expect(clock.now() - start).toBe(150);
    expect(store.count).toBe(0);
  });

  it('private → Unknown, pull access denied', async () => {
    const { registry, puller } = setup();
    registry.set('snj', { private: true });
    const err = await criErrorOf(puller.pull('snj'));
    expect(err.code).toBe(status.UNKNOWN);
    expect(err.message).toBe(
      'failed to pull and unpack image "docker.io/library/snj:latest": failed to resolve reference "docker.io/library/snj:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    expect((await puller.pull('snj', { auth: { username: 'u', password: 'p' } })).imageRef).toMatch(/^sha256:/);
  });

  it('down with a timeout takes 30 s of simulated time', async () => {
    const { registry, puller, clock } = setup();
    registry.set('*', { down: { how: 'timeout', address: '10.0.0.1' } });
    const start = clock.now();
    const err = await criErrorOf(puller.pull('registry.k8s.io/pause:3.9'));
    expect(clock.now() - start).toBe(30_000);
    expect(err.code).toBe(status.UNKNOWN);
    expect(err.message).toBe(
      'failed to pull and unpack image "registry.k8s.io/pause:3.9": failed to resolve reference "registry.k8s.io/pause:3.9": failed to do request: Head "https://registry.k8s.io/v2/pause/manifests/3.9": dial tcp 10.0.0.1:443: i/o timeout',
    );
  });

  it('flaky: 1 → the first pull fails, the retry succeeds', async () => {
    const { registry, puller } = setup();
    registry.set('alpine:3.20', { flaky: 1 });
    const err = await criErrorOf(puller.pull('alpine:3.20'));
    expect(err.message).toMatch(/503 Service Unavailable$/);
    expect((await puller.pull('alpine:3.20')).imageRef).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('an invalid reference fails before any network: "failed to parse image reference", Unknown', async () => {
    const { puller, clock } = setup();
    const start = clock.now();
    const err = await criErrorOf(puller.pull('Busybox'));
    expect(err.code).toBe(status.UNKNOWN);
    expect(err.message).toBe(
      'failed to parse image reference "Busybox": invalid reference format: repository name (library/Busybox) must be lowercase',
    );
    expect(clock.now()).toBe(start);
  });
});

describe('concurrent pulls of one reference share one pull', () => {
  it('one resolve, one answer, both done at the same time', async () => {
    const { registry, puller, clock } = setup();
    const resolve = vi.spyOn(registry, 'resolve');
    const start = clock.now();
    const [a, b] = await Promise.all([puller.pull('nginx:1.27'), puller.pull('docker.io/library/nginx:1.27')]);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(a.imageRef).toBe(b.imageRef);
    expect([a.shared, b.shared]).toEqual([false, true]);
    expect(clock.now() - start).toBe(pullPlan(registry.lookup(parseDockerRef('nginx:1.27'))).totalMs);
    expect(puller.pullsInFlight).toBe(0);
  });

  it('a shared failure reaches every caller', async () => {
    const { registry, puller } = setup();
    registry.set('example.com/app', { flaky: 1 });
    const results = await Promise.allSettled([puller.pull('example.com/app:1'), puller.pull('example.com/app:1')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await puller.pull('example.com/app:1')).shared).toBe(false);
  });

  it('different references are separate pulls', async () => {
    const { registry, puller } = setup();
    const resolve = vi.spyOn(registry, 'resolve');
    await Promise.all([puller.pull('busybox'), puller.pull('alpine')]);
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('a caller that gives up does not stop the pull for the others; the last one does', async () => {
    const { puller, store } = setup();
    const quitter = new AbortController();
    const p1 = puller.pull('nginx:1.27', { signal: quitter.signal });
    const p2 = puller.pull('nginx:1.27');
    quitter.abort();
    await expect(p1).rejects.toMatchObject({ name: 'AbortError' });
    expect((await p2).shared).toBe(true);
    expect(store.status('nginx:1.27')).toBeDefined();

    const alone = new AbortController();
    const p3 = puller.pull('redis:7', { signal: alone.signal });
    alone.abort();
    await expect(p3).rejects.toMatchObject({ name: 'AbortError' });
    expect(puller.pullsInFlight).toBe(0);
    expect(store.status('redis:7')).toBeUndefined();
  });

  it('the pullImage function deduplicates per store and registry', async () => {
    const clock = new SimClock();
    clocks.push(clock);
    clock.start();
    const registry = new SimRegistry();
    const store = new ImageStore();
    const resolve = vi.spyOn(registry, 'resolve');
    const [a, b] = await Promise.all([pullImage('busybox', { clock, registry, store }), pullImage('busybox:latest', { clock, registry, store })]);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(a.imageRef).toBe(b.imageRef);
  });
});

describe('RunPodSandbox’s sandbox image', () => {
  it('is pulled on first use, then found locally (no second pull), and pinned', async () => {
    const { registry, puller, store, clock } = setup({ sandboxImage: 'registry.k8s.io/pause:3.6' });
    const resolve = vi.spyOn(registry, 'resolve');
    const first = await puller.ensureSandboxImage();
    const t = clock.now();
    const second = await puller.ensureSandboxImage();
    expect(second.id).toBe(first.id);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(clock.now()).toBe(t);
    expect(store.status('registry.k8s.io/pause:3.6')?.pinned).toBe(true);
  });

  it('a failed sandbox image pull carries RunPodSandbox’s words and the pull’s code', async () => {
    const { registry, puller } = setup({ sandboxImage: 'registry.k8s.io/pause:3.6' });
    registry.set('registry.k8s.io/pause', { missing: true });
    const err = await criErrorOf(puller.ensureSandboxImage());
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.message).toBe(
      'failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": registry.k8s.io/pause:3.6: not found',
    );
  });

  it('SimImageService: ensure and resolveLocal for the handlers', async () => {
    const { puller } = setup({ sandboxImage: 'registry.k8s.io/pause:3.9' });
    const progress: Array<[string, string | undefined]> = [];
    const service = new SimImageService(puller, (p, callId) => progress.push([p.phase, callId]));
    await service.ensure('registry.k8s.io/pause:3.9', 'call-7');
    expect(progress[0]).toEqual(['resolving', 'call-7']);
    const local = service.resolveLocal('registry.k8s.io/pause:3.9');
    expect(local).toMatchObject({
      id: 'sha256:e6f1816883972d4be47bd48879a08919b96afcd344132622e4d444987919323c',
      entrypoint: ['/pause'],
      cmd: [],
      user: '65535:65535',
    });
    expect(() => service.resolveLocal('busybox')).toThrow('failed to resolve image "busybox": not found');
  });
});
