import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCriClient } from '../../src/cri/client.js';
import { expectRpcError, runPod, sandboxConfig, startRuntime, type RuntimeHarness } from './runtime-helpers.js';

describe('simulated runtime: restarts', () => {
  const open: RuntimeHarness[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('stopServing/serve (the runtimeRestart fault) keeps everything running, like shims outliving containerd', async () => {
    const h = await startRuntime();
    open.push(h);
    const { podSandboxId, containerId } = await runPod(h.cri, 'survivor');
    await h.runtime.stopServing();
    await expect(h.cri.runtime.Version({}, { timeoutMs: 300 })).rejects.toThrow();
    await h.runtime.serve(h.endpoint);
    const cri = createCriClient({ endpoint: h.endpoint, clock: h.clock, name: 'after' });
    // grpc-js shares the subchannel, which is backing off after the refused call: wait for it.
    await cri.waitForReady(10_000);
    expect((await cri.runtime.PodSandboxStatus({ podSandboxId })).status?.state).toBe('SANDBOX_READY');
    expect((await cri.runtime.ContainerStatus({ containerId })).status?.state).toBe('CONTAINER_RUNNING');
    cri.close();
  });

  it('a new runtime on the same state directory: READY → NOTREADY, RUNNING → EXITED 255 Unknown, IPs and names kept, new IDs unique', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crilab-state-'));
    dirs.push(dir);
    const stateDir = join(dir, 'state');
    const first = await startRuntime({ stateDir, dir: join(dir, 'a') });
    const { podSandboxId, containerId, config } = await runPod(first.cri, 'persisted');
    const stopped = await runPod(first.cri, 'done', ['true']);
    await first.clock.sleep(10);
    await first.close();

    const second = await startRuntime({ stateDir, dir: join(dir, 'b') });
    open.push(second);
    const rt = second.cri.runtime;
    expect((await rt.PodSandboxStatus({ podSandboxId })).status).toMatchObject({ state: 'SANDBOX_NOTREADY', network: { ip: '10.244.0.2' } });
    expect((await rt.ContainerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 255, reason: 'Unknown' });
    expect((await rt.ContainerStatus({ containerId: stopped.containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed' });
    const name = `persisted_default_${config.metadata!.uid}_0`;
    await expectRpcError(rt.RunPodSandbox({ config }), 'UNKNOWN', `failed to reserve sandbox name "${name}": name "${name}" is reserved for "${podSandboxId}"`);
    // A new pod gets a fresh ID and the next free IP (the recovered pods still hold theirs).
    const fresh = await rt.RunPodSandbox({ config: sandboxConfig('fresh') });
    expect([podSandboxId, stopped.podSandboxId]).not.toContain(fresh.podSandboxId);
    expect((await rt.PodSandboxStatus({ podSandboxId: fresh.podSandboxId })).status?.network?.ip).toBe('10.244.0.4');
    for (const id of [podSandboxId, stopped.podSandboxId, fresh.podSandboxId]) await rt.RemovePodSandbox({ podSandboxId: id });
    expect(second.runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
    // Recovered records are traced from where they were, without an initial transition.
    const recovered = second.bus.events.filter((e) => e.kind === 'machine.transition' && e.id === containerId).map((e) => (e as { to: string }).to);
    expect(recovered).toEqual(['removed']);
  });
});
