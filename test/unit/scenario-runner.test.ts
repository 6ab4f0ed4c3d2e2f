/**
 * The runner carries out what the scenario says, through the kubelet and the backend, and
 * reports each expectation with what it observed: netns expectations ask the backend, IP
 * expectations compare with the previous expect (or the first IP), probe faults go through
 * the kubelet prober, a changed static pod is a new pod (a new UID), and a wait that times
 * out stops the run.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/loader.js';
import { loadOrThrow, runScenario } from '../../src/scenario/run-scenario.js';
import type { TraceEvent } from '../../src/trace/events.js';

const FIXTURES = 'test/scenario/fixtures';
const of = <K extends TraceEvent['kind']>(events: TraceEvent[], kind: K) => events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);

describe('scenario runner', () => {
  it('netns and IP expectations: kept, changed after the pause dies, gone after delete; observed values reported', async () => {
    const result = await runScenario(await loadOrThrow(`${FIXTURES}/runner-network.yaml`), { backend: 'sim' });
    const { results } = result.summary;
    expect(results.map((r) => [r.step, r.passed])).toEqual([[3, true], [4, false], [8, true], [11, true]]);
    expect(results[0]!.observed).toMatchObject({ ip: '10.244.0.2', previousIp: '10.244.0.2', netns: 'exists' });
    expect(results[1]).toMatchObject({ description: 'expect pod web: Failed', expected: { kind: 'pod', phase: 'Failed' }, observed: { phase: 'Running', ready: true } });
    expect(results[2]!.observed).toMatchObject({ ip: '10.244.0.3', previousIp: '10.244.0.2', netns: 'exists' });
    expect(results[3]!.observed).toMatchObject({ netns: 'gone' });
    // The same results are in the trace, for the UI and recordings.
    expect(of(result.events, 'expectation').map((e) => e.passed)).toEqual([true, false, true, true]);
    // Steps are bracketed and summarised by the loader's summaries.
    const starts = of(result.events, 'step').filter((e) => e.phase === 'start');
    expect(starts.map((e) => e.summary)).toContain('fault: the pause container of web dies');
    expect(of(result.events, 'fault')[0]).toMatchObject({ fault: 'killPause', target: 'web', detail: { pod: 'web' } });
  });

  it('probeFails goes through the kubelet prober; a changed static pod gets a new UID and replaces the old one', async () => {
    const result = await runScenario(await loadOrThrow(`${FIXTURES}/runner-kubelet.yaml`), { backend: 'sim' });
    expect(result.summary).toMatchObject({ failed: 0 });
    expect(result.summary.aborted).toBeUndefined();
    const unhealthy = of(result.events, 'kube.event').filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy[0]).toMatchObject({ pod: 'default/live', type: 'Warning', message: expect.stringMatching(/^Liveness probe failed/) });
    const uids = new Set(of(result.events, 'pod.status').filter((e) => e.pod === 'default/st-node-1').map((e) => e.uid));
    expect(uids.size).toBe(2);
    const runs = of(result.events, 'cri.request').filter((e) => e.method === 'RunPodSandbox' && JSON.stringify(e.request).includes('"st-node-1"'));
    expect(runs).toHaveLength(2);
  });

  it('a wait that times out records what it saw and stops the run', async () => {
    const text = `apiVersion: crilab.dev/v1alpha1
kind: Scenario
metadata: { name: timeout }
title: t
teaches: t
pods:
  - manifest: { apiVersion: v1, kind: Pod, metadata: { name: web }, spec: { containers: [{ name: app, image: "busybox:1.36", command: [sh, -c, "sleep 3600"] }] } }
steps:
  - apply: web
  - wait: { pod: web, phase: Succeeded, timeout: 5s }
  - narrate: never reached
`;
    const loaded = await loadScenarioText(text, 'timeout.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const result = await runScenario(loaded.scenario, { backend: 'sim' });
    expect(result.summary.aborted).toMatch(/^step 2 \(wait, line 10\): wait timed out after 5s: observed \{"phase":"Running","ready":true\}/);
    expect(result.summary.results).toEqual([expect.objectContaining({ step: 2, passed: false, observed: { phase: 'Running', ready: true } })]);
    expect(of(result.events, 'narration')).toHaveLength(0);
    // Simulated time: the timeout is 5 s on the run's clock.
    const last = result.events[result.events.length - 1]!;
    expect(last.t - result.startMs).toBeLessThanOrEqual(6000);
  });
});
