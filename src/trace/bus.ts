import type { Clock } from '../clock/clock.js';
import type { TraceEvent, TraceEventBody, TraceEventKind, TraceSource } from './events.js';

export type TraceListener = (event: TraceEvent) => void;

export interface SubscribeOptions {
  /** Only these kinds reach the listener (default: every kind). */
  kinds?: readonly TraceEventKind[];
}

/** The body of an event of kind `K`. */
export type TraceBodyOf<K extends TraceEventKind> = Extract<TraceEventBody, { kind: K }>;

/**
 * The typed event bus: producers emit bodies, the bus stamps them with a sequence number and
 * the clock's time, keeps them (so a late subscriber or a recording sees everything), and
 * hands them to every subscriber synchronously, in order.
 *
 * Some bodies cost more to build than the rest of the work they describe: a CRI call's
 * proto3 JSON and byte sizes take a protobuf round trip per message. `emitLazy` builds such a
 * body only when the bus keeps events or a subscriber takes its kind, so a bus nobody reads
 * (`crilab runtime --quiet`) or one read for a few kinds (a pod status watch) does not pay for
 * them. Unbuilt events still take their sequence number: `seq` counts what happened, whoever
 * listens, so a subscriber to some kinds sees the same numbers as one that takes them all.
 */
export class TraceBus {
  private seq = 0;
  /** Each listener with the kinds it takes (undefined = all). */
  private readonly listeners = new Map<TraceListener, ReadonlySet<TraceEventKind> | undefined>();
  /** How many listeners take all kinds, and how many take each listed kind (for `wants`). */
  private allKinds = 0;
  private readonly kindCounts = new Map<TraceEventKind, number>();
  readonly events: TraceEvent[] = [];

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly opts: { keep?: boolean } = {},
  ) {}

  emit(source: TraceSource, body: TraceEventBody): TraceEvent {
    const event = { seq: ++this.seq, t: this.clock.now(), source, ...body } as TraceEvent;
    if (this.opts.keep !== false) this.events.push(event);
    for (const [l, kinds] of this.listeners) if (!kinds || kinds.has(event.kind)) l(event);
    return event;
  }

  /** Emit the body `build` returns if anyone will see an event of `kind`; else only count it. */
  emitLazy<K extends TraceEventKind>(source: TraceSource, kind: K, build: () => TraceBodyOf<K>): void {
    if (this.wants(kind)) this.emit(source, build());
    else ++this.seq;
  }

  /** Would an event of `kind` be kept or reach a subscriber? */
  wants(kind: TraceEventKind): boolean {
    return this.opts.keep !== false || this.allKinds > 0 || (this.kindCounts.get(kind) ?? 0) > 0;
  }

  subscribe(listener: TraceListener, opts: SubscribeOptions = {}): () => void {
    if (this.listeners.has(listener)) return () => this.unsubscribe(listener);
    const kinds = opts.kinds ? new Set(opts.kinds) : undefined;
    this.listeners.set(listener, kinds);
    if (!kinds) this.allKinds++;
    else for (const k of kinds) this.kindCounts.set(k, (this.kindCounts.get(k) ?? 0) + 1);
    return () => this.unsubscribe(listener);
  }

  private unsubscribe(listener: TraceListener): void {
    if (!this.listeners.has(listener)) return;
    const kinds = this.listeners.get(listener);
    this.listeners.delete(listener);
    if (!kinds) this.allKinds--;
    else for (const k of kinds) this.kindCounts.set(k, (this.kindCounts.get(k) ?? 1) - 1);
  }

  /** A producer bound to one source, so components need not repeat who they are. */
  forSource(source: TraceSource): TraceEmitter {
    return {
      emit: (body) => this.emit(source, body),
      emitLazy: (kind, build) => this.emitLazy(source, kind, build),
    };
  }
}

export interface TraceEmitter {
  emit(body: TraceEventBody): TraceEvent;
  /**
   * Emit a body that is costly to build only if someone will see it (see TraceBus.emitLazy).
   * Optional so that a hand-made emitter (a test's) need only `emit`: without it, the body is
   * always built and emitted.
   */
  emitLazy?<K extends TraceEventKind>(kind: K, build: () => TraceBodyOf<K>): void;
}

/** Emit through `emitLazy` when the emitter has it, else build and emit at once. */
export function emitLazily<K extends TraceEventKind>(trace: TraceEmitter, kind: K, build: () => TraceBodyOf<K>): void {
  if (trace.emitLazy) trace.emitLazy(kind, build);
  else trace.emit(build());
}
