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
