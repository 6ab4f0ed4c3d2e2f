/** The golden comparison: where two normalised traces first differ, and how that is reported. */
import { describe, expect, it } from 'vitest';
import { firstDivergence, formatDivergence } from '../../src/scenario/golden.js';
import type { TraceEvent } from '../../src/trace/events.js';

const step = (seq: number, index: number, phase: 'start' | 'end'): TraceEvent => ({ seq, t: 0, source: 'scenario', kind: 'step', index, total: 2, step: 'wait', summary: 'wait until pod web is Running', phase });
const call = (seq: number, t: number, method: string, code?: string): TraceEvent => ({
  seq,
  t,
  source: 'kubelet',
  kind: 'cri.response',
  callId: `call-${seq}`,
  service: 'runtime.v1.RuntimeService',
  method,
  ...(code ? { status: { code: 5, codeName: code, message: 'not found' } } : { response: {} }),
  durationMs: 0,
  protoBytes: 0,
  jsonBytes: 2,
});

const golden = [step(1, 1, 'start'), call(2, 0, 'RunPodSandbox'), step(3, 1, 'end'), step(4, 2, 'start'), call(5, 10, 'PodSandboxStatus'), call(6, 20, 'CreateContainer'), step(7, 2, 'end')];

describe('golden comparison', () => {
  it('finds no divergence in equal traces, whatever the key order', () => {
    const reordered = golden.map((e) => Object.fromEntries(Object.entries(e).reverse()) as TraceEvent);
    expect(firstDivergence(golden, reordered)).toBeUndefined();
  });

  it('reports the first differing event with its step, context and fields', () => {
    const actual = [...golden.slice(0, 5), call(6, 20, 'CreateContainer', 'NOT_FOUND'), step(7, 2, 'end')];
    const d = firstDivergence(golden, actual)!;
    expect(d.index).toBe(5);
    expect(d.step).toMatchObject({ index: 2, step: 'wait' });
    expect(d.context.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(d.fields).toEqual(['response: {} → absent', 'status: absent → {"code":5,"codeName":"NOT_FOUND","message":"not found"}']);
    const text = formatDivergence(d).join('\n');
    expect(text).toContain('first difference at event #6 in step 2/2 (wait: wait until pod web is Running)');
    expect(text).toContain('expected (golden): #6 +20ms kubelet cri.response CreateContainer call-6 OK');
    expect(text).toContain('actual (this run): #6 +20ms kubelet cri.response CreateContainer call-6 NOT_FOUND: not found');
    expect(text).toContain('#5 +10ms kubelet cri.response PodSandboxStatus');
  });

  it('reports a trace that ends early or goes on', () => {
    const short = firstDivergence(golden, golden.slice(0, 4))!;
    expect(short.index).toBe(4);
    expect(formatDivergence(short).join('\n')).toMatch(/actual \(this run\): nothing: the run ended after 4 events/);
    const long = firstDivergence(golden.slice(0, 4), golden)!;
    expect(formatDivergence(long).join('\n')).toMatch(/expected \(golden\): nothing: the golden ends after 4 events/);
  });

  it('says "before the first step" for a difference in the start-up calls', () => {
    const d = firstDivergence([call(1, 0, 'Version')], [call(1, 0, 'Status')])!;
    expect(formatDivergence(d)[0]).toBe('first difference at event #1 before the first step');
    expect(d.fields).toEqual(['method: "Version" → "Status"']);
  });
});
