/** The containerd backend's parts that need no containerd: log dirs, log tail, IPAM, faults, selection. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/sim-clock.js';
import { TraceBus } from '../../src/trace/bus.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { PodLogDirs } from '../../src/backends/containerd/pod-log-dirs.js';
import { ContainerLogTail } from '../../src/backends/containerd/container-log-tail.js';
import { freshenLabIpam } from '../../src/backends/containerd/ipam-fresh.js';
import { containerdFaults, UnsupportedFault } from '../../src/backends/containerd/containerd-faults.js';
import { ObservedMachines } from '../../src/backends/containerd/observed-machines.js';
import { CniAddFault, FAILING_PLUGIN_TYPE } from '../../src/backends/containerd/cni-add-fault.js';
import { CONTAINERD_ENDPOINT_ENV } from '../../src/backends/containerd/endpoint.js';
import { openBackend } from '../../src/backends/select.js';
import { loadOrThrow } from '../../src/scenario/run-scenario.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'crilab-ctrd-unit-'));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  delete process.env[CONTAINERD_ENDPOINT_ENV];
});

describe('pod log directories', () => {
  it('makes the pod and container dirs (0755) when the kubelet asks, and removes only what it made', () => {
    const root = tmp();
    dirs.push(root);
    const pods = path.join(root, 'var', 'log', 'pods');
    const other = path.join(root, 'var', 'log', 'other');
    const logDirs = new PodLogDirs();
    const podDir = path.join(pods, 'default_web_uid1');
    logDirs.onRequest({ method: 'RunPodSandbox', request: { config: { logDirectory: podDir } } });
    expect(fs.statSync(podDir).mode & 0o777).toBe(0o755);
    logDirs.onRequest({ method: 'CreateContainer', request: { sandboxConfig: { logDirectory: podDir }, config: { logPath: 'app/0.log' } } });
    expect(fs.existsSync(path.join(podDir, 'app'))).toBe(true);
    fs.mkdirSync(other, { recursive: true }); // someone else's, made meanwhile under a parent we made
    logDirs.removeMade();
    expect(fs.existsSync(podDir)).toBe(false);
    expect(fs.existsSync(pods)).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });
});

describe('container log tail', () => {
  it('turns each CRI log record into a container.output event, once, and joins nothing across polls', () => {
    const root = tmp();
    dirs.push(root);
    const bus = new TraceBus(new SimClock());
    const tail = new ContainerLogTail(bus.forSource('runtime'));
    const file = path.join(root, 'app', '0.log');
    fs.mkdirSync(path.dirname(file));
    tail.onResponse({ method: 'CreateContainer', request: { sandboxConfig: { logDirectory: root }, config: { logPath: 'app/0.log' } }, response: { containerId: 'c1' } });
    fs.writeFileSync(file, '2026-01-01T00:00:00.000000001Z stdout F hello\n2026-01-01T00:00:00.000000002Z stderr F oo');
    tail.poll();
    fs.appendFileSync(file, 'ps\n');
    tail.poll();
    tail.poll();
    tail.close();
    const out = bus.events.filter((e): e is Extract<TraceEvent, { kind: 'container.output' }> => e.kind === 'container.output');
    expect(out.map((e) => [e.containerId, e.stream, e.line])).toEqual([
      ['c1', 'stdout', 'hello'],
      ['c1', 'stderr', 'oops'],
    ]);
  });
});

describe('lab IPAM freshness', () => {
  it('forgets the last reserved address only when no address is reserved', () => {
    const root = tmp();
    dirs.push(root);
    const net = path.join(root, 'crilab');
    fs.mkdirSync(net);
    fs.writeFileSync(path.join(net, 'last_reserved_ip.0'), '10.244.0.9');
    fs.writeFileSync(path.join(net, '10.244.0.9'), 'someone');
    expect(freshenLabIpam(root)).toBe('in-use');
    expect(fs.existsSync(path.join(net, 'last_reserved_ip.0'))).toBe(true);
    fs.rmSync(path.join(net, '10.244.0.9'));
    expect(freshenLabIpam(root)).toBe('reset');
    expect(fs.existsSync(path.join(net, 'last_reserved_ip.0'))).toBe(false);
    expect(freshenLabIpam(root)).toBe('fresh');
  });
});

describe('faults on containerd', () => {
  const unused = new Proxy({}, { get: () => { throw new Error('no CRI call expected'); } }) as never;
  const faults = containerdFaults({ cri: unused, pods: unused });
  const pod = { name: 'p', namespace: 'default' };

  it('refuses a crash exit code no signal gives, and says what to do instead', async () => {
    await expect(faults.crashContainer(pod, 'app', 1)).rejects.toThrow(UnsupportedFault);
    await expect(faults.crashContainer(pod, 'app', 1)).rejects.toThrow(/exit 1 itself/);
  });

  it('refuses faults that have no real counterpart, and lab-only faults off the lab', async () => {
    expect(() => faults.failImagePull('busybox:1.36', 1)).toThrow(/not possible on containerd/);
    expect(() => faults.slowImagePull('busybox:1.36', 1000, 1)).toThrow(/not possible on containerd/);
    expect(() => faults.failCniAdd(1)).toThrow(/needs the lab/);
    await expect(faults.stopRuntime()).rejects.toThrow(/only the lab/);
  });

  it('CNI fault: swaps in a conflist whose ADD fails, and restores the real one after N failed RunPodSandbox', async () => {
    const root = tmp();
    dirs.push(root);
    const conf = path.join(root, '10-crilab.conflist');
    fs.writeFileSync(conf, '{"real":true}\n');
    const cni = new CniAddFault({ cniConfList: conf, dir: root });
    await cni.arm(2);
    expect(fs.readFileSync(conf, 'utf8')).toContain(FAILING_PLUGIN_TYPE);
    cni.onResponse({ method: 'RunPodSandbox', request: {}, error: 'UNKNOWN' });
    expect(cni.armed).toBe(true);
    cni.onResponse({ method: 'RunPodSandbox', request: {}, error: 'UNKNOWN' });
    expect(cni.armed).toBe(false);
    expect(fs.readFileSync(conf, 'utf8')).toBe('{"real":true}\n');
  });
});

describe('observed runtime machines', () => {
  it('reports the states the kubelet saw, only for objects created through it', async () => {
    const bus = new TraceBus(new SimClock());
    const m = new ObservedMachines(bus.forSource('runtime'));
    m.onResponse({ method: 'RunPodSandbox', request: { config: { metadata: { name: 'web', namespace: 'default' } } }, response: { podSandboxId: 's1' } });
    m.onResponse({ method: 'ListPodSandbox', request: {}, response: { items: [{ id: 's1', state: 'SANDBOX_READY' }, { id: 'foreign', state: 'SANDBOX_READY' }] } });
    m.onResponse({ method: 'PodSandboxStatus', request: {}, response: { status: { id: 's1', state: 'SANDBOX_NOTREADY' } } });
    await Promise.resolve();
    const t = bus.events.flatMap((e) => (e.kind === 'machine.transition' ? [`${e.machine} ${e.id} ${e.from}→${e.to}`] : []));
    expect(t).toEqual(['sandbox s1 null→SANDBOX_READY', 'pause s1 null→running', 'sandbox s1 SANDBOX_READY→SANDBOX_NOTREADY', 'pause s1 running→exited']);
  });
});

describe('backend selection', () => {
  it('auto falls back to the simulator, saying why, when containerd does not answer', async () => {
    const root = tmp();
    dirs.push(root);
    process.env[CONTAINERD_ENDPOINT_ENV] = `unix://${path.join(root, 'nobody.sock')}`;
    const scenario = await loadOrThrow(path.resolve(__dirname, '../../scenarios/01-first-pod.yaml'));
    const clock = new SimClock();
    const { backend, note } = await openBackend('auto', { scenario, seed: 1, bus: new TraceBus(clock), clock });
    try {
      expect(backend.kind).toBe('sim');
      expect(note).toMatch(/^backend: sim \(auto: .*nobody\.sock does not answer CRI Version/);
    } finally {
      await backend.close();
    }
  });

  it('containerd fails with the reason and the fix when nothing answers', async () => {
    const root = tmp();
    dirs.push(root);
    process.env[CONTAINERD_ENDPOINT_ENV] = `unix://${path.join(root, 'nobody.sock')}`;
    const scenario = await loadOrThrow(path.resolve(__dirname, '../../scenarios/01-first-pod.yaml'));
    const clock = new SimClock();
    await expect(openBackend('containerd', { scenario, seed: 1, bus: new TraceBus(clock), clock })).rejects.toThrow(/does not answer CRI Version.*crilab lab up/);
  });
});
