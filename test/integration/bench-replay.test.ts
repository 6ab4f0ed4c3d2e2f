/**
 * The kubelet benchmark's replay (test/bench/kubelet-process.mjs replay) claims to make the
 * kubelet's calls for a pod start and a relist with no kubelet; its result bounds what any
 * kubelet could take. This checks the claim on a few pods against the simulated runtime: the
 * call counts by pattern, every inspection finding its pod by the UID label, and the pods left
 * running as the kubelet would leave them. It measures no time.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/real-clock.js';
import { startRuntime, type RuntimeHarness } from './runtime-helpers.js';

const REPLAY = join(dirname(fileURLToPath(import.meta.url)), '../bench/kubelet-process.mjs');

let h: RuntimeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the kubelet benchmark replay', () => {
  it("makes the kubelet's calls for each pod and finds every pod by its UID label", async () => {
    h = await startRuntime({ clock: new RealClock() });
    const endpoint = h.endpoint;
    // Runs in a child process (as in the benchmark), so this test's event loop keeps serving.
    const child = spawn(process.execPath, [REPLAY, 'replay', endpoint, '5', '2', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // 'close', not 'exit': the output is all read only once the pipes have closed.
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const done = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((m) => m['phase'] === 'done');
    // 5 pods: 5 start calls each, then a relist (2 lists) and 4 inspection calls each.
    expect(done).toMatchObject({ calls: 5 * 5 + 2 + 5 * 4, found: 5 });

    const sandboxes = (await h.cri.runtime.ListPodSandbox({})).items;
    expect(sandboxes).toHaveLength(2 + 5);
    expect(sandboxes.every((s) => s.state === 'SANDBOX_READY')).toBe(true);
    const containers = (await h.cri.runtime.ListContainers({})).containers;
    expect(containers.map((c) => c.state)).toEqual(Array(7).fill('CONTAINER_RUNNING'));
    expect(containers.every((c) => c.labels['io.kubernetes.pod.uid'] !== undefined && c.annotations['io.kubernetes.container.hash'] !== undefined)).toBe(true);
  });
});
