import { afterEach, describe, expect, it } from 'vitest';
import type { PodStatus } from 'kubernetes-types/core/v1.js';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const waitingReasons = (n: TestNode) =>
  n.events('pod.status').map((e) => ((e as unknown as { status: PodStatus }).status.containerStatuses?.[0]?.state?.waiting?.reason ?? '')).filter((r, i, all) => r !== '' && r !== all[i - 1]);

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: images (pull policies, ErrImagePull, ImagePullBackOff)', { timeout: 180_000 }, () => {
  it('a missing image: ErrImagePull, then ImagePullBackOff with the image back-off, then Running once it exists', async () => {
    node = await startNode();
    node.runtime.registry.set('busybox:1.36', { missing: true });
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('3 pulls', () => node!.requests('PullImage').length >= 3, 5 * 60_000);
    const s = node.status(uid)!;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(s.containerStatuses?.[0]?.state?.waiting?.reason);
    expect(s.phase).toBe('Pending');
    // Each pull is preceded by ImageStatus (IfNotPresent), and the pulls are spaced by the
    // image back-off: at least 10 s, then at least 20 s.
    const pulls = node.requests('PullImage').map((e) => e.t);
    expect(pulls[1]! - pulls[0]!).toBeGreaterThanOrEqual(10_000);
    expect(pulls[2]! - pulls[1]!).toBeGreaterThanOrEqual(20_000);
    const calls = node.calls().filter((m) => m === 'ImageStatus' || m === 'PullImage');
    expect(calls.slice(0, 4)).toEqual(['ImageStatus', 'PullImage', 'ImageStatus', expect.stringMatching(/ImageStatus|PullImage/)]);
    expect(waitingReasons(node)).toEqual(expect.arrayContaining(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']));
    const failed = node.kubeEvents('Failed').map((e) => e.message);
    expect(failed[0]).toMatch(/^Failed to pull image "busybox:1\.36": rpc error: code = NotFound desc = /);
    expect(failed).toContain('Error: ErrImagePull');
    expect(node.kubeEvents('BackOff')[0]?.message).toBe('Back-off pulling image "busybox:1.36"');
    expect(node.transitions('image-pull').map((e) => e.to)).toEqual(expect.arrayContaining(['absent', 'pulling', 'ErrImagePull', 'ImagePullBackOff']));
    // The image appears: the next attempt pulls it and the pod runs.
    node.runtime.registry.clear('busybox:1.36');
    await node.until('Running', () => node!.status(uid)?.phase === 'Running', 10 * 60_000);
    expect(node.kubelet.imagePullState(uid, 'busybox:1.36')).toBe('present');
    expect(node.requests('RunPodSandbox')).toHaveLength(1);
  });

  it('Never with the image absent: ErrImageNeverPull and no pull', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [{ ...sleeper(), imagePullPolicy: 'Never' }] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('ErrImageNeverPull', () => node!.status(uid)?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
    expect(node.status(uid)!.containerStatuses?.[0]?.state?.waiting?.message).toBe('Container image "busybox:1.36" is not present with pull policy of Never');
    expect(node.requests('PullImage')).toHaveLength(0);
    expect(node.kubeEvents('ErrImageNeverPull')).toHaveLength(1);
    expect(node.kubelet.imagePullState(uid, 'busybox:1.36')).toBe('ErrImageNeverPull');
  });

  it('Always pulls on every start without asking ImageStatus; IfNotPresent asks and skips the pull', async () => {
    node = await startNode();
    const always = apiPod('always', { containers: [{ ...sleeper(), imagePullPolicy: 'Always' }] });
    node.kubelet.addPod(always);
    await node.until('Running', () => node!.status(always.metadata!.uid!)?.phase === 'Running');
    node.runtime.crashContainer('always', 'default', 'app', 1);
    await node.until('restarted', () => node!.requests('StartContainer').length === 2 && !!node!.status(always.metadata!.uid!)?.containerStatuses?.[0]?.state?.running);
    expect(node.calls().filter((m) => m === 'ImageStatus' || m === 'PullImage')).toEqual(['PullImage', 'PullImage']);
    const from = node.lastSeq();
    const ifNotPresent = apiPod('lazy', { containers: [{ ...sleeper(), imagePullPolicy: 'IfNotPresent' }] });
    node.kubelet.addPod(ifNotPresent);
    await node.until('Running', () => node!.status(ifNotPresent.metadata!.uid!)?.phase === 'Running');
    expect(node.calls(from).filter((m) => m === 'ImageStatus' || m === 'PullImage')).toEqual(['ImageStatus']);
    expect(node.kubeEvents('Pulled').at(-1)?.message).toBe('Container image "busybox:1.36" already present on machine');
  });
});
