import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { recordOf } from '../containerd/scenario-compare.js';

let seq = 0;
const req = (callId: string, method: string, request: unknown): TraceEvent =>
  ({ seq: ++seq, t: 0, source: 'kubelet', kind: 'cri.request', callId, service: 'runtime.v1.RuntimeService', method, request, protoBytes: 0, jsonBytes: 0 }) as TraceEvent;
const res = (callId: string, method: string, body: { response?: unknown; status?: { code: number; codeName: string; message: string } }): TraceEvent =>
  ({ seq: ++seq, t: 0, source: 'kubelet', kind: 'cri.response', callId, service: 'runtime.v1.RuntimeService', method, ...body, durationMs: 0, protoBytes: 0, jsonBytes: 0 }) as TraceEvent;
/** A relist's ContainerStatus for container `id` (named app); proto3 JSON leaves CONTAINER_CREATED (0) out. */
const status = (callId: string, id: string, state?: string, extra: Record<string, unknown> = {}): TraceEvent[] => [
  req(callId, 'ContainerStatus', { containerId: id }),
  res(callId, 'ContainerStatus', { response: { status: { id, metadata: { name: 'app' }, ...(state ? { state } : {}), ...extra } } }),
];
const summary = { passed: 0, failed: 0, results: [] };

describe('differential scenario record: container states', () => {
  it('a container caught between CreateContainer and StartContainer is timing, not a state to compare', () => {
    const events = [
      req('c1', 'CreateContainer', { config: { metadata: { name: 'app' } } }),
      res('c1', 'CreateContainer', { response: { containerId: 'A' } }),
      ...status('s1', 'A'),
      req('c2', 'StartContainer', { containerId: 'A' }),
      ...status('s2', 'A'),
      res('c2', 'StartContainer', { response: {} }),
      ...status('s3', 'A', 'CONTAINER_RUNNING'),
      ...status('s4', 'A', 'CONTAINER_EXITED', { exitCode: 1, reason: 'Error' }),
    ];
    expect(recordOf(events, summary).states).toEqual(['app: CONTAINER_RUNNING', 'app: CONTAINER_EXITED 1 Error']);
  });

  it('a container left CREATED by a failed start is compared', () => {
    const events = [
      req('c1', 'CreateContainer', { config: { metadata: { name: 'app' } } }),
      res('c1', 'CreateContainer', { response: { containerId: 'B' } }),
      req('c2', 'StartContainer', { containerId: 'B' }),
      res('c2', 'StartContainer', { status: { code: 2, codeName: 'UNKNOWN', message: 'failed to create containerd task' } }),
      ...status('s1', 'B'),
    ];
    const r = recordOf(events, summary);
    expect(r.states).toEqual(['app: CONTAINER_CREATED']);
    expect(r.calls).toEqual(['CreateContainer', 'StartContainer → UNKNOWN']);
  });
});
