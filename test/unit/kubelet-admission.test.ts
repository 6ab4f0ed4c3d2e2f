import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { admitPod, podMatchesNodeLabels } from '../../src/kubelet/admission.js';

const node = { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux', disk: 'ssd' }, maxPods: 3 };
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ metadata: { name: 'p', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });
const withHostPort = (port: number, hostIP?: string): Pod => pod({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: port, ...(hostIP ? { hostIP } : {}) }] }] });

describe('kubelet admission (predicateAdmitHandler)', () => {
  it('admits a plain pod', () => {
    expect(admitPod(pod(), [], node)).toEqual({ admit: true });
  });

  it('rejects a host port already taken, with the predicate reason and message', () => {
    expect(admitPod(withHostPort(8080), [withHostPort(8080)], node)).toEqual({
      admit: false,
      reason: 'NodePorts',
      message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports",
    });
    expect(admitPod(withHostPort(8080, '127.0.0.1'), [withHostPort(8080, '10.0.0.1')], node).admit).toBe(true);
    expect(admitPod(withHostPort(8080, '127.0.0.1'), [withHostPort(8080)], node).admit).toBe(false);
    expect(admitPod(withHostPort(8081), [withHostPort(8080)], node).admit).toBe(true);
  });

  it('rejects a pod whose nodeSelector or required node affinity does not match', () => {
    expect(admitPod(pod({ nodeSelector: { disk: 'hdd' } }), [], node)).toEqual({ admit: false, reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" });
    const affinity = (operator: string, values?: string[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator, ...(values ? { values } : {}) }] }] } } });
    expect(podMatchesNodeLabels(pod({ affinity: affinity('In', ['ssd', 'nvme']) }), node.labels)).toBe(true);
    expect(podMatchesNodeLabels(pod({ affinity: affinity('NotIn', ['ssd']) }), node.labels)).toBe(false);
    expect(podMatchesNodeLabels(pod({ affinity: affinity('DoesNotExist') }), node.labels)).toBe(false);
  });

  it('rejects a pod bound to another node, and beyond maxPods', () => {
    expect(admitPod(pod({ nodeName: 'node-2' }), [], node)).toMatchObject({ admit: false, reason: 'NodeName' });
    expect(admitPod(pod(), [pod(), pod(), pod()], node)).toEqual({ admit: false, reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3" });
  });
});
