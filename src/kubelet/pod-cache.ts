import type { PodRuntimeStatus } from './runtime-status.js';

interface Entry {
  status: PodRuntimeStatus;
  timeMs: number;
}

/**
 * The kubelet's pod cache (upstream pkg/kubelet/container/cache.go): PLEG writes each pod's
 * runtime status after a relist, and pod workers read it. A worker asks for a status *newer
 * than its last sync*, so it never acts twice on the same picture of the node; the cache's
 * global timestamp moves with every successful relist, so pods with no change still get one.
 */
export class PodCache {
  private readonly entries = new Map<string, Entry>();
  private globalMs = -1;
  private waiters: Array<{ uid: string; minMs: number; resolve: (s: PodRuntimeStatus) => void }> = [];

  set(uid: string, status: PodRuntimeStatus, timeMs: number): void {
    this.entries.set(uid, { status, timeMs });
    this.notify();
  }

  delete(uid: string): void {
    this.entries.delete(uid);
  }

  /** After a relist: everything in the cache is at least this fresh. */
  updateTime(timeMs: number): void {
    this.globalMs = Math.max(this.globalMs, timeMs);
    this.notify();
  }

  get(uid: string): PodRuntimeStatus | undefined {
    return this.entries.get(uid)?.status;
  }

  private fresh(uid: string, minMs: number): PodRuntimeStatus | undefined {
    const e = this.entries.get(uid);
    if (e && e.timeMs > minMs) return e.status;
    if (this.globalMs > minMs) return e?.status ?? emptyStatus(uid);
    return undefined;
  }

  /** Resolve with the pod's status once the cache holds one newer than `minMs`. */
  getNewerThan(uid: string, minMs: number): Promise<PodRuntimeStatus> {
    const now = this.fresh(uid, minMs);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => this.waiters.push({ uid, minMs, resolve }));
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      const s = this.fresh(w.uid, w.minMs);
      if (s) w.resolve(s);
      else this.waiters.push(w);
    }
  }
}

export function emptyStatus(uid: string): PodRuntimeStatus {
  return { uid, name: '', namespace: '', sandboxes: [], containers: [] };
}
