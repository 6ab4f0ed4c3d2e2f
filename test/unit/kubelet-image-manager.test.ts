import { describe, expect, it } from 'vitest';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import type { CriClient } from '../../src/cri/client.js';
import { criErrors } from '../../src/cri/status.js';
import { effectivePullPolicy, ImageManager, SyncError } from '../../src/kubelet/image-manager.js';
import { KubeEventRecorder } from '../../src/kubelet/kube-events.js';
import { TraceBus } from '../../src/trace/bus.js';

/** A CRI image service on the given clock: pulls take `pullMs`, `missing` images fail. */
function fakeCri(clock: SimClock, opts: { present?: string[]; missing?: string[]; pullMs?: number } = {}) {
  const calls: string[] = [];
  const present = new Set(opts.present ?? []);
  const image = {
    ImageStatus: async (req: { image: { image: string } }) => {
      calls.push(`ImageStatus ${req.image.image}`);
      return present.has(req.image.image) ? { image: { id: `sha256:${req.image.image}` } } : {};
    },
    PullImage: async (req: { image: { image: string } }) => {
      calls.push(`PullImage ${req.image.image} @${clock.now()}`);
      await clock.sleep(opts.pullMs ?? 1000);
      if (opts.missing?.includes(req.image.image)) throw criErrors.notFound(`failed to pull and unpack image "${req.image.image}": not found`);
      present.add(req.image.image);
      return { imageRef: `sha256:${req.image.image}` };
    },
  };
  return { cri: { image, runtime: {} } as unknown as CriClient, calls };
}

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'uid-1' }, spec: { containers: [] } };
const c = (image: string, imagePullPolicy?: string): Container => ({ name: 'app', image, ...(imagePullPolicy ? { imagePullPolicy } : {}) });

function setup(opts: Parameters<typeof fakeCri>[1] = {}, managerOpts = {}) {
  const clock = new SimClock();
  clock.start();
  const bus = new TraceBus(clock);
  const { cri, calls } = fakeCri(clock, opts);
  const events = new KubeEventRecorder(bus.forSource('kubelet'));
  const manager = new ImageManager(cri, clock, events, managerOpts);
  const kubeEvents = () => bus.events.filter((e) => e.kind === 'kube.event').map((e) => `${(e as { reason: string }).reason}: ${(e as { message: string }).message}`);
  return { clock, manager, calls, kubeEvents };
}

describe('ImageManager (EnsureImageExists)', () => {
  it('the API default pull policy: Always for :latest or no tag, IfNotPresent otherwise', () => {
    expect(effectivePullPolicy(c('nginx'))).toBe('Always');
    expect(effectivePullPolicy(c('nginx:latest'))).toBe('Always');
    expect(effectivePullPolicy(c('nginx:1.27'))).toBe('IfNotPresent');
    expect(effectivePullPolicy(c('localhost:5000/app'))).toBe('Always');
    expect(effectivePullPolicy(c('nginx@sha256:abc'))).toBe('IfNotPresent');
    expect(effectivePullPolicy(c('nginx:1.27', 'Never'))).toBe('Never');
  });

  it('IfNotPresent asks ImageStatus first and pulls only when absent', async () => {
    const { manager, calls, kubeEvents, clock } = setup({ present: ['busybox:1.36'] });
    expect(await manager.ensureImageExists(pod, c('busybox:1.36'), {})).toBe('sha256:busybox:1.36');
    expect(await manager.ensureImageExists(pod, c('nginx:1.27'), {})).toBe('sha256:nginx:1.27');
    expect(calls).toEqual(['ImageStatus busybox:1.36', 'ImageStatus nginx:1.27', `PullImage nginx:1.27 @${clock.now() - 1000}`]);
    expect(kubeEvents()).toEqual([
      'Pulled: Container image "busybox:1.36" already present on machine',
      'Pulling: Pulling image "nginx:1.27"',
      'Pulled: Successfully pulled image "nginx:1.27" in 1s (1s including waiting)',
    ]);
    clock.stop();
  });

  it('Always pulls without ImageStatus; Never never pulls', async () => {
    const { manager, calls, clock } = setup({ present: ['busybox:1.36'] });
    await manager.ensureImageExists(pod, c('busybox:1.36', 'Always'), {});
    expect(calls).toEqual([`PullImage busybox:1.36 @${clock.now() - 1000}`]);
    await expect(manager.ensureImageExists(pod, c('nginx:1.27', 'Never'), {})).rejects.toEqual(new SyncError('ErrImageNeverPull', 'Container image "nginx:1.27" is not present with pull policy of Never'));
    expect(calls.filter((x) => x.startsWith('PullImage nginx'))).toEqual([]);
    clock.stop();
  });

  it('a failed pull: ErrImagePull; within the back-off window ImagePullBackOff without a pull; 10 s, then 20 s', async () => {
    const { manager, calls, clock } = setup({ missing: ['nope:1'], pullMs: 0 });
    const ensure = () => manager.ensureImageExists(pod, c('nope:1'), {}).then(() => 'ok', (e: SyncError) => e.reason);
    expect(await ensure()).toBe('ErrImagePull');
    await clock.sleep(5_000);
    expect(await ensure()).toBe('ImagePullBackOff');
    await clock.sleep(5_000);
    expect(await ensure()).toBe('ErrImagePull'); // 10 s after the failure: pulls again, fails, back-off 20 s
    await clock.sleep(19_000);
    expect(await ensure()).toBe('ImagePullBackOff');
    await clock.sleep(1_000);
    expect(await ensure()).toBe('ErrImagePull');
    expect(calls.filter((x) => x.startsWith('PullImage'))).toHaveLength(3);
    // The key is the pod UID and the image: another pod is not held back.
    const other = await manager.ensureImageExists({ ...pod, metadata: { ...pod.metadata, uid: 'uid-2' } }, c('nope:1'), {}).catch((e: SyncError) => e.reason);
    expect(other).toBe('ErrImagePull');
    clock.stop();
  });

  it('serializeImagePulls (default): one PullImage at a time; the wait shows in the Pulled event', async () => {
    const { manager, calls, kubeEvents, clock } = setup({ pullMs: 2000 });
    const t0 = clock.now();
    await Promise.all([manager.ensureImageExists(pod, c('a:1'), {}), manager.ensureImageExists(pod, c('b:1'), {})]);
    expect(calls.filter((x) => x.startsWith('PullImage'))).toEqual([`PullImage a:1 @${t0}`, `PullImage b:1 @${t0 + 2000}`]);
    expect(kubeEvents()).toContain('Pulled: Successfully pulled image "b:1" in 2s (4s including waiting)');
    clock.stop();
  });

  it('serializeImagePulls: false with maxParallelImagePulls 2: pulls overlap', async () => {
    const { manager, calls, clock } = setup({ pullMs: 2000 }, { serializeImagePulls: false, maxParallelImagePulls: 2 });
    const t0 = clock.now();
    await Promise.all(['a:1', 'b:1', 'c:1'].map((i) => manager.ensureImageExists(pod, c(i), {})));
    expect(calls.filter((x) => x.startsWith('PullImage'))).toEqual([`PullImage a:1 @${t0}`, `PullImage b:1 @${t0}`, `PullImage c:1 @${t0 + 2000}`]);
    clock.stop();
  });
});
