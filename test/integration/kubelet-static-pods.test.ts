import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse } from 'yaml';
import { applyPodDefaults } from '../../src/kubelet/sources/pod-defaults.js';
import { staticPodUid } from '../../src/kubelet/sources/static-pod.js';
import { startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
let server: Server | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const manifest = (image = 'busybox:1.36') => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: app
      image: ${image}
      command: ["sh", "-c", "while true; do sleep 3600; done"]
`;

const logs = (n: TestNode) => n.events('log').map((e) => (e as unknown as { message: string }).message);

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: static pods from a manifest directory and from a URL', { timeout: 180_000 }, () => {
  it('a manifest file added, changed and removed: pod created, replaced (new UID), deleted', async () => {
    const dir = join('/tmp', `crilab-manifests-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    try {
      node = await startNode({ kubelet: { staticPodPath: dir } });
      const file = join(dir, 'web.yaml');
      writeFileSync(file, manifest());
      // Seen at the next file check (every 20 s).
      await node.until('a pod', () => node!.kubelet.pods().length === 1, 30_000);
      const pod = node.kubelet.pods()[0]!;
      const uid = pod.metadata!.uid!;
      expect(pod.metadata!.name).toBe('web-node-1');
      expect(uid).toMatch(/^[0-9a-f]{32}$/);
      // The UID is the MD5 of the node, the file path and the defaulted manifest.
      expect(uid).toBe(staticPodUid(applyPodDefaults(parse(manifest()) as Pod), 'file', 'node-1', file));
      expect(pod.metadata!.annotations).toMatchObject({ 'kubernetes.io/config.hash': uid, 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.seen': expect.stringMatching(/^2026-01-01T00:00:\d\d\.\d{9}Z$/) });
      expect(pod.spec!.nodeName).toBe('node-1');
      expect(pod.spec!.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
      await node.until('Running', () => node!.status(uid)?.phase === 'Running', 30_000);
      const run = node.requests('RunPodSandbox')[0]!.request as { config: { metadata: { name: string; uid: string }; logDirectory: string } };
      expect(run.config.metadata).toMatchObject({ name: 'web-node-1', uid });
      expect(run.config.logDirectory).toBe(`/var/log/pods/default_web-node-1_${uid}`);

      // Editing the manifest gives it a new UID: the old pod is killed, a new one started.
      writeFileSync(file, manifest('busybox:1.37'));
      await node.until('replaced', () => node!.kubelet.pods().some((p) => p.metadata!.uid !== uid && node!.status(p.metadata!.uid!)?.phase === 'Running'), 60_000);
      expect(node.kubelet.workerState(uid)).toBe('terminated');
      const newUid = node.kubelet.pods().find((p) => p.metadata!.uid !== uid)!.metadata!.uid!;
      expect(node.requests('RunPodSandbox').map((e) => (e.request as { config: { metadata: { uid: string } } }).config.metadata.uid)).toEqual([uid, newUid]);

      // Removing the file deletes the pod.
      rmSync(file);
      await node.until('deleted', () => node!.kubelet.workerState(newUid) === 'terminated', 60_000);
      await node.until('all gone', () => node!.runtime.store.sandboxes.size === 0, 120_000);
      expect(node.runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a manifest that does not parse or validate is logged and skipped, as the kubelet does', async () => {
    const dir = join('/tmp', `crilab-manifests-bad-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: {name: x\n');
      writeFileSync(join(dir, 'noimage.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: app}]\n');
      writeFileSync(join(dir, '.hidden.yaml'), manifest());
      writeFileSync(join(dir, 'good.yaml'), manifest());
      node = await startNode({ kubelet: { staticPodPath: dir } });
      await node.until('one pod', () => node!.kubelet.pods().length === 1, 5_000);
      expect(node.kubelet.pods()[0]!.metadata!.name).toBe('web-node-1');
      const lines = logs(node);
      expect(lines.some((l) => l.startsWith('"Could not process manifest file" err=') && l.includes(`broken.yaml: couldn't parse as pod(error converting YAML to JSON: yaml:`) && l.includes('please check config file'))).toBe(true);
      expect(lines).toContain(`"Could not process manifest file" err="invalid pod: [spec.containers[0].image: Required value]" path=${JSON.stringify(join(dir, 'noimage.yaml'))}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the HTTP source: a pod served at a URL runs; an empty answer removes it', async () => {
    let body = manifest();
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      res.end(body);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pods`;
    node = await startNode({ kubelet: { staticPodURL: url } });
    await node.until('a pod', () => node!.kubelet.pods().length === 1, 5_000);
    const pod = node.kubelet.pods()[0]!;
    expect(pod.metadata!.annotations!['kubernetes.io/config.source']).toBe('http');
    expect(pod.metadata!.name).toBe('web-node-1');
    const uid = pod.metadata!.uid!;
    await node.until('Running', () => node!.status(uid)?.phase === 'Running', 30_000);
    body = '';
    await node.until('removed', () => node!.kubelet.workerState(uid) === 'terminated', 60_000);
    expect(logs(node)).toContain(`"Failed to read pods from URL" err="zero-length data received from ${url}"`);
  });
});
