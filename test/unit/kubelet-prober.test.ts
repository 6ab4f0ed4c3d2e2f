import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { SimClock } from '../../src/clock/sim-clock.js';
import { ProbeWorker, type ProbeType, type ProbeWorkerHost } from '../../src/kubelet/prober/probe-worker.js';
import type { ProbeResult } from '../../src/kubelet/sync/probe-results.js';

/** A host whose container status and probe answers the test controls. */
function host(clock: SimClock, answers: Array<ProbeResult | undefined>) {
  const published: string[] = [];
  const last = new Map<string, ProbeResult>();
  let status: ContainerStatus = { name: 'app', image: 'i', imageID: '', ready: false, restartCount: 0, containerID: 'containerd://c1', started: true, state: { running: { startedAt: new Date(clock.now()).toISOString() } } };
  let pod: Pod = { metadata: { uid: 'u', name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'app' }] } };
  let probes = 0;
  const h: ProbeWorkerHost & { published: string[]; setStatus(s: Partial<ContainerStatus>): void; setPod(p: Pod): void; probes: () => number } = {
    clock,
    pod: () => pod,
    containerStatus: () => status,
    runProbe: async () => {
      probes++;
      return answers.length > 0 ? answers.shift() : 'Success';
    },
    // Like the results manager: only a change is news.
    setResult: (type: ProbeType, id: string, result: ProbeResult) => {
      if (last.get(`${type}/${id}`) === result) return;
      last.set(`${type}/${id}`, result);
      published.push(`${Math.round((clock.now() - start) / 1000)}s ${type} ${id} ${result}`);
    },
    removeResult: () => undefined,
    published,
    setStatus: (s) => (status = { ...status, ...s }),
    setPod: (p) => (pod = p),
    probes: () => probes,
  };
  const start = clock.now();
  return h;
}

const spec = (p: Partial<Probe> = {}): Probe => ({ exec: { command: ['true'] }, periodSeconds: 10, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1, initialDelaySeconds: 0, ...p });

describe('ProbeWorker (prober/worker.go)', () => {
  it('liveness: starts Success, publishes Failure only after failureThreshold failures in a row, then holds', async () => {
    const clock = new SimClock();
    clock.start();
    const h = host(clock, ['Failure', 'Failure', 'Success', 'Failure', 'Failure', 'Failure']);
    const w = new ProbeWorker(h, 'u', { name: 'app' }, 'liveness', spec());
    w.start();
    await clock.sleep(95_000);
    expect(h.published).toEqual(['0s liveness c1 Success', '50s liveness c1 Failure']);
    // On hold after the failure: no more probes for this container ID.
    expect(h.probes()).toBe(6);
    // A new container ID resets the result and lifts the hold.
    h.setStatus({ containerID: 'containerd://c2' });
    await clock.sleep(10_000);
    expect(h.published.slice(2)).toEqual(['100s liveness c2 Success']);
    expect(h.probes()).toBe(7);
    w.stop();
    clock.stop();
  });

  it('readiness starts Failure; successThreshold successes make it Success; initialDelaySeconds is honoured', async () => {
    const clock = new SimClock();
    clock.start();
    const h = host(clock, []);
    const w = new ProbeWorker(h, 'u', { name: 'app' }, 'readiness', spec({ successThreshold: 2, initialDelaySeconds: 15 }));
    w.start();
    await clock.sleep(45_000);
    expect(h.published).toEqual(['0s readiness c1 Failure', '30s readiness c1 Success']);
    w.stop();
    clock.stop();
  });

  it('until the container has started, only the startup probe runs; a terminated container reads Failure', async () => {
    const clock = new SimClock();
    clock.start();
    const h = host(clock, []);
    h.setStatus({ started: false });
    const liveness = new ProbeWorker(h, 'u', { name: 'app' }, 'liveness', spec());
    const startup = new ProbeWorker(h, 'u', { name: 'app' }, 'startup', spec());
    liveness.start();
    startup.start();
    await clock.sleep(5_000);
    expect(h.probes()).toBe(1); // the startup probe only
    expect(h.published).toEqual(['0s liveness c1 Success', '0s startup c1 Unknown', '0s startup c1 Success']);
    h.setStatus({ started: true });
    await clock.sleep(10_000);
    expect(h.probes()).toBe(2); // now liveness; startup stopped probing
    h.setStatus({ state: { terminated: { exitCode: 1 } } });
    await clock.sleep(10_000);
    expect(h.published.slice(-2)).toEqual(['20s liveness c1 Failure', '20s startup c1 Failure']);
    liveness.stop();
    startup.stop();
    clock.stop();
  });

  it('a pod being deleted: liveness is set to Success and the worker stops', async () => {
    const clock = new SimClock();
    clock.start();
    const h = host(clock, []);
    const w = new ProbeWorker(h, 'u', { name: 'app' }, 'liveness', spec());
    w.start();
    await clock.sleep(1_000);
    h.setPod({ metadata: { uid: 'u', deletionTimestamp: '2026-01-01T00:00:01Z' }, spec: { containers: [] } });
    await clock.sleep(30_000);
    // Only the first round probed; the deletion stopped the worker at its next round (Success stays published).
    expect(h.probes()).toBe(1);
    expect(h.published).toEqual(['0s liveness c1 Success']);
    clock.stop();
  });
});
