/**
 * Safety on a shared runtime: crilab never acts on a sandbox or container it did not create.
 * A foreign pod (no owner label, created with a plain CRI client) runs beside a containerd-backed
 * scenario; afterwards it is still READY and RUNNING, no kubelet call named it, and every
 * sandbox the run created is gone (the backend removes them when the run ends).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_LABEL } from '../../src/backends/backend.js';
import { loadOrThrow, runScenario } from '../../src/scenario/run-scenario.js';
import { criOnLab, labUnavailableReason, podSandboxConfig, releaseLab, REQUIRE_CONTAINERD, skipOrFail, useLab, type LabAvailability } from './helpers.js';
import type { LabCriClient } from '../../src/backends/containerd/lab/cri.js';

const unavailable = labUnavailableReason();

describe(`containerd backend safety${unavailable ? ` (unavailable: ${unavailable})` : ''}`, () => {
  let avail: LabAvailability = { ok: false, reason: unavailable ?? 'not started' };
  let cri: LabCriClient | undefined;
  let foreignSandbox = '';
  let foreignContainer = '';

  beforeAll(async () => {
    if (unavailable) return;
    avail = await useLab();
    if (!avail.ok) return;
    cri = await criOnLab(avail.lab.socket);
    // a foreign pod: made by someone else's CRI client, without crilab's owner label
    const config = podSandboxConfig(`foreign-${process.pid}`);
    foreignSandbox = (await cri.call('RunPodSandbox', { config })).pod_sandbox_id;
    await cri.call('PullImage', { image: { image: 'busybox:1.36' }, sandbox_config: config });
    foreignContainer = (
      await cri.call('CreateContainer', {
        pod_sandbox_id: foreignSandbox,
        sandbox_config: config,
        config: { metadata: { name: 'other', attempt: 0 }, image: { image: 'busybox:1.36' }, command: ['sleep', '3600'], labels: { 'io.kubernetes.container.name': 'other' } },
      })
    ).container_id;
    await cri.call('StartContainer', { container_id: foreignContainer });
  }, 10 * 60_000);

  afterAll(async () => {
    if (cri && foreignSandbox) {
      await cri.call('StopPodSandbox', { pod_sandbox_id: foreignSandbox }).catch(() => undefined);
      await cri.call('RemovePodSandbox', { pod_sandbox_id: foreignSandbox }).catch(() => undefined);
    }
    cri?.close();
    releaseLab();
  });

  it('runs a scenario beside a foreign pod without touching it, and removes the sandboxes it created', async (ctx) => {
    if (!avail.ok) skipOrFail(ctx, avail.reason);
    const scenario = await loadOrThrow(path.join(__dirname, 'fixtures', 'short-pod.yaml'));
    const notes: string[] = [];
    const run = await runScenario(scenario, { backend: 'containerd', onNote: (n) => notes.push(n) });
    expect(notes.join('\n')).toMatch(/backend: containerd/);
    expect(run.summary.aborted).toBeUndefined();
    expect(run.summary.failed).toBe(0);

    // the foreign pod is as it was
    const sb = await cri!.call('PodSandboxStatus', { pod_sandbox_id: foreignSandbox });
    expect(sb.status.state).toBe('SANDBOX_READY');
    const c = await cri!.call('ContainerStatus', { container_id: foreignContainer });
    expect(c.status.state).toBe('CONTAINER_RUNNING');

    // no call of crilab's kubelet named it; its lists were filtered by the owner label
    const kubeletRequests = run.events.filter((e) => e.kind === 'cri.request' && e.source === 'kubelet');
    const mentions = kubeletRequests.filter((e) => JSON.stringify(e).includes(foreignSandbox) || JSON.stringify(e).includes(foreignContainer));
    expect(mentions).toEqual([]);
    const relists = kubeletRequests.filter((e) => e.kind === 'cri.request' && e.method === 'ListPodSandbox');
    expect(relists.length).toBeGreaterThan(0);
    const responses = run.events.filter((e) => e.kind === 'cri.response' && e.source === 'kubelet');
    expect(responses.some((e) => JSON.stringify(e).includes(foreignSandbox))).toBe(false);

    // what the run created carried the owner label, and is gone
    const created = run.events.flatMap((e) => (e.kind === 'cri.response' && e.method === 'RunPodSandbox' && (e.response as any)?.podSandboxId ? [(e.response as any).podSandboxId as string] : []));
    expect(created.length).toBe(1);
    const ours = await cri!.call('ListPodSandbox', { filter: { label_selector: { 'io.kubernetes.pod.name': 'crilab-safety-short' } } });
    expect(ours.items).toEqual([]);
    const runRequest = run.events.find((e) => e.kind === 'cri.request' && e.method === 'RunPodSandbox');
    expect((runRequest as any).request.config.labels[OWNER_LABEL]).toBe('true');
  }, 3 * 60_000);
});

if (REQUIRE_CONTAINERD && unavailable) {
  describe('CRILAB_REQUIRE_CONTAINERD=1', () => {
    it('requires the containerd lab for the safety test', () => {
      throw new Error(`CRILAB_REQUIRE_CONTAINERD=1 but ${unavailable}`);
    });
  });
}
