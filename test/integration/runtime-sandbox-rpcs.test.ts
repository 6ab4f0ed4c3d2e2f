import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerConfig, expectRpcError, runPod, sandboxConfig, startRuntime, type RuntimeHarness } from './runtime-helpers.js';

/**
 * The sandbox RPCs against the simulated runtime, with the codes and messages containerd
 * 1.6.20 gives (each checked on the lab's containerd; see docs/runtime.md).
 */
describe('simulated runtime: sandbox RPCs', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startRuntime();
  });
  afterEach(async () => h.close());

  it('Version answers as containerd with CRI version 0.1.0', async () => {
    const v = await h.cri.runtime.Version({});
    expect(v).toMatchObject({ version: '0.1.0', runtimeName: 'containerd', runtimeApiVersion: 'v1' });
    expect(v.runtimeVersion).toMatch(/crilab-sim/);
  });

  it('Status reports RuntimeReady and NetworkReady, and verbose info', async () => {
    const s = await h.cri.runtime.Status({ verbose: true });
    expect(s.status?.conditions.map((c) => [c.type, c.status])).toEqual([
      ['RuntimeReady', true],
      ['NetworkReady', true],
    ]);
    expect(JSON.parse(s.info.config!)).toMatchObject({ podCIDR: '10.244.0.0/24' });
  });

  it('RunPodSandbox: a 64-hex ID, READY with an IP; missing metadata and a duplicate name are refused', async () => {
    const config = sandboxConfig('web');
    const { podSandboxId } = await h.cri.runtime.RunPodSandbox({ config });
    expect(podSandboxId).toMatch(/^[0-9a-f]{64}$/);
    const name = `web_default_${config.metadata!.uid}_0`;
    await expectRpcError(h.cri.runtime.RunPodSandbox({ config }), 'UNKNOWN', `failed to reserve sandbox name "${name}": name "${name}" is reserved for "${podSandboxId}"`);
    await expectRpcError(h.cri.runtime.RunPodSandbox({}), 'UNKNOWN', 'sandbox config must include metadata');
    const st = await h.cri.runtime.PodSandboxStatus({ podSandboxId: podSandboxId.slice(0, 12) });
    expect(st.status).toMatchObject({ id: podSandboxId, state: 'SANDBOX_READY', network: { ip: '10.244.0.2' } });
    expect(st.status?.linux?.namespaces?.options).toMatchObject({ network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  });

  it('PodSandboxStatus: verbose info; unknown, empty and ambiguous IDs', async () => {
    const { podSandboxId } = await h.cri.runtime.RunPodSandbox({ config: sandboxConfig('a') });
    const st = await h.cri.runtime.PodSandboxStatus({ podSandboxId, verbose: true });
    const info = JSON.parse(st.info.info!);
    expect(info).toMatchObject({ processStatus: 'running', netNamespaceClosed: false, image: 'registry.k8s.io/pause:3.6', runtimeType: 'io.containerd.runc.v2' });
    expect(info.pid).toBeGreaterThan(0);
    expect(info.runtimeSpec.linux.namespaces.at(-1).path).toMatch(/^\/var\/run\/netns\/cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await expectRpcError(h.cri.runtime.PodSandboxStatus({ podSandboxId: 'f'.repeat(64) }), 'NOT_FOUND', 'an error occurred when try to find sandbox: not found');
    await expectRpcError(h.cri.runtime.PodSandboxStatus({ podSandboxId: '' }), 'UNKNOWN', "an error occurred when try to find sandbox: Prefix can't be empty");
    await h.cri.runtime.RunPodSandbox({ config: sandboxConfig('b') });
    // Two 64-hex IDs share a first hex digit often enough; find a prefix both have, if any.
    const ids = (await h.cri.runtime.ListPodSandbox({})).items.map((i) => i.id);
    const shared = ids[0]![0] === ids[1]![0] ? ids[0]![0]! : undefined;
    if (shared) await expectRpcError(h.cri.runtime.PodSandboxStatus({ podSandboxId: shared }), 'UNKNOWN', `an error occurred when try to find sandbox: multiple IDs found with provided prefix: ${shared}`);
  });

  it('ListPodSandbox filters by id prefix, state and label selector', async () => {
    const a = await h.cri.runtime.RunPodSandbox({ config: sandboxConfig('a', { labels: { app: 'a', tier: 'web' } }) });
    const b = await h.cri.runtime.RunPodSandbox({ config: sandboxConfig('b', { labels: { app: 'b', tier: 'web' } }) });
    await h.cri.runtime.StopPodSandbox({ podSandboxId: b.podSandboxId });
    const ids = async (filter: object) => (await h.cri.runtime.ListPodSandbox({ filter })).items.map((i) => i.id).sort();
    expect(await ids({})).toEqual([a.podSandboxId, b.podSandboxId].sort());
    expect(await ids({ id: a.podSandboxId.slice(0, 10) })).toEqual([a.podSandboxId]);
    expect(await ids({ state: { state: 'SANDBOX_NOTREADY' } })).toEqual([b.podSandboxId]);
    expect(await ids({ state: { state: 'SANDBOX_READY' } })).toEqual([a.podSandboxId]);
    expect(await ids({ labelSelector: { tier: 'web' } })).toEqual([a.podSandboxId, b.podSandboxId].sort());
    expect(await ids({ labelSelector: { tier: 'web', app: 'b' } })).toEqual([b.podSandboxId]);
    expect(await ids({ labelSelector: { app: 'nope' } })).toEqual([]);
  });

  it('StopPodSandbox kills the containers at once, frees the IP, is safe to repeat; unknown ID is NotFound (1.6)', async () => {
    const { podSandboxId, containerId } = await runPod(h.cri, 'stopme');
    const started = h.clock.now();
    await h.cri.runtime.StopPodSandbox({ podSandboxId });
    expect(h.clock.now() - started).toBe(0); // timeout 0: SIGKILL, no grace
    const c = (await h.cri.runtime.ContainerStatus({ containerId })).status!;
    expect(c).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
    const s = (await h.cri.runtime.PodSandboxStatus({ podSandboxId })).status!;
    expect(s).toMatchObject({ state: 'SANDBOX_NOTREADY', network: { ip: '' } });
    expect(h.runtime.leaks()).toMatchObject({ ips: 0, netns: 0 });
    await h.cri.runtime.StopPodSandbox({ podSandboxId });
    await expectRpcError(
      h.cri.runtime.StopPodSandbox({ podSandboxId: 'f'.repeat(64) }),
      'NOT_FOUND',
      `an error occurred when try to find sandbox "${'f'.repeat(64)}": not found`,
    );
  });

  it('a container in a stopped sandbox: CreateContainer NotFound, StartContainer marks StartError', async () => {
    const { podSandboxId, config } = await runPod(h.cri, 'late');
    const { containerId: created } = await h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('second', ['true']), sandboxConfig: config });
    await h.cri.runtime.StopPodSandbox({ podSandboxId });
    await expectRpcError(
      h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('third', ['true']), sandboxConfig: config }),
      'NOT_FOUND',
      `failed to get sandbox container task: no running task found: task ${podSandboxId} not found: not found`,
    );
    expect((await h.cri.runtime.ContainerStatus({ containerId: created })).status?.state).toBe('CONTAINER_CREATED');
    await expectRpcError(h.cri.runtime.StartContainer({ containerId: created }), 'UNKNOWN', `sandbox container "${podSandboxId}" is not running`);
    expect((await h.cri.runtime.ContainerStatus({ containerId: created })).status).toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 128,
      reason: 'StartError',
      message: `sandbox container "${podSandboxId}" is not running`,
      startedAt: '0',
    });
  });

  it('RemovePodSandbox needs no stop, removes the containers, frees name and IP; unknown ID is fine', async () => {
    const { podSandboxId, containerId, config } = await runPod(h.cri, 'gone');
    await h.cri.runtime.RemovePodSandbox({ podSandboxId });
    await expectRpcError(h.cri.runtime.ContainerStatus({ containerId }), 'NOT_FOUND', `an error occurred when try to find container "${containerId}": not found`);
    await expectRpcError(h.cri.runtime.PodSandboxStatus({ podSandboxId }), 'NOT_FOUND', 'an error occurred when try to find sandbox: not found');
    expect(h.runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
    await h.cri.runtime.RemovePodSandbox({ podSandboxId });
    // The name is free again: the same pod and attempt can run.
    await h.cri.runtime.RunPodSandbox({ config });
  });

  it('the sandbox and pause machines: each transition in the trace comes from an actor and is allowed', async () => {
    const { podSandboxId } = await runPod(h.cri, 'traced');
    await h.cri.runtime.RemovePodSandbox({ podSandboxId });
    const of = (machine: string) =>
      h.bus.events.filter((e) => e.kind === 'machine.transition' && e.machine === machine && e.id === podSandboxId).map((e) => (e as { to: string }).to);
    expect(of('sandbox')).toEqual(['SANDBOX_UNKNOWN', 'SANDBOX_READY', 'SANDBOX_NOTREADY', 'removed']);
    expect(of('pause')).toEqual(['created', 'running', 'exited']);
  });
});

describe('simulated runtime: the pause container dies', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await startRuntime();
  });
  afterEach(async () => h.close());

  it('the sandbox becomes NOTREADY and keeps its IP; an app container with its own PID namespace keeps running (as containerd 1.6 does)', async () => {
    const { podSandboxId, containerId, config } = await runPod(h.cri, 'pk');
    h.runtime.killPause('pk', 'default');
    await h.clock.sleep(10);
    const s = (await h.cri.runtime.PodSandboxStatus({ podSandboxId })).status!;
    expect(s).toMatchObject({ state: 'SANDBOX_NOTREADY', network: { ip: '10.244.0.2' } });
    expect((await h.cri.runtime.ContainerStatus({ containerId })).status?.state).toBe('CONTAINER_RUNNING');
    const out = await h.cri.runtime.ExecSync({ containerId, cmd: ['echo', 'alive'] });
    expect(Buffer.from(out.stdout).toString()).toBe('alive\n');
    await expectRpcError(
      h.cri.runtime.CreateContainer({ podSandboxId, config: containerConfig('late', ['true']), sandboxConfig: config }),
      'NOT_FOUND',
      `failed to get sandbox container task: no running task found: task ${podSandboxId} not found: not found`,
    );
    // The kubelet then stops the sandbox: the container is killed and the IP freed.
    await h.cri.runtime.StopPodSandbox({ podSandboxId });
    expect((await h.cri.runtime.ContainerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137 });
    expect(h.runtime.leaks()).toMatchObject({ ips: 0, netns: 0 });
  });

  it('a container sharing the pod PID namespace (mode POD) dies with pause: exit 137', async () => {
    await h.cri.image.PullImage({ image: { image: 'busybox:1.36' } });
    const config = sandboxConfig('shared', { linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'POD', ipc: 'POD' } } } });
    const { podSandboxId } = await h.cri.runtime.RunPodSandbox({ config });
    const shared = containerConfig('app', ['sleep', '3600'], { linux: { securityContext: { namespaceOptions: { pid: 'POD' } } } });
    const { containerId } = await h.cri.runtime.CreateContainer({ podSandboxId, config: shared, sandboxConfig: config });
    await h.cri.runtime.StartContainer({ containerId });
    h.runtime.killPause('shared', 'default');
    await h.clock.sleep(10);
    expect((await h.cri.runtime.ContainerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
    expect((await h.cri.runtime.PodSandboxStatus({ podSandboxId })).status?.state).toBe('SANDBOX_NOTREADY');
  });
});
