import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { FoldCache } from '../../src/ui/model/fold-cache.js';
import { foldEvents } from '../../src/ui/model/fold.js';
import { StepIndex } from '../../src/ui/model/steps.js';
import {
  CONTAINER_ID_0,
  CONTAINER_ID_1,
  firstPodEvents,
  NETNS,
  POD_IP,
  POD_KEY,
  SANDBOX_ID,
  TOTAL_STEPS,
} from './fixtures/first-pod-events.js';
import { T0 } from './fixtures/trace-builder.js';

const events = firstPodEvents();
const steps = new StepIndex().update(events);
const at = (n: number) => foldEvents(events, steps.cut(n)!);

describe('step index', () => {
  it('cuts after each step end, and before step 1 for step 0', () => {
    expect(steps.total).toBe(TOTAL_STEPS);
    expect(steps.completed).toBe(TOTAL_STEPS);
    const first = events.findIndex((e) => e.kind === 'step');
    expect(steps.cut(0)).toBe(first);
    for (let n = 1; n <= TOTAL_STEPS; n++) {
      const e = events[steps.cut(n)! - 1]!;
      expect(e.kind === 'step' && e.phase === 'end' && e.index === n).toBe(true);
    }
  });

  it('reports an unfinished step as not cut yet, and catches up as a live stream grows', () => {
    const live: TraceEvent[] = [];
    const idx = new StepIndex();
    const endOf2 = steps.cut(2)!;
    for (const e of events.slice(0, endOf2 - 1)) live.push(e);
    idx.update(live);
    expect(idx.cut(1)).toBe(steps.cut(1));
    expect(idx.cut(2)).toBeUndefined();
    live.push(events[endOf2 - 1]!);
    idx.update(live);
    expect(idx.cut(2)).toBe(endOf2);
    expect(idx.completed).toBe(2);
  });
});

describe('foldEvents', () => {
  it('step 0 shows only what came before the first step', () => {
    const vm = at(0);
    expect(vm.pods).toEqual([]);
    expect(vm.calls).toEqual([]);
    expect(vm.narration).toMatch(/Unix socket/);
  });

  it('pairs requests and responses by callId with key fields, status, duration and both byte sizes', () => {
    const vm = at(2);
    expect(vm.calls.map((c) => c.method)).toEqual(['RunPodSandbox', 'PodSandboxStatus']);
    const run = vm.calls[0]!;
    expect(run.requestSummary).toBe('web, attempt 0');
    expect(run.done).toBe(true);
    expect(run.status).toBeUndefined();
    expect(run.durationMs).toBe(412);
    expect(run.requestJsonBytes).toBeGreaterThan(run.requestProtoBytes);
    expect(run.responseSummary).toBe(`sandbox ${SANDBOX_ID.slice(0, 13)}`);
    expect(run.pod).toBe(POD_KEY);
    // Addressed by ID: the short ID, like crictl, and the pod name it resolves to.
    expect(vm.calls[1]!.requestSummary).toBe(`${SANDBOX_ID.slice(0, 13)} web`);
    expect(vm.calls[1]!.responseSummary).toBe(`SANDBOX_READY ${POD_IP}`);
  });

  it('summarises image and container calls by image, name/attempt and short ID', () => {
    const vm = at(5);
    const summaries = vm.calls.map((c) => `${c.method}(${c.requestSummary})`);
    expect(summaries).toContain('PullImage(docker.io/library/busybox:1.36)');
    expect(summaries).toContain('CreateContainer(app, attempt 1, pod web)');
    expect(summaries).toContain(`StartContainer(${CONTAINER_ID_1.slice(0, 13)} app)`);
    expect(vm.calls.find((c) => c.method === 'ImageStatus')!.responseSummary).toBe('not present');
  });

  it('keeps failures with their code name and message', () => {
    const vm = at(6);
    const failed = vm.calls.filter((c) => c.status);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.method).toBe('ContainerStatus');
    expect(failed[0]!.status!.codeName).toBe('NOT_FOUND');
  });

  it('follows the pod: worker state, phase, restart count and the CrashLoopBackOff timer', () => {
    const vm = at(6);
    expect(vm.pods).toHaveLength(1);
    const pod = vm.pods[0]!;
    expect(pod.workerState).toBe('Synced');
    expect(pod.phase).toBe('Running');
    const app = pod.containers[0]!;
    expect(app).toMatchObject({ name: 'app', state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 1 });
    expect(app.backOff!.durationMs).toBe(10_000);
    // The clock is 3 s past the exit: 7 s of back-off remain.
    expect(app.backOff!.untilMs! - vm.clockMs!).toBeCloseTo(7_000, -2);
    expect(app.restartMachineState).toBe('BackOff');
  });

  it('builds the runtime view: sandbox with pause and IP, containers with state, removal', () => {
    const vm = at(6);
    expect(vm.sandboxes).toHaveLength(1);
    expect(vm.sandboxes[0]).toMatchObject({ id: SANDBOX_ID, podName: 'web', attempt: 0, state: 'SANDBOX_READY', pauseState: 'PAUSE_RUNNING', ip: POD_IP });
    const [c0, c1] = vm.containers;
    expect(c0).toMatchObject({ id: CONTAINER_ID_0, name: 'app', attempt: 0, removed: true, reason: 'Error', exitCode: 1 });
    expect(c1).toMatchObject({ id: CONTAINER_ID_1, attempt: 1, state: 'CONTAINER_EXITED', removed: false });
  });

  it('links the netns to its sandbox and reads the CNI interfaces from verbose info', () => {
    const vm = at(2);
    expect(vm.netns).toHaveLength(1);
    const n = vm.netns[0]!;
    expect(n).toMatchObject({ name: NETNS, state: 'NETNS_CONFIGURED', sandboxId: SANDBOX_ID, podName: 'web', inferred: false });
    expect(n.ips).toEqual([POD_IP]);
    expect(n.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ host: false, ips: [POD_IP] });
    expect(n.interfaces.filter((i) => i.host).map((i) => i.name).sort()).toEqual(['cni0', 'veth6f1c2a3b']);
  });

  it('records every machine with the transitions taken, and the clock', () => {
    const vm = at(6);
    const worker = vm.machines.find((m) => m.key === `pod-worker:${POD_KEY}`)!;
    expect(worker.history.map((h) => h.to)).toEqual(['SyncPod', 'Synced', 'SyncPod', 'Synced']);
    expect(vm.startMs).toBe(T0);
    expect(vm.clockMs).toBe(events[steps.cut(6)! - 1]!.t);
    expect(vm.expectations).toHaveLength(1);
    expect(vm.kubeEvents.map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started', 'Created', 'Started', 'BackOff']);
  });

  it('infers runtime state from CRI answers alone when no runtime machine reports (containerd)', () => {
    const noMachines = events.filter((e) => !(e.kind === 'machine.transition' && ['sandbox', 'pause', 'container', 'netns'].includes(e.machine)));
    const vm = foldEvents(noMachines);
    expect(vm.sandboxes[0]).toMatchObject({ state: 'SANDBOX_READY', ip: POD_IP });
    expect(vm.containers.find((c) => c.id === CONTAINER_ID_1)!.state).toBe('CONTAINER_RUNNING');
    // The netns is known only through PodSandboxStatus (its path and CNI result).
    expect(vm.netns).toEqual([expect.objectContaining({ name: NETNS, inferred: true, ips: [POD_IP] })]);
  });
});

describe('FoldCache', () => {
  it('gives the same model folding forward incrementally, backward, and from scratch', () => {
    const cache = new FoldCache();
    const order = [0, 1, 2, 3, 6, 4, 5, 2, 6, 1];
    for (const n of order) {
      const cut = steps.cut(n)!;
      expect(cache.at(events, cut)).toEqual(foldEvents(events, cut));
    }
  });

  it('keeps earlier snapshots unchanged after folding further', () => {
    const cache = new FoldCache();
    const early = cache.at(events, steps.cut(4)!);
    const before = JSON.stringify(early);
    cache.at(events, steps.cut(6)!);
    expect(JSON.stringify(early)).toBe(before);
  });
});

describe('defensive reading', () => {
  it('never throws on odd payloads from other code or old recordings', () => {
    const methods = ['RunPodSandbox', 'CreateContainer', 'StartContainer', 'PodSandboxStatus', 'ContainerStatus', 'ListContainers', 'ListPodSandbox', 'PullImage', 'StopPodSandbox', 'RemovePodSandbox', 'Bogus'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            method: fc.constantFrom(...methods),
            request: fc.anything(),
            response: fc.anything(),
            status: fc.anything(),
            podStatus: fc.anything(),
          }),
          { maxLength: 8 },
        ),
        (calls) => {
          const evs: TraceEvent[] = [];
          let seq = 0;
          calls.forEach((c, i) => {
            const base = { t: T0 + i, source: 'kubelet' as const, service: 'runtime.v1.RuntimeService', method: c.method, callId: String(i) };
            evs.push({ ...base, seq: ++seq, kind: 'cri.request', request: c.request, protoBytes: 1, jsonBytes: 2 });
            evs.push({ ...base, seq: ++seq, kind: 'cri.response', response: c.response, durationMs: 1, protoBytes: 1, jsonBytes: 2 });
            evs.push({ seq: ++seq, t: T0 + i, source: 'kubelet', kind: 'pod.status', pod: 'ns/p', uid: 'u', status: c.podStatus });
          });
          const vm = foldEvents(evs);
          expect(vm.calls).toHaveLength(calls.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
