/**
 * The fold against a real trace: the first-pod scenario run headless on the simulated runtime,
 * as `crilab play` and a recording would show it. Catches what hand-built fixtures do not: the
 * payloads as protobuf JSON really encodes them (zero values left out) and the labels the
 * runtime really puts on its machines.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrThrow, runScenario } from '../../src/scenario/run-scenario.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { foldEvents } from '../../src/ui/model/fold.js';
import { stepIndexOf } from '../../src/ui/model/steps.js';
import { wrapWords } from '../../src/ui/text.js';
import { TraceBuilder } from './fixtures/trace-builder.js';

let events: TraceEvent[];
beforeAll(async () => {
  const scenario = await loadOrThrow(resolve(import.meta.dirname, '../../scenarios/01-first-pod.yaml'));
  ({ events } = await runScenario(scenario, { backend: 'sim' }));
});

/** The model at the end of the first step that shows the pod Running. */
function whenRunning() {
  const steps = stepIndexOf(events);
  for (let n = 1; n <= steps.total; n++) {
    const vm = foldEvents(events, steps.cut(n));
    if (vm.pods[0]?.phase === 'Running') return vm;
  }
  throw new Error('the pod never ran');
}

describe('the fold of a real first-pod run', () => {
  it('reads a status without `state` as the zero state (SANDBOX_READY, CONTAINER_CREATED), as protobuf JSON leaves it out', () => {
    const vm = whenRunning();
    const status = vm.calls.find((c) => c.method === 'PodSandboxStatus' && c.done);
    // The runtime answered SANDBOX_READY, which protobuf JSON does not write.
    expect((status?.response as { status?: { state?: string } }).status?.state).toBeUndefined();
    expect(status?.responseSummary).toMatch(/^SANDBOX_READY 10\.244\.0\.\d+$/);
    expect(vm.sandboxes[0]?.state).toBe('SANDBOX_READY');
  });

  it('shows one netns per sandbox, linked through its `namespace/name` label, with the pod IP', () => {
    const vm = whenRunning();
    const sandbox = vm.sandboxes[0]!;
    expect(vm.netns).toHaveLength(1);
    const netns = vm.netns[0]!;
    expect(netns.label).toBe('default/hello-node-1');
    expect(netns.name).toMatch(/^cni-/);
    expect(netns.sandboxId).toBe(sandbox.id);
    expect(netns.podName).toBe('hello-node-1');
    expect(netns.ips).toEqual([sandbox.ip]);
    expect(netns.inferred).toBe(false);
  });
});

describe('protobuf zero values in what a runtime lists (containerd: sandboxes crilab did not create)', () => {
  it('reads a listed item with metadata but no `attempt` or `state` as attempt 0, SANDBOX_READY / CONTAINER_CREATED', () => {
    const b = new TraceBuilder();
    b.call('ListPodSandbox', {}, { response: { items: [{ id: 'a'.repeat(64), metadata: { name: 'web', namespace: 'default', uid: 'u1' } }] } }, 1);
    b.call('ListContainers', {}, { response: { containers: [{ id: 'c'.repeat(64), podSandboxId: 'a'.repeat(64), metadata: { name: 'app' } }] } }, 1);
    b.call('ContainerStatus', { containerId: 'c'.repeat(64) }, { response: { status: { id: 'c'.repeat(64), metadata: { name: 'app' }, state: 'CONTAINER_EXITED' } } }, 1);
    const vm = foldEvents(b.events);
    expect(vm.sandboxes[0]).toMatchObject({ attempt: 0, state: 'SANDBOX_READY', podName: 'web' });
    // Exit code 0 is left out too.
    expect(vm.containers[0]).toMatchObject({ attempt: 0, state: 'CONTAINER_EXITED', exitCode: 0 });
    expect(vm.calls.at(-1)?.responseSummary).toBe('CONTAINER_EXITED exit(0)');
  });
});

describe('wrapWords', () => {
  it('ends a cut paragraph in one `…`, within the width', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    for (const width of [6, 9, 12, 13, 20]) {
      const lines = wrapWords(text, width, 2);
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
      expect(lines[1]!.endsWith('…')).toBe(true);
      expect(lines[1]).not.toContain('……');
    }
  });
});
