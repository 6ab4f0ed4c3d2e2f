import { describe, expect, it } from 'vitest';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { containerHashInput, fnv1a32, hashContainer } from '../../src/kubelet/container-hash.js';
import {
  buildContainerLogsDirectory,
  buildContainerLogsPath,
  buildPodLogsDirectory,
  calcRestartCountFromLogFiles,
  getContainerInfoFromAnnotations,
  getContainerInfoFromLabels,
  getPodSandboxInfoFromLabels,
  legacyLogSymlink,
  newContainerAnnotations,
  newContainerLabels,
  newPodAnnotations,
  newPodLabels,
  parseContainerLogsPath,
  parsePodLogsDirectoryName,
} from '../../src/kubelet/labels.js';

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: '5f1c7e2a-0000-4000-8000-000000000001',
    labels: { app: 'web' },
    annotations: { 'kubernetes.io/config.source': 'file' },
  },
  spec: {
    terminationGracePeriodSeconds: 30,
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      },
    ],
  },
};
const app = pod.spec!.containers[0]!;

describe('FNV-1a 32 container hash', () => {
  it('matches the FNV-1a reference vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes only name and image, as canonical JSON with sorted keys', () => {
    expect(containerHashInput(app)).toBe('{"image":"nginx:1.27","name":"app"}');
    expect(hashContainer(app)).toBe(fnv1a32('{"image":"nginx:1.27","name":"app"}').toString(16));
    const edited: Container = { ...app, command: ['other'] };
    expect(hashContainer(edited)).toBe(hashContainer(app));
    expect(hashContainer({ ...app, image: 'nginx:1.28' })).not.toBe(hashContainer(app));
    expect(hashContainer(app)).toMatch(/^[0-9a-f]{1,8}$/);
  });
});

describe('sandbox labels and annotations', () => {
  it('labels = pod labels + name/namespace/uid; annotations = pod annotations', () => {
    expect(newPodLabels(pod)).toEqual({
      app: 'web',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.uid': pod.metadata!.uid,
    });
    expect(newPodAnnotations(pod)).toEqual({ 'kubernetes.io/config.source': 'file' });
  });

  it('reads them back', () => {
    expect(getPodSandboxInfoFromLabels(newPodLabels(pod))).toEqual({
      labels: { app: 'web' },
      podName: 'web',
      podNamespace: 'shop',
      podUID: pod.metadata!.uid,
    });
  });
});

describe('container labels and annotations', () => {
  it('labels are exactly four keys and read back', () => {
    const labels = newContainerLabels(app, pod);
    expect(Object.keys(labels).sort()).toEqual([
      'io.kubernetes.container.name',
      'io.kubernetes.pod.name',
      'io.kubernetes.pod.namespace',
      'io.kubernetes.pod.uid',
    ]);
    expect(getContainerInfoFromLabels(labels)).toEqual({
      containerName: 'app',
      podName: 'web',
      podNamespace: 'shop',
      podUID: pod.metadata!.uid,
    });
  });

  it('annotations carry hash, restart count, grace period, preStop, ports, type — and read back', () => {
    const a = newContainerAnnotations(app, pod, 4);
    expect(a).toMatchObject({
      'io.kubernetes.container.hash': hashContainer(app),
      'io.kubernetes.container.restartCount': '4',
      'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
      'io.kubernetes.container.terminationMessagePolicy': 'File',
      'io.kubernetes.pod.terminationGracePeriod': '30',
      'io.kubernetes.container.type': 'container',
    });
    expect(a['io.kubernetes.pod.deletionGracePeriod']).toBeUndefined();
    const info = getContainerInfoFromAnnotations(a);
    expect(info).toEqual({
      hash: hashContainer(app),
      restartCount: 4,
      podTerminationGracePeriod: 30,
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      preStopHandler: { exec: { command: ['sleep', '5'] } },
      containerPorts: [{ containerPort: 80, protocol: 'TCP' }],
      containerType: 'container',
    });
  });

  it('init containers are annotated as such', () => {
    const init = pod.spec!.initContainers![0]!;
    expect(getContainerInfoFromAnnotations(newContainerAnnotations(init, pod, 0)).containerType).toBe('init');
  });

  it('missing or broken annotations read as upstream does (0 / empty)', () => {
    expect(getContainerInfoFromAnnotations({ 'io.kubernetes.container.restartCount': 'x' })).toMatchObject({
      hash: '',
      restartCount: 0,
      containerType: 'container',
    });
  });
});

describe('log paths', () => {
  it('builds /var/log/pods/<ns>_<name>_<uid>/<container>/<n>.log', () => {
    expect(buildPodLogsDirectory('shop', 'web', 'u1')).toBe('/var/log/pods/shop_web_u1');
    expect(buildContainerLogsDirectory('shop', 'web', 'u1', 'app')).toBe('/var/log/pods/shop_web_u1/app');
    expect(buildContainerLogsPath('app', 3)).toBe('app/3.log');
    expect(buildPodLogsDirectory('shop', 'web', 'u1', '/tmp/pods/')).toBe('/tmp/pods/shop_web_u1');
  });

  it('parses them back', () => {
    expect(parseContainerLogsPath('app/3.log')).toEqual({ containerName: 'app', restartCount: 3 });
    expect(parseContainerLogsPath('app/x.log')).toBeNull();
    expect(parsePodLogsDirectoryName('shop_web_u1')).toEqual({ namespace: 'shop', podName: 'web', podUID: 'u1' });
    expect(parsePodLogsDirectoryName('bad')).toBeNull();
  });

  it('recovers the restart count from log file names (calcRestartCountByLogDir)', () => {
    expect(calcRestartCountFromLogFiles([])).toBe(0);
    expect(calcRestartCountFromLogFiles(['0.log', '1.log', '1.log.20260101-000000.gz', 'notes.txt'])).toBe(2);
  });

  it('legacy symlink name is cut to 255 characters', () => {
    expect(legacyLogSymlink('abc', 'app', 'web', 'shop')).toBe('/var/log/containers/web_shop_app-abc.log');
    const long = legacyLogSymlink('f'.repeat(64), 'c'.repeat(63), 'p'.repeat(200), 'shop');
    expect(long.split('/').at(-1)!.length).toBe(255);
    expect(long.endsWith('.log')).toBe(true);
  });
});
