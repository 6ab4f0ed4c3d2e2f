import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import type { RunState } from './run-state.js';
import type { Expectation, WaitCondition } from './types.js';

export interface Evaluation {
  met: boolean;
  /** What was seen, in the condition's own terms, for the report. */
  observed: unknown;
}

function containerStatus(state: RunState, pod: string, container: string): ContainerStatus | undefined {
  const s = state.statuses.get(pod);
  return [...(s?.initContainerStatuses ?? []), ...(s?.containerStatuses ?? [])].find((c) => c.name === container);
}

function stateName(c: ContainerStatus | undefined): { state?: string; reason?: string; exitCode?: number } {
  if (!c?.state) return {};
  if (c.state.running) return { state: 'running' };
  if (c.state.terminated) return { state: 'terminated', reason: c.state.terminated.reason ?? '', exitCode: c.state.terminated.exitCode };
  if (c.state.waiting) return { state: 'waiting', reason: c.state.waiting.reason ?? '' };
  return {};
}

function podReady(state: RunState, pod: string): boolean {
  return state.statuses.get(pod)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

type ContainerLike = { pod: string; container: string; state?: string; reason?: string; restartCount?: number; exitCode?: number; ready?: boolean; started?: boolean };

function evalContainer(state: RunState, c: ContainerLike): Evaluation {
  const cs = containerStatus(state, c.pod, c.container);
  const s = stateName(cs);
  // A terminated reason may also be the last state's (a container in CrashLoopBackOff shows
  // waiting/CrashLoopBackOff with lastState terminated/Error).
  const observed = {
    state: s.state ?? 'unknown',
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.exitCode !== undefined ? { exitCode: s.exitCode } : {}),
    restartCount: cs?.restartCount ?? 0,
    ready: cs?.ready ?? false,
    ...(cs?.started !== undefined ? { started: cs.started } : {}),
  };
  const met =
    cs !== undefined &&
    (c.state === undefined || s.state === c.state) &&
    (c.reason === undefined || s.reason === c.reason) &&
    (c.exitCode === undefined || s.exitCode === c.exitCode) &&
    (c.restartCount === undefined || (cs.restartCount ?? 0) === c.restartCount) &&
    (c.ready === undefined || cs.ready === c.ready) &&
    (c.started === undefined || cs.started === c.started);
  return { met, observed };
}

function evalMachine(state: RunState, m: { machine: string; pod?: string; container?: string; image?: string; state: string }): Evaluation {
  const candidates = [...state.machines.values()].filter(
    (x) =>
      x.machine === m.machine &&
      (m.pod === undefined || x.pod === m.pod) &&
      (m.container === undefined || x.label === m.container || state.containerOf(x.id)?.container === m.container) &&
      (m.image === undefined || x.label === m.image || x.id === m.image),
  );
  // The newest instance decides (a restarted container's old instance stays EXITED).
  const newest = candidates[candidates.length - 1];
  return { met: newest?.state === m.state, observed: newest ? newest.state : 'none' };
}

/** Is a wait condition met now? */
export function evaluateCondition(state: RunState, c: WaitCondition, sinceSeq: number): Evaluation {
  switch (c.kind) {
    case 'pod': {
      const s = state.statuses.get(c.pod);
      const observed = { phase: s?.phase ?? 'unknown', ready: podReady(state, c.pod) };
      const met = s !== undefined && (c.phase === undefined || s.phase === c.phase) && (c.ready === undefined || observed.ready === c.ready);
      return { met, observed };
    }
    case 'container':
      return evalContainer(state, c);
    case 'call': {
      const seen = state.calls.filter(
        (x) =>
          x.seq > sinceSeq &&
          x.method === c.call &&
          (c.pod === undefined || x.pod === c.pod) &&
          (c.container === undefined || x.container === c.container) &&
          (c.failed === undefined || x.failed === c.failed),
      );
      return { met: seen.length >= c.count, observed: `${seen.length} ${c.call} call(s)` };
    }
    case 'machine':
      return evalMachine(state, c);
    case 'event': {
      const seen = state.kubeEvents.filter(
        (x) => x.seq > sinceSeq && x.reason === c.reason && (c.pod === undefined || x.pod === c.pod) && (c.type === undefined || x.type === c.type) && (c.message === undefined || x.message.includes(c.message)),
      );
      return { met: seen.length > 0, observed: seen.length ? seen[seen.length - 1]!.message : 'no such event' };
    }
  }
}

/** Memory an expectation needs across steps: the IP each pod had at its last `expect`. */
export interface ExpectMemory {
  lastIp: Map<string, string>;
  lastExpectSeq: number;
}

function sequenceMatch(seen: string[], wanted: string[], order: 'sequence' | 'exact' | 'set'): boolean {
  if (order === 'set') return wanted.every((w) => seen.includes(w));
  if (order === 'exact') return seen.length === wanted.length && seen.every((s, i) => s === wanted[i]);
  let i = 0;
  for (const s of seen) if (s === wanted[i]) i++;
  return i === wanted.length;
}

export function evaluateExpectation(state: RunState, e: Expectation, memory: ExpectMemory, netnsExists: (pod: string) => boolean | undefined): Evaluation {
  switch (e.kind) {
    case 'pod': {
      const s = state.statuses.get(e.pod);
      const ip = state.podIP(e.pod);
      const statuses = s?.containerStatuses ?? [];
      const observed: Record<string, unknown> = { phase: s?.phase ?? 'unknown', ready: podReady(state, e.pod), ip: ip || 'none' };
      let met = s !== undefined;
      if (e.phase !== undefined) met &&= s?.phase === e.phase;
      if (e.ready !== undefined) met &&= podReady(state, e.pod) === e.ready;
      if (e.restartCount !== undefined) {
        if (typeof e.restartCount === 'number') {
          const total = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
          observed['restartCount'] = total;
          met &&= total === e.restartCount;
        } else {
          const per = Object.fromEntries(statuses.map((c) => [c.name, c.restartCount ?? 0]));
          observed['restartCount'] = per;
          met &&= Object.entries(e.restartCount).every(([name, n]) => per[name] === n);
        }
      }
      if (e.ip !== undefined) {
        // Compared with the IP at the previous `expect` naming the pod, else its first IP.
        const before = memory.lastIp.get(e.pod) ?? state.firstIp.get(e.pod);
        observed['previousIp'] = before ?? 'none';
        if (e.ip.kind === 'kept') met &&= ip !== '' && ip === before;
        if (e.ip.kind === 'changed') met &&= ip !== '' && before !== undefined && ip !== before;
        if (e.ip.kind === 'none') met &&= ip === '';
        if (e.ip.kind === 'equals') met &&= ip === e.ip.ip;
      }
      if (e.netns !== undefined) {
        const exists = netnsExists(e.pod);
        observed['netns'] = exists === undefined ? 'unknown' : exists ? 'exists' : 'gone';
        met &&= exists === (e.netns === 'exists');
      }
      if (ip) memory.lastIp.set(e.pod, ip);
      return { met, observed };
    }
    case 'container':
      return evalContainer(state, e);
    case 'calls': {
      const since = e.since === 'start' ? 0 : memory.lastExpectSeq;
      const seen = state.calls
        .filter((x) => x.seq > since && (e.pod === undefined || x.pod === e.pod) && (e.container === undefined || x.container === e.container))
        .map((x) => x.method);
      const relevant = e.order === 'exact' ? seen.filter((m) => e.calls.includes(m as never) || !isBackgroundCall(m)) : seen;
      const met = sequenceMatch(relevant, e.calls, e.order) && e.absent.every((a) => !seen.includes(a));
      return { met, observed: relevant };
    }
    case 'machine':
      return evalMachine(state, e);
    case 'event': {
      // "At least `count` such events so far": the whole run is the window.
      const seen = state.kubeEvents.filter(
        (x) => x.reason === e.reason && (e.pod === undefined || x.pod === e.pod) && (e.type === undefined || x.type === e.type) && (e.message === undefined || x.message.includes(e.message)),
      );
      return { met: e.count === 0 ? seen.length === 0 : seen.length >= e.count, observed: `${seen.length} event(s)` };
    }
  }
}

/** Calls the kubelet makes on timers rather than for a pod (relists, status polls). */
export function isBackgroundCall(method: string): boolean {
  return method === 'ListPodSandbox' || method === 'ListContainers' || method === 'Status' || method === 'Version' || method === 'ImageFsInfo';
}
