import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import { TraceBus } from '../../src/trace/bus.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { isBackground } from './kubelet-harness.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hello', namespace: 'default', uid: '0b1c7c2e-2f0a-4b8e-9d5e-1a2b3c4d5e6f' },
  spec: {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 5,
    containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo hello; while true; do sleep 3600; done'] }],
  },
};

describe('one pod through its whole life, kubelet → gRPC on a Unix socket → simulated runtime', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup.length = 0;
  });

  it('makes the exact CRI calls of a real kubelet and leaves nothing behind', async () => {
    const clock = new SimClock();
    const bus = new TraceBus(clock);
    const dir = mkdtempSync(join(tmpdir(), 'crilab-it-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const socket = join(dir, 'runtime.sock');
    const runtime = new SimRuntime({ clock, trace: bus.forSource('runtime'), seed: 7, logRoot: join(dir, 'logs') });
    await runtime.serve(`unix://${socket}`);
    cleanup.push(() => runtime.close());
    expect(statSync(socket).isSocket()).toBe(true);
    expect(statSync(socket).mode & 0o777).toBe(0o660);
    clock.start();
    cleanup.push(() => clock.stop());

    const cri: CriClient = createCriClient({ endpoint: `unix://${socket}`, clock, trace: bus.forSource('kubelet'), name: 'kubelet' });
    cleanup.push(() => cri.close());
    const kubelet = new Kubelet({ cri, clock, trace: bus.forSource('kubelet'), nodeName: 'node-1' });
    await kubelet.start();
    cleanup.push(() => kubelet.stop());

    const phase = () => kubelet.podStatus(pod.metadata!.uid!)?.phase;
    const until = async (what: string, cond: () => boolean, limitMs: number) => {
      const deadline = clock.now() + limitMs;
      while (!cond()) {
        if (clock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await clock.sleep(100);
      }
    };

    kubelet.addPod(pod, 'api');
    await until('Running', () => phase() === 'Running', 60_000);
    const status = kubelet.podStatus(pod.metadata!.uid!)!;
    expect(status.podIP).toBe('10.244.0.2');
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(status.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, restartCount: 0, state: { running: {} } });
    expect(status.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);

    kubelet.deletePod(pod.metadata!.uid!, 5);
    await until('sandbox removed', () => runtime.store.sandboxes.size === 0, 120_000);
    await clock.sleep(5_000); // a few more relists: nothing further may happen

    const calls = bus.events.filter((e): e is TraceEvent & { kind: 'cri.request' } => e.kind === 'cri.request' && !isBackground(e)).map((e) => e.method);
    expect(calls).toEqual([
      'Version',
      // first sync: sandbox first, then its status (for the IP), then the image, then the container
      'RunPodSandbox',
      'PodSandboxStatus',
      'ImageStatus',
      'PullImage',
      'CreateContainer',
      'StartContainer',
      // the next relist sees the new sandbox and container: GetPodStatus for the pod
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      'ContainerStatus',
      // deletion: stop the container with the grace period, then the sandbox
      'StopContainer',
      'StopPodSandbox',
      // the relist sees both stopped
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      'ContainerStatus',
      // ContainerDied of a deleted pod: the container deletor removes it
      'RemoveContainer',
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      // the container GC's minute: the dead sandbox of the deleted pod goes
      'StopPodSandbox',
      'RemovePodSandbox',
      // the relist sees the sandbox gone: the pod has nothing left
      'ListPodSandbox',
      'ListContainers',
    ]);

    // The container got SIGTERM, ignored it as PID 1 of `sh`, and was killed at the 5 s deadline.
    const stop = bus.events.find((e) => e.kind === 'cri.response' && e.method === 'StopContainer');
    expect(stop && 'durationMs' in stop ? stop.durationMs : -1).toBe(5000);
    const exit = bus.events.find((e) => e.kind === 'machine.transition' && e.machine === 'container' && e.to === 'CONTAINER_EXITED');
    expect(exit).toBeDefined();

    // Final states: everything the pod held is gone, including the IP and the netns.
    expect(runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
    const sandboxStates = bus.events.filter((e) => e.kind === 'machine.transition' && e.machine === 'sandbox').map((e) => (e as { to: string }).to);
    expect(sandboxStates).toEqual(['SANDBOX_UNKNOWN', 'SANDBOX_READY', 'SANDBOX_NOTREADY', 'removed']);
    expect(kubelet.workerState(pod.metadata!.uid!)).toBe('terminated');
  });
});
