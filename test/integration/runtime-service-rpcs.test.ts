import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerEventResponse__Output } from '../../src/cri/generated/runtime/v1/ContainerEventResponse.js';
import { methodNames, RUNTIME_SERVICE, IMAGE_SERVICE } from '../../src/cri/proto.js';
import { containerConfig, expectRpcError, runPod, sandboxConfig, startRuntime, streamSession, type RuntimeHarness } from './runtime-helpers.js';

const BOGUS = 'f'.repeat(64);

describe('simulated runtime: stats, streaming, events, config, unimplemented RPCs', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startRuntime();
  });
  afterEach(async () => h.close());

  it('answers every RPC of both services (none falls through to a generic UNIMPLEMENTED)', async () => {
    const handlers = h.runtime.handlers();
    for (const m of methodNames(RUNTIME_SERVICE)) {
      if (m.startsWith('Stream')) continue; // server-streaming RPCs containerd 1.6 lacks: see docs/runtime.md
      expect(handlers.runtime, m).toHaveProperty(m);
    }
    for (const m of methodNames(IMAGE_SERVICE)) if (!m.startsWith('Stream')) expect(handlers.image, m).toHaveProperty(m);
  });

  it('RPCs containerd 1.6 does not serve answer UNIMPLEMENTED with its words', async () => {
    const rt = h.cri.runtime;
    await expectRpcError(rt.CheckpointContainer({ containerId: BOGUS }), 'UNIMPLEMENTED', 'method CheckpointContainer not implemented');
    for (const [m, call] of [
      ['CheckpointPod', () => rt.CheckpointPod({})],
      ['RestorePod', () => rt.RestorePod({})],
      ['ListMetricDescriptors', () => rt.ListMetricDescriptors({})],
      ['ListPodSandboxMetrics', () => rt.ListPodSandboxMetrics({})],
      ['UpdatePodSandboxResources', () => rt.UpdatePodSandboxResources({ podSandboxId: BOGUS })],
    ] as const) {
      await expectRpcError(call(), 'UNIMPLEMENTED', `unknown method ${m} for service runtime.v1.RuntimeService`);
    }
  });

  it('UpdateRuntimeConfig records the pod CIDR; RuntimeConfig gives the cgroup driver', async () => {
    await h.cri.runtime.UpdateRuntimeConfig({ runtimeConfig: { networkConfig: { podCidr: '10.244.7.0/24' } } });
    expect(JSON.parse((await h.cri.runtime.Status({ verbose: true })).info.config!).podCIDR).toBe('10.244.7.0/24');
    await h.cri.runtime.UpdateRuntimeConfig({});
    expect(await h.cri.runtime.RuntimeConfig({})).toEqual({ linux: { cgroupDriver: 'CGROUPFS' } });
  });

  it('container and sandbox stats; containers without a task have none', async () => {
    const { podSandboxId, containerId, config } = await runPod(h.cri, 'stats');
    await h.clock.sleep(10_000);
    const s = (await h.cri.runtime.ContainerStats({ containerId })).stats!;
    expect(s.attributes).toMatchObject({ id: containerId, metadata: { name: 'app', attempt: 0 } });
    expect(Number(s.cpu?.usageCoreNanoSeconds?.value)).toBeCloseTo(10_000_000, -5); // 0.1% of a core for 10 s
    expect(Number(s.memory?.workingSetBytes?.value)).toBeGreaterThan(0);
    const { containerId: created } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('idle', ['true']), sandboxConfig: config });
    await expectRpcError(h.cri.runtime.ContainerStats({ containerId: created }), 'UNKNOWN', 'unexpected metrics response: []');
    await expectRpcError(h.cri.runtime.ContainerStats({ containerId: BOGUS }), 'NOT_FOUND', 'failed to find container: not found');
    const list = (await h.cri.runtime.ListContainerStats({ filter: { podSandboxId } })).stats;
    expect(list.map((x) => [x.attributes?.metadata?.name, x.cpu === null])).toEqual(
      expect.arrayContaining([
        ['app', false],
        ['idle', true],
      ]),
    );
    const ps = (await h.cri.runtime.PodSandboxStats({ podSandboxId })).stats!;
    expect(ps.attributes?.id).toBe(podSandboxId);
    expect(ps.linux?.containers.map((c) => c.attributes?.id)).toEqual([containerId]);
    expect(ps.linux?.network?.defaultInterface?.name).toBe('eth0');
    await expectRpcError(h.cri.runtime.PodSandboxStats({ podSandboxId: BOGUS }), 'NOT_FOUND', `an error occurred when trying to find sandbox ${BOGUS}: not found`);
    const other = await h.cri.runtime.RunPodSandbox({ config: sandboxConfig('other') });
    await h.cri.runtime.StopPodSandbox({ podSandboxId: other.podSandboxId });
    expect((await h.cri.runtime.ListPodSandboxStats({ filter: {} })).stats.map((x) => x.attributes?.id)).toEqual([podSandboxId]);
  });

  it('Exec, Attach, PortForward: validation as containerd, and a one-time URL of a server that really runs the session', async () => {
    const { podSandboxId, containerId } = await runPod(h.cri, 'stream', ['sh', '-c', 'while true; do echo tick; sleep 1; done']);
    await expectRpcError(h.cri.runtime.Exec({ containerId, cmd: ['sh'] }), 'INVALID_ARGUMENT', 'one of stdin, stdout, or stderr must be set');
    await expectRpcError(h.cri.runtime.Exec({ containerId, cmd: ['sh'], tty: true, stdout: true, stderr: true }), 'INVALID_ARGUMENT', 'tty and stderr cannot both be true');
    await expectRpcError(h.cri.runtime.Exec({ containerId: BOGUS, cmd: ['sh'], stdout: true }), 'NOT_FOUND', `failed to find container "${BOGUS}" in store: not found`);
    await expectRpcError(h.cri.runtime.Attach({ containerId, stdin: false }), 'INVALID_ARGUMENT', 'one of stdin, stdout, and stderr must be set');
    await expectRpcError(h.cri.runtime.Attach({ containerId: BOGUS, stdout: true }), 'NOT_FOUND', 'failed to find container in store: not found');
    await expectRpcError(h.cri.runtime.PortForward({ podSandboxId: BOGUS, port: [80] }), 'NOT_FOUND', `failed to find sandbox "${BOGUS}": not found`);

    const { url } = await h.cri.runtime.Exec({ containerId, cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'], stdout: true, stderr: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]{8}$/);
    const session = await streamSession(url, 'v4.channel.k8s.io');
    expect(session.protocol).toBe('v4.channel.k8s.io');
    const on = (ch: number) => session.messages.filter((m) => m[0] === ch).map((m) => m.subarray(1).toString()).join('');
    expect(on(1)).toBe('hello\n');
    expect(on(2)).toBe('oops\n');
    expect(JSON.parse(on(3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    // The token was used: a second connection is refused.
    await expect(streamSession(url, 'v4.channel.k8s.io')).rejects.toThrow(/HTTP 404/);

    // v5: stdin is read until the client closes it.
    const cat = await h.cri.runtime.Exec({ containerId, cmd: ['cat'], stdin: true, stdout: true });
    const withStdin = await streamSession(cat.url, 'v5.channel.k8s.io', [Buffer.from('\x00piped in\n'), Buffer.from([255, 0])]);
    expect(withStdin.messages.filter((m) => m[0] === 1).map((m) => m.subarray(1).toString()).join('')).toBe('piped in\n');
    expect(JSON.parse(withStdin.messages.find((m) => m[0] === 3)!.subarray(1).toString())).toEqual({ metadata: {}, status: 'Success' });

    const att = await h.cri.runtime.Attach({ containerId, stdout: true });
    expect(att.url).toMatch(/\/attach\//);
    const attached = streamSession(att.url, 'v4.channel.k8s.io');
    await h.clock.sleep(2500);
    await h.cri.runtime.StopContainer({ containerId, timeout: 0 });
    const seen = await attached;
    expect(seen.messages.filter((m) => m[0] === 1).map((m) => m.subarray(1).toString()).join('')).toMatch(/^(tick\n)+$/);

    const pf = await h.cri.runtime.PortForward({ podSandboxId, port: [8080] });
    expect(pf.url).toMatch(/\/portforward\//);
    await expectRpcError(h.cri.runtime.Exec({ containerId, cmd: ['true'], stdout: true }), 'UNKNOWN', 'container is in CONTAINER_EXITED state');
  });

  it('GetContainerEvents streams what happens to sandboxes and containers', async () => {
    const stream = h.cri.runtime.GetContainerEvents({});
    const seen: ContainerEventResponse__Output[] = [];
    const reading = (async () => {
      for await (const e of stream) seen.push(e as ContainerEventResponse__Output);
    })().catch(() => undefined);
    await h.clock.sleep(10);
    const { podSandboxId, containerId } = await runPod(h.cri, 'events');
    await h.cri.runtime.RemovePodSandbox({ podSandboxId });
    await h.clock.sleep(10);
    stream.cancel();
    await reading;
    const brief = seen.map((e) => [e.containerId === podSandboxId ? 'sandbox' : e.containerId === containerId ? 'app' : '?', e.containerEventType]);
    expect(brief).toEqual([
      ['sandbox', 'CONTAINER_CREATED_EVENT'],
      ['sandbox', 'CONTAINER_STARTED_EVENT'],
      ['app', 'CONTAINER_CREATED_EVENT'],
      ['app', 'CONTAINER_STARTED_EVENT'],
      ['app', 'CONTAINER_STOPPED_EVENT'],
      ['sandbox', 'CONTAINER_STOPPED_EVENT'],
      ['app', 'CONTAINER_DELETED_EVENT'],
      ['sandbox', 'CONTAINER_DELETED_EVENT'],
    ]);
    expect(seen[0]?.podSandboxStatus?.id).toBe(podSandboxId);
  });
});

describe('simulated runtime: image service and image faults', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startRuntime();
  });
  afterEach(async () => h.close());

  it('PullImage, ImageStatus, ListImages, RemoveImage, ImageFsInfo answer as containerd', async () => {
    expect(await h.cri.image.ImageStatus({ image: { image: 'busybox:1.36' } })).toMatchObject({ image: null });
    const { imageRef } = await h.cri.image.PullImage({ image: { image: 'busybox:1.36' } });
    expect(imageRef).toMatch(/^sha256:[0-9a-f]{64}$/);
    const st = await h.cri.image.ImageStatus({ image: { image: 'busybox:1.36' }, verbose: true });
    expect(st.image).toMatchObject({ id: imageRef, repoTags: ['docker.io/library/busybox:1.36'] });
    expect(st.info.info).toBeDefined();
    expect((await h.cri.image.ListImages({})).images.map((i) => i.id)).toContain(imageRef);
    const fs = await h.cri.image.ImageFsInfo({});
    expect(Number(fs.imageFilesystems[0]?.usedBytes?.value)).toBeGreaterThan(0);
    await h.cri.image.RemoveImage({ image: { image: 'busybox:1.36' } });
    await h.cri.image.RemoveImage({ image: { image: 'busybox:1.36' } });
    expect((await h.cri.image.ImageStatus({ image: { image: imageRef } })).image).toBeNull();
    await expectRpcError(h.cri.image.PullImage({ image: { image: '' } }), 'UNKNOWN', 'failed to parse image reference "": invalid reference format');
  });

  it('image faults reach PullImage: missing, private, down, slow', async () => {
    h.runtime.imageFault('docker.io/library/busybox:1.36', { missing: true });
    await expectRpcError(h.cri.image.PullImage({ image: { image: 'busybox:1.36' } }), 'NOT_FOUND', /busybox:1\.36.*not found/);
    h.runtime.clearImageFaults();
    h.runtime.imageFault('docker.io/library/busybox:1.36', { private: true });
    await expectRpcError(h.cri.image.PullImage({ image: { image: 'busybox:1.36' } }), 'UNKNOWN', /401 Unauthorized|authorization failed|pull access denied/);
    h.runtime.clearImageFaults();
    h.runtime.imageFault('*', { down: true });
    await expectRpcError(h.cri.image.PullImage({ image: { image: 'busybox:1.36' } }), 'UNKNOWN', /registry-1\.docker\.io|dial tcp|no such host/);
    h.runtime.clearImageFaults();
    h.runtime.imageFault('docker.io/library/busybox:1.36', { slow: { durationMs: 30_000 } });
    const t0 = h.clock.now();
    await h.cri.image.PullImage({ image: { image: 'busybox:1.36' } });
    expect(h.clock.now() - t0).toBeGreaterThanOrEqual(30_000);
  });
});
