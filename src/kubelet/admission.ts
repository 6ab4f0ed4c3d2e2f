/**
 * Pod admission on the node (k8s:pkg/kubelet/lifecycle/predicate.go `predicateAdmitHandler`,
 * run by `canAdmitPod` in k8s:pkg/kubelet/kubelet.go before a pod gets a worker). A rejected pod
 * never reaches the runtime: the kubelet records a Warning event with the reason and sets the
 * pod's status to phase `Failed`, reason = the predicate's name, message
 * "Pod was rejected: <predicate message>" (`rejectPod`).
 *
 * The checks kept, in upstream order (only the first failure is reported):
 * - `NodeName`: `spec.nodeName` names another node;
 * - `NodeAffinity`: `nodeSelector` / required node affinity do not match the node's labels;
 * - `NodePorts`: a `hostPort` (protocol, IP) is already taken by an admitted pod;
 * - `OutOfpods`: the node already runs `maxPods` pods.
 * Resources (cpu/memory), taints, OS checks and device plugins are left out.
 */

import type { NodeSelectorRequirement, Pod } from 'kubernetes-types/core/v1.js';

export interface AdmitResult {
  admit: boolean;
  reason?: string;
  message?: string;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  maxPods: number;
}

/** Scheduler plugin names and reasons the kubelet reports (k8s:pkg/scheduler/framework/plugins). */
export const NodeNameReason = 'node(s) didn\'t match the requested node name';
export const NodeAffinityReason = "node(s) didn't match Pod's node affinity/selector";
export const NodePortsReason = "node(s) didn't have free ports for the requested pod ports";

const predicateFailure = (name: string, desc: string): AdmitResult => ({ admit: false, reason: name, message: `Predicate ${name} failed: ${desc}` });

function requirementMatches(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

/** `nodeSelector` and `requiredDuringSchedulingIgnoredDuringExecution` (terms ORed, expressions ANDed). */
export function podMatchesNodeLabels(pod: Pod, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels)));
}

function hostPorts(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) =>
    (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0).map((p) => `${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`),
  );
}

function portsConflict(wanted: string[], used: Set<string>): boolean {
  for (const w of wanted) {
    const [proto, ip, port] = w.split('/');
    for (const u of used) {
      const [uproto, uip, uport] = u.split('/');
      if (proto !== uproto || port !== uport) continue;
      if (ip === uip || ip === '0.0.0.0' || uip === '0.0.0.0') return true;
    }
  }
  return false;
}

/**
 * Would the kubelet admit `pod`, given the pods it already runs (`others`, not terminated)?
 * `others` may be a function, called only when the answer needs it.
 */
export function admitPod(pod: Pod, others: readonly Pod[] | (() => readonly Pod[]), node: NodeInfo, activeCount?: number): AdmitResult {
  const nodeName = pod.spec?.nodeName;
  if (nodeName && nodeName !== node.name) return predicateFailure('NodeName', NodeNameReason);
  if (!podMatchesNodeLabels(pod, node.labels)) return predicateFailure('NodeAffinity', NodeAffinityReason);
  const list = () => (typeof others === 'function' ? others() : others);
  const wanted = hostPorts(pod);
  if (wanted.length > 0 && portsConflict(wanted, new Set(list().flatMap(hostPorts)))) return predicateFailure('NodePorts', NodePortsReason);
  const used = activeCount ?? list().length;
  if (used + 1 > node.maxPods) {
    return { admit: false, reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${used}, capacity: ${node.maxPods}` };
  }
  return { admit: true };
}
