import type { TraceEvent } from '../../trace/events.js';

/**
 * Where each scenario step ends in the event stream. "Step n" shows everything up to and
 * including the `step` end event of step n; step 0 shows what happened before step 1 began.
 * The index only ever scans events it has not seen, so a live run's growing stream costs
 * nothing per frame.
 */
export class StepIndex {
  private scanned = 0;
  private source: readonly TraceEvent[] | null = null;
  private firstStart: number | null = null;
  private readonly ends = new Map<number, number>();
  private announcedTotal = 0;

  /** Bring the index up to date with `events` (append-only; a different array starts over). */
  update(events: readonly TraceEvent[]): this {
    if (events !== this.source && (this.source === null || events[0] !== this.source[0] || events.length < this.scanned)) {
      this.scanned = 0;
      this.firstStart = null;
      this.ends.clear();
      this.announcedTotal = 0;
    }
    this.source = events;
    for (let i = this.scanned; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'step') continue;
      if (e.total > this.announcedTotal) this.announcedTotal = e.total;
      if (e.phase === 'start' && this.firstStart === null) this.firstStart = i;
      if (e.phase === 'end' && !this.ends.has(e.index)) this.ends.set(e.index, i + 1);
    }
    this.scanned = events.length;
    return this;
  }

  /** The largest `total` any step event announced. */
  get total(): number {
    return this.announcedTotal;
  }

  /** The highest n such that steps 1..n have all ended. */
  get completed(): number {
    let n = 0;
    while (this.ends.has(n + 1)) n++;
    return n;
  }

  /**
   * How many events step `n` shows, or undefined if the stream has not reached the end of
   * step n yet (a live run still working on it).
   */
  cut(n: number): number | undefined {
    if (n <= 0) return this.firstStart ?? (this.source ? this.source.length : 0);
    return this.ends.get(n);
  }
}

export function stepIndexOf(events: readonly TraceEvent[]): StepIndex {
  return new StepIndex().update(events);
}
