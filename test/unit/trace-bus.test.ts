import { describe, expect, it } from 'vitest';
import { emitLazily, TraceBus, type TraceEmitter } from '../../src/trace/bus.js';
import type { TraceEvent } from '../../src/trace/events.js';

const clock = { now: () => 1_000 };
const log = (message: string) => ({ kind: 'log', level: 'info', message }) as const;
const narration = (text: string) => ({ kind: 'narration', text }) as const;

describe('TraceBus', () => {
  it('hands a listener with kinds only those kinds, numbered as the whole stream', () => {
    const bus = new TraceBus(clock, { keep: false });
    const all: TraceEvent[] = [];
    const logs: TraceEvent[] = [];
    bus.subscribe((e) => all.push(e));
    bus.subscribe((e) => logs.push(e), { kinds: ['log'] });
    bus.emit('kubelet', narration('a'));
    bus.emit('kubelet', log('b'));
    expect(all.map((e) => e.seq)).toEqual([1, 2]);
    expect(logs).toEqual([{ seq: 2, t: 1_000, source: 'kubelet', kind: 'log', level: 'info', message: 'b' }]);
  });

  it('builds a lazy event only when it is kept or some listener takes its kind, and numbers it either way', () => {
    const bus = new TraceBus(clock, { keep: false });
    const seen: TraceEvent[] = [];
    let built = 0;
    const lazy = (text: string) => () => (built++, narration(text));
    bus.emitLazy('kubelet', 'narration', lazy('nobody listens'));
    const off = bus.subscribe((e) => seen.push(e), { kinds: ['log'] });
    bus.emitLazy('kubelet', 'narration', lazy('only logs wanted'));
    expect(built).toBe(0);
    bus.emitLazy('kubelet', 'log', () => (built++, log('wanted')));
    expect(built).toBe(1);
    expect(seen.map((e) => e.seq)).toEqual([3]);
    off();
    expect(bus.wants('log')).toBe(false);
    bus.subscribe((e) => seen.push(e));
    bus.emitLazy('kubelet', 'narration', lazy('everything wanted'));
    expect(built).toBe(2);
    expect(seen.map((e) => e.seq)).toEqual([3, 4]);
  });

  it('a bus that keeps its events builds every one', () => {
    const bus = new TraceBus(clock);
    expect(bus.wants('cri.request')).toBe(true);
    bus.emitLazy('runtime', 'narration', () => narration('kept'));
    expect(bus.events).toHaveLength(1);
  });

  it('emitLazily falls back to emit for an emitter without emitLazy', () => {
    const emitted: unknown[] = [];
    const emitter: TraceEmitter = { emit: (body) => (emitted.push(body), { seq: 1, t: 0, source: 'kubelet', ...body }) as TraceEvent };
    emitLazily(emitter, 'narration', () => narration('x'));
    expect(emitted).toEqual([narration('x')]);
  });
});
