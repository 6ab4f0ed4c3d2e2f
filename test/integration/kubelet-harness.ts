/**
 * A node for kubelet integration tests: the simulated runtime serving CRI on a Unix socket in a
 * temporary directory, crilab's kubelet talking to it over real gRPC, both on one SimClock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { Kubelet, type KubeletOptions } from '../../src/kubelet/kubelet.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import { TraceBus } from '../../src/trace/bus.js';
import type { TraceEvent, TraceEventOf } from '../../src/trace/events.js';

export interface TestNode {
  clock: SimClock;
  bus: TraceBus;
  runtime: SimRuntime;
  cri: CriClient;
  kubelet: Kubelet;
  dir: string;
  socket: string;
  /** Advance simulated time until `cond` holds (checked every 100 ms of simulated time). */
  until(what: string, cond: () => boolean, limitMs?: number): Promise<void>;
  /** Let simulated time pass. */
  advance(ms: number): Promise<void>;
  status(uid: string): PodStatus | undefined;
  /** The pod's CRI requests (method names) since trace position `fromSeq`, without the node-wide background calls. */
  calls(fromSeq?: number): string[];
  requests(method: string, fromSeq?: number): Array<TraceEventOf<'cri.request'>>;
  responses(method: string, fromSeq?: number): Array<TraceEventOf<'cri.response'>>;
  events(kind: TraceEvent['kind']): TraceEvent[];
  kubeEvents(reason?: string): Array<TraceEventOf<'kube.event'>>;
  transitions(machine: string, id?: string): Array<TraceEventOf<'machine.transition'>>;
  lastSeq(): number;
  close(): Promise<void>;
}

/** Calls the kubelet makes on timers for the whole node, not for one pod. */
export function isBackground(e: TraceEventOf<'cri.request'>): boolean {
  const r = e.request as { filter?: unknown };
  return e.method === 'Status' || ((e.method === 'ListPodSandbox' || e.method === 'ListContainers') && !r.filter);
}

export async function startNode(opts: { kubelet?: Partial<KubeletOptions>; seed?: number; start?: boolean } = {}): Promise<TestNode> {
  const clock = new SimClock();
  const bus = new TraceBus(clock);
  const dir = mkdtempSync(join(tmpdir(), 'crilab-kubelet-'));
  const socket = join(dir, 'runtime.sock');
  const runtime = new SimRuntime({ clock, trace: bus.forSource('runtime'), seed: opts.seed ?? 7, logRoot: join(dir, 'logs') });
  await runtime.serve(`unix://${socket}`);
  clock.start();
  const cri = createCriClient({ endpoint: `unix://${socket}`, clock, trace: bus.forSource('kubelet'), name: 'kubelet' });
  const kubelet = new Kubelet({ cri, clock, trace: bus.forSource('kubelet'), nodeName: 'node-1', ...(opts.kubelet ?? {}) });
  if (opts.start ?? true) await kubelet.start();
  const reqs = () => bus.events.filter((e): e is TraceEventOf<'cri.request'> => e.kind === 'cri.request');
  const node: TestNode = {
    clock,
    bus,
    runtime,
    cri,
    kubelet,
    dir,
    socket,
    async until(what, cond, limitMs = 120_000) {
      const deadline = clock.now() + limitMs;
      while (!cond()) {
        if (clock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await clock.sleep(100);
      }
    },
    advance: (ms) => clock.sleep(ms),
    status: (uid) => kubelet.podStatus(uid),
    calls: (fromSeq = 0) => reqs().filter((e) => e.seq > fromSeq && !isBackground(e)).map((e) => e.method),
    requests: (method, fromSeq = 0) => reqs().filter((e) => e.seq > fromSeq && e.method === method),
    responses: (method, fromSeq = 0) => bus.events.filter((e): e is TraceEventOf<'cri.response'> => e.kind === 'cri.response' && e.seq > fromSeq && e.method === method),
    events: (kind) => bus.events.filter((e) => e.kind === kind),
    kubeEvents: (reason) => bus.events.filter((e): e is TraceEventOf<'kube.event'> => e.kind === 'kube.event' && (reason === undefined || e.reason === reason)),
    transitions: (machine, id) => bus.events.filter((e): e is TraceEventOf<'machine.transition'> => e.kind === 'machine.transition' && e.machine === machine && (id === undefined || e.id === id)),
    lastSeq: () => bus.events[bus.events.length - 1]?.seq ?? 0,
    async close() {
      kubelet.stop();
      await Promise.race([cri.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
      cri.close();
      clock.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return node;
}

/** A pod from the API source, with a fixed UID. */
export function apiPod(name: string, spec: Pod['spec'], uid = `00000000-0000-4000-8000-${name.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/g, 'a')}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid },
    spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...spec } as Pod['spec'],
  };
}

export const sleeper = (name = 'app', image = 'busybox:1.36') => ({ name, image, command: ['sh', '-c', 'while true; do sleep 3600; done'] });
