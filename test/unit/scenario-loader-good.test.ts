import { describe, expect, it } from 'vitest';
import { formatProblem, loadScenarioFile, loadScenarioText, scenarioSummary, stepSummary } from '../../src/scenario/loader.js';
import type { Scenario } from '../../src/scenario/types.js';

const GOOD = 'test/fixtures/scenarios/good';

async function load(file: string): Promise<Scenario> {
  const result = await loadScenarioFile(`${GOOD}/${file}`);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.scenario;
}

describe('good scenarios', () => {
  it('first-pod: durations in ms, kubelet defaults, positions of steps', async () => {
    const s = await load('first-pod.yaml');
    expect(s.metadata.name).toBe('first-pod');
    expect(s.seed).toBe(42);
    expect(s.node.kubelet.fileCheckFrequencyMs).toBe(20_000);
    // Not written in the file: the kubelet's own default syncFrequency of 1m.
    expect(s.node.kubelet.syncFrequencyMs).toBe(60_000);
    expect(s.registry.images['busybox:1.36']).toEqual({ pullTimeMs: 3000, missing: false });
    expect(s.pods).toHaveLength(1);
    expect(s.pods[0]?.name).toBe('web');
    expect(s.pods[0]?.manifest.spec?.containers[0]?.image).toBe('busybox:1.36');
    expect(s.steps[0]).toEqual({ kind: 'narrate', text: 'The kubelet finds web.yaml in its static pod directory.', position: { line: 32, column: 5 } });
    expect(s.steps[1]).toEqual({ kind: 'apply', pod: 'web', source: 'file', position: { line: 33, column: 5 } });
    expect(s.steps[2]).toMatchObject({ kind: 'wait', condition: { kind: 'call', call: 'RunPodSandbox', pod: 'web', count: 1 }, timeoutMs: 30_000 });
    // A wait without a timeout gets the default of 5 minutes of simulated time.
    expect(s.steps[3]).toMatchObject({ kind: 'wait', condition: { kind: 'machine', machine: 'sandbox', state: 'SANDBOX_READY' }, timeoutMs: 300_000 });
    expect(s.steps[5]).toMatchObject({
      kind: 'expect',
      expectation: { kind: 'calls', order: 'sequence', since: 'start', absent: [], calls: ['RunPodSandbox', 'PodSandboxStatus', 'ImageStatus', 'PullImage', 'CreateContainer', 'StartContainer'] },
    });
    expect(s.steps[8]).toMatchObject({ kind: 'advance', durationMs: 90_000 });
    expect(s.steps[9]).toMatchObject({ kind: 'expect', expectation: { kind: 'pod', pod: 'web', ip: { kind: 'kept' } } });
  });

  it('crashloop: manifestFile resolved next to the scenario, api source carried to apply', async () => {
    const s = await load('crashloop.yaml');
    expect(s.pods[0]?.manifestFile).toBe(`${GOOD}/pods/crasher.yaml`);
    expect(s.pods[0]?.manifest.metadata?.name).toBe('crasher');
    expect(s.steps[0]).toMatchObject({ kind: 'apply', pod: 'crasher', source: 'api' });
    expect(s.steps[3]).toMatchObject({ kind: 'expect', expectation: { kind: 'calls', calls: [], absent: ['RunPodSandbox'], since: 'lastExpect' } });
    expect(s.steps[4]).toMatchObject({ expectation: { restartCount: { app: 3 } } });
    expect(s.steps[6]).toMatchObject({ kind: 'fault', fault: { kind: 'probeFails', probe: 'liveness', times: 3 } });
    expect(s.steps[7]).toMatchObject({ kind: 'delete', pod: 'crasher', gracePeriodSeconds: 0 });
  });

  it('faults-tour: every fault form, bare words included', async () => {
    const s = await load('faults-tour.yaml');
    const faults = s.steps.flatMap((st) => (st.kind === 'fault' ? [st.fault] : []));
    expect(faults).toEqual([
      { kind: 'cniAddFails', times: 1, message: 'plugin type="bridge" failed (add): no IP addresses available' },
      { kind: 'killPause', pod: 'web' },
      { kind: 'runtimeRestart', downForMs: 0 },
      { kind: 'kubeletRestart', downForMs: 10_000 },
      { kind: 'crash', pod: 'web', container: 'nginx', exitCode: 2 },
      { kind: 'oomKill', pod: 'web', container: 'nginx' },
      { kind: 'imagePullSlow', image: 'nginx:1.27', pullTimeMs: 45_000, times: 1 },
      { kind: 'imagePullFails', image: 'nginx:1.27', times: 2 },
      { kind: 'probeFails', pod: 'web', container: 'nginx', probe: 'readiness' },
    ]);
    expect(s.node.kubelet.maxParallelImagePulls).toBe(2);
    const update = s.steps.find((st) => st.kind === 'update');
    expect(update?.kind === 'update' && update.manifest.spec?.containers[0]?.args).toEqual(['--debug']);
    expect(scenarioSummary(s)).toMatchObject({ name: 'faults-tour', pods: ['web'], steps: 20, faults: faults.map((f) => f.kind), advancedMs: 0 });
  });

  it('summaries read as one line per step', async () => {
    const s = await load('first-pod.yaml');
    expect(s.steps.map(stepSummary)).toEqual([
      'The kubelet finds web.yaml in its static pod directory.',
      'apply pod web (file source)',
      'wait until RunPodSandbox for web is seen (timeout 30s)',
      'wait until sandbox machine of web is SANDBOX_READY (timeout 5m)',
      'wait until pod web is Running (timeout 1m)',
      'expect calls in sequence order: RunPodSandbox, PodSandboxStatus, ImageStatus, PullImage, CreateContainer, StartContainer for web',
      'expect pod web: Running, ready, 0 restarts, netns exists',
      'expect event Pulled for web',
      'advance the clock 1m30s',
      'expect pod web: IP kept',
    ]);
    expect(scenarioSummary(s).text).toBe('first-pod: The first pod — 1 pod, 10 steps, 0 faults');
  });
});

const MINIMAL = `apiVersion: crilab.dev/v1alpha1
kind: Scenario
metadata: { name: m }
title: M
teaches: T
steps:
  - narrate: hello
`;

describe('loader details', () => {
  it('fills every default when only the required keys are written', async () => {
    const r = await loadScenarioText(MINIMAL, 'm.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.node).toMatchObject({ name: 'node-1', podCIDR: '10.244.0.0/24', images: [] });
    expect(r.scenario.registry).toEqual({ down: false, images: {} });
    expect(r.scenario.pods).toEqual([]);
    expect(r.scenario.seed).toBe(1);
  });

  it('points a missing key at its parent mapping, in block and flow style', async () => {
    const text = MINIMAL.replace('  - narrate: hello\n', '  - fault:\n      crash:\n        pod: web\n  - fault: { oomKill: { container: app } }\n');
    const r = await loadScenarioText(text, 'm.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(formatProblem)).toEqual([
      'm.yaml:9:9: missing key "container" in the crash fault, expected a string',
      'm.yaml:10:23: missing key "pod" in the oomKill fault, expected a string',
    ]);
  });

  it('follows YAML aliases to the anchored node', async () => {
    const text = MINIMAL.replace('  - narrate: hello\n', '  - advance: &t 5 min\n  - advance: *t\n');
    const r = await loadScenarioText(text, 'm.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(formatProblem)).toEqual([
      // The anchored value itself, and the alias that repeats it.
      'm.yaml:7:17: bad duration "5 min", expected a duration like 30s, 1m30s or 500ms',
      'm.yaml:8:14: bad duration "5 min", expected a duration like 30s, 1m30s or 500ms',
    ]);
  });

  it('reads manifest files through the given reader and reports their problems in them', async () => {
    const text = MINIMAL.replace('steps:\n', 'pods:\n  - manifestFile: web.yaml\nsteps:\n  - apply: web\n');
    const files: Record<string, string> = {
      'dir/web.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - { name: app, image: "busybox:1.36", livenessProbe: { exec: { command: [cat, /ok] }, successThreshold: 2 } }\n',
    };
    const readFile = async (p: string) => {
      const t = files[p];
      if (t === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return t;
    };
    const r = await loadScenarioText(text, 'dir/m.yaml', { readFile });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(formatProblem)).toEqual([
      'dir/web.yaml:6:109: successThreshold of a liveness probe is 2, expected 1 (the API allows other values only for readiness probes)',
    ]);
  });

  it('reports an unreadable scenario file as a problem, not an exception', async () => {
    const r = await loadScenarioFile('test/fixtures/scenarios/does-not-exist.yaml');
    expect(r).toEqual({
      ok: false,
      problems: [{ file: 'test/fixtures/scenarios/does-not-exist.yaml', line: 1, column: 1, message: 'cannot read the scenario: no such file' }],
    });
  });
});
