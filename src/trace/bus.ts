import type { Clock } from '../clock/clock.js';
import type { TraceEvent, TraceEventBody, TraceSource } from './events.js';

export type TraceListener = (event: TraceEvent) => void;

/**
 * The typed event bus: producers emit bodies, the bus stamps them with a sequence number and
 * the clock's time, keeps them (so a late subscriber or a recording sees everything), and
 * hands them to every subscriber synchronously, in order.
 */
export class TraceBus {
  private seq = 0;
  private readonly listeners = new Set<TraceListener>();
  readonly events: TraceEvent[] = [];

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly opts: { keep?: boolean } = {},
  ) {}

  emit(source: TraceSource, body: TraceEventBody): TraceEvent {
    const event = { seq: ++this.seq, t: this.clock.now(), source, ...body } as TraceEvent;
    if (this.opts.keep !== false) this.events.push(event);
    for (const l of this.listeners) l(event);
    return event;
  }

  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A producer bound to one source, so components need not repeat who they are. */
  forSource(source: TraceSource): TraceEmitter {
    return { emit: (body) => this.emit(source, body) };
  }
}

export interface TraceEmitter {
  emit(body: TraceEventBody): TraceEvent;
}
