import { describe, expect, it } from 'vitest';
import { aggregateErrors, generateNodeStatus, RuntimeState, sameNodeStatus } from '../../src/kubelet/node-status.js';

describe('node status (nodestatus setters, runtimeState)', () => {
  it('aggregates errors as Go prints an aggregate', () => {
    expect(aggregateErrors([])).toBe('');
    expect(aggregateErrors(['a'])).toBe('a');
    expect(aggregateErrors(['a', 'b'])).toBe('[a, b]');
  });

  it('runtime state: not yet checked, down after 30 s without a Status, health checks, network errors', () => {
    let now = 0;
    const rs = new RuntimeState(() => now);
    let plegOk = true;
    rs.addHealthCheck({ name: 'PLEG', check: () => ({ ok: plegOk, message: 'pleg was last seen active 3m1s ago; threshold is 3m0s' }) });
    expect(rs.runtimeErrors()).toEqual(['container runtime status check may not have completed yet']);
    expect(rs.networkErrors()).toEqual(['network state unknown']);
    rs.lastBaseRuntimeSyncMs = 0;
    rs.networkError = undefined;
    now = 29_999;
    expect(rs.runtimeErrors()).toEqual([]);
    now = 30_000;
    expect(rs.runtimeErrors()).toEqual(['container runtime is down']);
    plegOk = false;
    expect(rs.runtimeErrors()).toEqual(['container runtime is down', 'PLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s']);
  });

  it('the Ready condition and its transition time', () => {
    const input = { nodeName: 'n', nodeIP: '10.0.0.1', containerRuntimeVersion: 'containerd://1.7.0', kubeletVersion: 'v1.31.0' };
    const ready = generateNodeStatus({ ...input, now: Date.UTC(2026, 0, 1), runtimeErrors: [], networkErrors: [] });
    expect(ready.conditions?.at(-1)).toEqual({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' });
    const later = generateNodeStatus({ ...input, now: Date.UTC(2026, 0, 1, 0, 0, 10), runtimeErrors: [], networkErrors: [], previous: ready });
    expect(later.conditions?.at(-1)?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(sameNodeStatus(ready, later)).toBe(true);
    const notReady = generateNodeStatus({
      ...input,
      now: Date.UTC(2026, 0, 1, 0, 0, 20),
      runtimeErrors: ['container runtime is down'],
      networkErrors: ['container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'],
      previous: later,
    });
    expect(notReady.conditions?.at(-1)).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime is down,container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      lastTransitionTime: '2026-01-01T00:00:20Z',
    });
    expect(sameNodeStatus(later, notReady)).toBe(false);
    expect(notReady.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }]);
  });
});
