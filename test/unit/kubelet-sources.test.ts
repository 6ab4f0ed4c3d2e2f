import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import { decodePodList, decodeSinglePod } from '../../src/kubelet/sources/decode.js';
import { FilePodSource } from '../../src/kubelet/sources/file-source.js';
import { HttpPodSource } from '../../src/kubelet/sources/http-source.js';
import { applyPodDefaults } from '../../src/kubelet/sources/pod-defaults.js';
import { PodConfig } from '../../src/kubelet/sources/pod-config.js';
import { generateStaticPodName, isStaticPodSource, preparePod, staticPodUid } from '../../src/kubelet/sources/static-pod.js';
import { formatErrorList, validatePod } from '../../src/kubelet/sources/validate.js';

const manifest: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };

describe('static pod identity (applyDefaults)', () => {
  it('file pods: name-node suffix, MD5 UID of node+path+manifest, config hash and source annotations, toleration', () => {
    const pod = preparePod(manifest, 'file', 'Node-1', { origin: '/etc/kubernetes/manifests/web.yaml' });
    expect(pod.metadata!.name).toBe('web-node-1');
    expect(pod.metadata!.namespace).toBe('default');
    expect(pod.metadata!.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(pod.metadata!.annotations).toEqual({ 'kubernetes.io/config.hash': pod.metadata!.uid, 'kubernetes.io/config.source': 'file' });
    expect(pod.spec!.nodeName).toBe('Node-1');
    expect(pod.spec!.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
    expect(isStaticPodSource(pod)).toBe(true);
    expect(manifest.metadata!.name).toBe('web'); // the input is untouched
  });

  it('the UID changes with the manifest, the node and the path, and only with them', () => {
    const uid = (m: Pod, node = 'node-1', path = '/m/web.yaml') => preparePod(m, 'file', node, { origin: path }).metadata!.uid;
    expect(uid(manifest)).toBe(uid(structuredClone(manifest)));
    expect(uid(manifest)).not.toBe(uid({ ...manifest, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } }));
    expect(uid(manifest)).not.toBe(uid(manifest, 'node-2'));
    expect(uid(manifest)).not.toBe(uid(manifest, 'node-1', '/m/other.yaml'));
    expect(preparePod(manifest, 'http', 'node-1', { origin: 'http://x/pods' }).metadata!.uid).toBe(staticPodUid(applyPodDefaults(structuredClone(manifest)), 'http', 'node-1', 'http://x/pods'));
    expect(generateStaticPodName('etcd', 'CONTROL-plane')).toBe('etcd-control-plane');
  });

  it('API pods keep their name; a UID comes from the given generator', () => {
    const pod = preparePod(manifest, 'api', 'node-1', { uid: () => 'uid-1' });
    expect(pod.metadata).toMatchObject({ name: 'web', uid: 'uid-1', annotations: { 'kubernetes.io/config.source': 'api' } });
    expect(pod.spec!.nodeName).toBeUndefined();
  });

  it('applies the API defaults the kubelet relies on', () => {
    const pod = applyPodDefaults({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'busybox:1.36', livenessProbe: { exec: { command: ['true'] } } }, { name: 'b', image: 'nginx' }] },
    });
    expect(pod.spec).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst' });
    expect(pod.spec!.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      livenessProbe: { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    });
    expect(pod.spec!.containers[1]!.imagePullPolicy).toBe('Always');
  });
});

describe('manifest validation and decoding', () => {
  it('reports the API field errors, in the API wording', () => {
    const errs = validatePod({
      metadata: { name: 'Bad_Name' },
      spec: {
        restartPolicy: 'Sometimes',
        initContainers: [{ name: 'init', image: 'x', restartPolicy: 'Never' }],
        containers: [{ name: 'app' }, { name: 'app', image: 'y', livenessProbe: { successThreshold: 2, exec: { command: ['true'] } } }],
      },
    });
    expect(errs).toEqual([
      expect.stringMatching(/^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/),
      'spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.containers[0].image: Required value',
      'spec.containers[1].name: Duplicate value: "app"',
      'spec.containers[1].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
    expect(formatErrorList(['a: x', 'b: y'])).toBe('[a: x b: y]');
    expect(validatePod({ metadata: { name: 'ok' }, spec: { containers: [] } })).toEqual(['spec.containers: Required value']);
  });

  it('decodes one pod or a pod list, and says whether it parsed', () => {
    const prepare = (p: Pod) => preparePod(p, 'http', 'n', { origin: 'u' });
    expect(decodeSinglePod('kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n', prepare)).toMatchObject({ parsed: true, pods: [{ metadata: { name: 'a-n' } }] });
    expect(decodeSinglePod('kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n', prepare)).toEqual({ parsed: true, error: 'invalid pod: [spec.containers[0].image: Required value]' });
    expect(decodeSinglePod('metadata: {name: a}\n', prepare)).toMatchObject({ parsed: false, error: expect.stringMatching(/^Object 'Kind' is missing in/) });
    expect(decodeSinglePod('', prepare)).toEqual({ parsed: false, error: "Object 'Kind' is missing in 'null'" });
    expect(decodeSinglePod('kind: [', prepare)).toMatchObject({ parsed: false, error: expect.stringMatching(/^error converting YAML to JSON: yaml: /) });
    const list = decodePodList(JSON.stringify({ kind: 'PodList', items: [{ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } }, { kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'i' }] } }] }), prepare);
    expect('pods' in list && list.pods.map((p) => p.metadata!.name)).toEqual(['a-n', 'b-n']);
  });
});

describe('PodConfig: each source sends its whole set; the merger sends ADD, UPDATE, REMOVE', () => {
  it('diffs successive sets by UID, stamps config.seen once, ignores unchanged pods', () => {
    const clock = new SimClock();
    const log: string[] = [];
    const config = new PodConfig(clock, {
      addPods: (ps, s) => log.push(...ps.map((p) => `ADD ${s} ${p.metadata!.uid}`)),
      updatePods: (ps, s) => log.push(...ps.map((p) => `UPDATE ${s} ${p.metadata!.uid}`)),
      removePods: (ps, s) => log.push(...ps.map((p) => `REMOVE ${s} ${p.metadata!.uid}`)),
    });
    const a: Pod = { metadata: { uid: 'a', name: 'a' }, spec: { containers: [] } };
    const b: Pod = { metadata: { uid: 'b', name: 'b' }, spec: { containers: [] } };
    config.set('file', [a, b]);
    config.set('file', [a, b]);
    const b2: Pod = { ...b, metadata: { ...b.metadata, labels: { x: 'y' } } };
    config.set('file', [a, b2]);
    config.set('file', [b2]);
    config.set('http', []);
    expect(log).toEqual(['ADD file a', 'ADD file b', 'UPDATE file b', 'REMOVE file a']);
    // The first-seen time stays through the update (b was seen second, one nanosecond later).
    expect(config.pods('file')[0]!.metadata!.annotations!['kubernetes.io/config.seen']).toBe('2026-01-01T00:00:00.000000001Z');
    expect(config.seenAllSources(['file', 'http'])).toBe(true);
    expect(config.seenAllSources(['file', 'api'])).toBe(false);
  });
});

describe('FilePodSource', () => {
  it('lists non-hidden files in name order, skips directories and bad files with a log line, and re-lists every period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crilab-fs-'));
    try {
      const clock = new SimClock();
      const sets: string[][] = [];
      const logs: string[] = [];
      const good = (n: string) => `kind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c, image: busybox:1.36}]}\n`;
      writeFileSync(join(dir, 'b.yaml'), good('b'));
      writeFileSync(join(dir, 'a.json'), JSON.stringify({ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }));
      writeFileSync(join(dir, '.swp'), good('hidden'));
      writeFileSync(join(dir, 'c.yaml'), 'kind: Deployment\n');
      mkdirSync(join(dir, 'sub'));
      const source = new FilePodSource({ path: dir, nodeName: 'n1', clock, onPods: (ps) => sets.push(ps.map((p) => p.metadata!.name!)), log: (l, m) => logs.push(`${l} ${m}`), periodMs: 20_000 });
      source.start();
      expect(sets).toEqual([['a-n1', 'b-n1']]);
      expect(logs).toEqual([
        `error "Could not process manifest file" err=${JSON.stringify(`${join(dir, 'c.yaml')}: couldn't parse as pod(invalid pod: kind "Deployment" is not Pod), please check config file`)} path=${JSON.stringify(join(dir, 'c.yaml'))}`,
        `info "Not recursing into manifest path" path=${JSON.stringify(join(dir, 'sub'))}`,
      ]);
      rmSync(join(dir, 'a.json'));
      clock.start();
      await clock.sleep(20_000);
      expect(sets.at(-1)).toEqual(['b-n1']);
      source.stop();
      clock.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path that does not exist sends an empty set and logs it', () => {
    const clock = new SimClock();
    const sets: number[] = [];
    const logs: string[] = [];
    new FilePodSource({ path: '/nonexistent/crilab', nodeName: 'n', clock, onPods: (ps) => sets.push(ps.length), log: (_l, m) => logs.push(m) }).listNow();
    expect(sets).toEqual([0]);
    expect(logs).toEqual(['"Unable to read config path" err="path does not exist, ignoring" path="/nonexistent/crilab"']);
  });
});

describe('HttpPodSource', () => {
  const respond = (status: number, body: string) => (async () => new Response(body, { status })) as unknown as typeof fetch;

  it('a pod list, an unchanged body ignored, a non-200 logged with the previous set kept', async () => {
    const clock = new SimClock();
    const sets: string[][] = [];
    const logs: string[] = [];
    let fetchImpl = respond(200, JSON.stringify({ kind: 'PodList', items: [{ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } }] }));
    const source = new HttpPodSource({ url: 'http://h/pods', nodeName: 'n', clock, onPods: (ps) => sets.push(ps.map((p) => p.metadata!.name!)), log: (_l, m) => logs.push(m), fetch: ((...a: Parameters<typeof fetch>) => fetchImpl(...a)) as typeof fetch });
    await source.pollNow();
    await source.pollNow();
    fetchImpl = respond(500, 'boom');
    await source.pollNow();
    expect(sets).toEqual([['a-n']]);
    expect(logs).toEqual(['"Failed to read pods from URL" err="http://h/pods: 500 "']);
  });
});
