/**
 * One full pod lifecycle as a CRI client drives it, 7 calls: RunPodSandbox, CreateContainer
 * (busybox `sleep 3600`), StartContainer, StopContainer (timeout 0), RemoveContainer,
 * StopPodSandbox, RemovePodSandbox. The concurrency test and the runtime benchmark run the same
 * load with it. No vitest here: the benchmark imports it outside vitest.
 */
import type { PodSandboxConfig } from '../../src/cri/generated/runtime/v1/PodSandboxConfig.js';
import type { RuntimeServiceApi } from '../../src/cri/types.js';

export const CALLS_PER_POD_LIFECYCLE = 7;

export async function podLifecycle(runtime: RuntimeServiceApi, config: PodSandboxConfig): Promise<void> {
  const { podSandboxId } = await runtime.RunPodSandbox({ config });
  const { containerId } = await runtime.CreateContainer({
    podSandboxId,
    config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox:1.36' }, command: ['sleep', '3600'] },
    sandboxConfig: config,
  });
  await runtime.StartContainer({ containerId });
  await runtime.StopContainer({ containerId, timeout: 0 });
  await runtime.RemoveContainer({ containerId });
  await runtime.StopPodSandbox({ podSandboxId });
  await runtime.RemovePodSandbox({ podSandboxId });
}
