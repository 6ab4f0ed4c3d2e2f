import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, loadScenarioText } from '../../src/scenario/loader.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { formatHop, makeContainerName, makeDockerLabels, makeSandboxName, parseHop, toPullableImageID } from '../../src/runtime/dockershim/index.js';
import type { TraceEvent } from '../../src/trace/events.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('node.runtime in the scenario format', () => {
  const base = (runtime: string) =>
    `apiVersion: crilab.dev/v1alpha1\nkind: Scenario\nmetadata: { name: x }\ntitle: t\nteaches: t\nnode:\n  runtime: ${runtime}\nsteps:\n  - narrate: hi\n`;
  it('defaults to containerd and accepts dockershim', async () => {
    const plain = await loadScenarioText('apiVersion: crilab.dev/v1alpha1\nkind: Scenario\nmetadata: { name: x }\ntitle: t\nteaches: t\nsteps:\n  - narrate: hi\n', 'x.yaml');
    expect(plain.ok && plain.scenario.node.runtime).toBe('containerd');
    const shim = await loadScenarioText(base('dockershim'), 'x.yaml');
    expect(shim.ok && shim.scenario.node.runtime).toBe('dockershim');
  });
  it('refuses another runtime with its line and column', async () => {
    const bad = await loadScenarioText(base('cri-o'), 'x.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(`${bad.problems[0]!.line}:${bad.problems[0]!.column} ${bad.problems[0]!.message}`).toMatch(/^7:12 .*containerd.*dockershim/);
  });
});

describe('dockershim naming', () => {
  const meta = { name: 'web', namespace: 'default', uid: 'u1', attempt: 2 };
  it('names Docker containers as dockershim did', () => {
    expect(makeSandboxName(meta)).toBe('k8s_POD_web_default_u1_2');
    expect(makeContainerName(meta, { name: 'app', attempt: 3 })).toBe('k8s_app_web_default_u1_3');
  });
  it('stores annotations as prefixed labels', () => {
    expect(makeDockerLabels({ a: '1' }, { 'kubernetes.io/config.source': 'file' })).toEqual({ a: '1', 'annotation.kubernetes.io/config.source': 'file' });
  });
  it('reports image IDs the docker way', () => {
    expect(toPullableImageID('docker.io/library/busybox@sha256:abc')).toBe('docker-pullable://docker.io/library/busybox@sha256:abc');
    expect(toPullableImageID('sha256:abc')).toBe('docker://sha256:abc');
  });
  it('writes hops that parse back', () => {
    const h = { from: 'dockershim', to: 'dockerd', call: 'POST /v1.41/containers/create?name=k8s_POD_x', detail: 'labels …' } as const;
    expect(parseHop(formatHop(h))).toEqual(h);
    expect(parseHop('something else')).toBeUndefined();
  });
});

describe('scenario 14 on the simulated dockershim', () => {
  it('answers Version as docker, and turns each CRI call into Docker Engine API calls', async () => {
    const loaded = await loadScenarioFile(join(ROOT, 'scenarios/14-dockershim-then-cri-now.yaml'));
    if (!loaded.ok) throw new Error(loaded.problems[0]!.message);
    const result = await runScenario(loaded.scenario, { backend: 'sim' });
    expect(result.summary.failed).toBe(0);
    expect(result.summary.aborted).toBeUndefined();
    const events = result.events;
    const version = events.find((e): e is Extract<TraceEvent, { kind: 'cri.response' }> => e.kind === 'cri.response' && e.method === 'Version');
    expect(version?.response).toMatchObject({ version: '0.1.0', runtimeName: 'docker' });
    const hops = events.flatMap((e) => (e.kind === 'log' ? [parseHop(e.message)] : [])).filter((h) => h !== undefined);
    const calls = hops.map((h) => `${h.from}>${h.to} ${h.call}`);
    // RunPodSandbox: the infra container is created by name, as dockershim named it, then started; CNI by dockershim.
    const create = calls.findIndex((c) => /^dockershim>dockerd POST \/v1\.41\/containers\/create\?name=k8s_POD_hello-node-1_default_/.test(c));
    const start = calls.findIndex((c) => /^dockershim>dockerd POST \/v1\.41\/containers\/k8s_POD_.*\/start$/.test(c));
    const cni = calls.findIndex((c) => c === 'dockershim>cni CNI ADD');
    expect(create).toBeGreaterThanOrEqual(0);
    expect(start).toBeGreaterThan(create);
    expect(cni).toBeGreaterThan(start);
    expect(hops[create]!.detail).toMatch(/io\.kubernetes\.docker\.type=podsandbox/);
    expect(hops[create]!.detail).toMatch(/NetworkMode none/);
    // The app container joins the sandbox's network through Docker's container: mode.
    const app = hops.find((h) => /containers\/create\?name=k8s_app_hello-node-1_/.test(h.call));
    expect(app?.detail).toMatch(/NetworkMode container:[0-9a-f]{12}/);
    // Below Docker Engine: containerd in the moby namespace, a shim, runc.
    expect(calls).toContain('dockerd>containerd tasks.v1.Tasks/Start');
    expect(calls).toContain('containerd-shim>runc runc start');
    // Images were pulled by Docker Engine itself.
    expect(calls.some((c) => c.startsWith('dockershim>dockerd POST /v1.41/images/create?fromImage=busybox&tag=1.36'))).toBe(true);
    // Stopping: a Docker stop with the kubelet's timeout, then CNI DEL by dockershim.
    expect(calls.some((c) => /^dockershim>dockerd POST \/v1\.41\/containers\/[0-9a-f]{12}\/stop\?t=5$/.test(c))).toBe(true);
    expect(calls).toContain('dockershim>cni CNI DEL');
  }, 60_000);
});

describe('dockershim errors', () => {
  it('words a CNI failure as dockershim did, and ContainerCannotRun for a start failure', async () => {
    const text = [
      'apiVersion: crilab.dev/v1alpha1',
      'kind: Scenario',
      'metadata: { name: shim-errors }',
      'title: t',
      'teaches: t',
      'node: { runtime: dockershim }',
      'pods:',
      '  - name: web',
      '    source: api',
      '    manifest:',
      '      apiVersion: v1',
      '      kind: Pod',
      '      metadata: { name: web }',
      '      spec:',
      '        containers:',
      '          - { name: app, image: "busybox:1.36", command: ["/no/such/program"] }',
      'steps:',
      '  - fault: { cniAddFails: { times: 1, message: "no IP addresses available" } }',
      '  - apply: web',
      '  - wait: { call: RunPodSandbox, pod: web, failed: true, timeout: 30s }',
      '  - wait: { call: StartContainer, pod: web, failed: true, timeout: 1m }',
      '  - advance: 2s',
    ].join('\n');
    const loaded = await loadScenarioText(text, 'shim-errors.yaml');
    if (!loaded.ok) throw new Error(loaded.problems[0]!.message);
    const r = await runScenario(loaded.scenario, { backend: 'sim' });
    expect(r.summary.aborted).toBeUndefined();
    const failedRun = r.events.find((e) => e.kind === 'cri.response' && e.method === 'RunPodSandbox' && e.status !== undefined);
    expect(failedRun && failedRun.kind === 'cri.response' ? failedRun.status?.message : '').toMatch(
      /^failed to set up sandbox container "k8s_POD_web_default_[^"]+_0" network for pod "web": networkPlugin cni failed to set up pod "web_default" network: .*no IP addresses available/,
    );
    const statuses = r.events.filter((e) => e.kind === 'cri.response' && e.method === 'ContainerStatus');
    const reasons = statuses.map((e) => (e.kind === 'cri.response' ? ((e.response as { status?: { reason?: string } }).status?.reason ?? '') : ''));
    expect(reasons).toContain('ContainerCannotRun');
    expect(reasons).not.toContain('StartError');
  }, 60_000);
});
