import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import { genericPlegRelistPeriodMs, genericPlegRelistThresholdMs } from './constants.js';
import { formatGoDuration } from './backoff.js';
import { KubernetesPodUIDLabel } from './labels.js';

/** PLEG event types (upstream pkg/kubelet/pleg/pleg.go). */
export type PlegEventType = 'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved' | 'ContainerChanged';

export interface PlegEvent {
  podUid: string;
  type: PlegEventType;
  /** The container or sandbox ID the event is about. */
  data: string;
}

type PlegState = 'running' | 'exited' | 'unknown' | 'non-existent';

/** How a relist's old → new state of one container (or sandbox) becomes events. */
export function eventsFor(podUid: string, id: string, oldState: PlegState, newState: PlegState): PlegEvent[] {
  if (oldState === newState) return [];
  switch (newState) {
    case 'running':
      return [{ podUid, type: 'ContainerStarted', data: id }];
    case 'exited':
      return [{ podUid, type: 'ContainerDied', data: id }];
    case 'unknown':
      return [{ podUid, type: 'ContainerChanged', data: id }];
    case 'non-existent':
      return oldState === 'exited'
        ? [{ podUid, type: 'ContainerRemoved', data: id }]
        : [
            { podUid, type: 'ContainerDied', data: id },
            { podUid, type: 'ContainerRemoved', data: id },
          ];
  }
}

export interface PlegHooks {
  /** GetPodStatus for a pod that changed; the result goes into the pod cache. */
  inspectPod(uid: string, name: string, namespace: string): Promise<void>;
  /** After a successful relist: the cache is fresh as of `timeMs`. */
  relisted(timeMs: number): void;
  /** One event, in order (ContainerChanged is filtered out, as upstream does). */
  onEvent(event: PlegEvent): void;
}

/**
 * The generic PLEG (upstream pkg/kubelet/pleg/generic.go): every second after the previous
 * relist ends, list all sandboxes and containers (ListPodSandbox, ListContainers with no
 * filter), compare each one's state with the last relist, then inspect the pods that changed one
 * after another, handing out each pod's ContainerStarted / ContainerDied / ContainerRemoved
 * events as soon as that pod is inspected (its worker syncs while the relist goes on to the next
 * pod), and mark the whole cache fresh at the end. If relisting stops
 * succeeding for 3 minutes, the PLEG is not healthy and the node goes NotReady.
 */
export class GenericPleg {
  private states = new Map<string, { uid: string; state: PlegState }>();
  private readonly podMeta = new Map<string, { name: string; namespace: string }>();
  private timer: ReturnType<Clock['setTimeout']> | undefined;
  private stopped = false;
  lastRelistMs: number;

  constructor(
    private readonly cri: CriClient,
    private readonly clock: Clock,
    private readonly hooks: PlegHooks,
    private readonly periodMs = genericPlegRelistPeriodMs,
    /** Only objects with these labels are watched (crilab's own, never a neighbour's). */
    private readonly ownerLabels: Record<string, string> = {},
  ) {
    this.lastRelistMs = clock.now();
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.periodMs);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  /** Upstream Healthy(): the last successful relist is not older than the threshold. */
  healthy(): { ok: boolean; message: string } {
    const elapsed = this.clock.now() - this.lastRelistMs;
    if (elapsed > genericPlegRelistThresholdMs) {
      return { ok: false, message: `pleg was last seen active ${formatGoDuration(elapsed)} ago; threshold is ${formatGoDuration(genericPlegRelistThresholdMs)}` };
    }
    return { ok: true, message: '' };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.relist().finally(() => this.schedule(this.periodMs)), ms, 'pleg-relist');
  }

  async relist(): Promise<void> {
    const started = this.clock.now();
    let sandboxes, containers;
    try {
      const filter = Object.keys(this.ownerLabels).length ? { labelSelector: this.ownerLabels } : undefined;
      sandboxes = (await this.cri.runtime.ListPodSandbox(filter ? { filter } : {})).items;
      containers = (await this.cri.runtime.ListContainers(filter ? { filter } : {})).containers;
    } catch {
      return; // the relist time does not move: that is what makes PLEG unhealthy
    }
    this.lastRelistMs = started;
    const seen = new Map<string, { uid: string; state: PlegState }>();
    for (const s of sandboxes) {
      const uid = s.labels[KubernetesPodUIDLabel] ?? s.metadata?.uid ?? '';
      this.podMeta.set(uid, { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '' });
      seen.set(s.id, { uid, state: s.state === 'SANDBOX_READY' ? 'running' : 'exited' });
    }
    for (const c of containers) {
      const uid = c.labels[KubernetesPodUIDLabel] ?? '';
      const state: PlegState = c.state === 'CONTAINER_RUNNING' ? 'running' : c.state === 'CONTAINER_EXITED' ? 'exited' : 'unknown';
      seen.set(c.id, { uid, state });
    }
    const events: PlegEvent[] = [];
    const ids = new Set([...this.states.keys(), ...seen.keys()]);
    for (const id of ids) {
      const old = this.states.get(id);
      const now = seen.get(id);
      events.push(...eventsFor(now?.uid ?? old!.uid, id, old?.state ?? 'non-existent', now?.state ?? 'non-existent'));
    }
    // Upstream groups the events by pod, and for each pod runs updateCache and then sends the
    // pod's events; the cache's global timestamp moves only after every pod is inspected.
    const byPod = new Map<string, PlegEvent[]>();
    for (const e of events) {
      const list = byPod.get(e.podUid);
      if (list) list.push(e);
      else byPod.set(e.podUid, [e]);
    }
    const failed = new Set<string>();
    for (const [uid, podEvents] of byPod) {
      const meta = this.podMeta.get(uid) ?? { name: '', namespace: '' };
      try {
        await this.hooks.inspectPod(uid, meta.name, meta.namespace);
      } catch {
        // "PLEG: Ignoring events for pod": no events, and the pod's record is not updated, so
        // the next relist sees the same change and inspects the pod again.
        failed.add(uid);
        continue;
      }
      for (const e of podEvents) if (e.type !== 'ContainerChanged') this.hooks.onEvent(e);
    }
    const next = new Map<string, { uid: string; state: PlegState }>();
    for (const [id, v] of seen) if (!failed.has(v.uid)) next.set(id, v);
    for (const [id, v] of this.states) if (failed.has(v.uid)) next.set(id, v);
    this.states = next;
    this.hooks.relisted(started);
  }
}
