/**
 * The API defaults a static pod gets when the kubelet decodes its manifest — the part of
 * upstream `SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_Container` and
 * `SetDefaults_Probe` (k8s:pkg/apis/core/v1/defaults.go) that changes what a node does. The
 * kubelet decodes file and URL manifests with the API's own decoder, so defaulting happens
 * there; pods from the API server arrive already defaulted.
 */

import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { DefaultTerminationGracePeriodSeconds, probeDefaults, TerminationMessagePathDefault, TerminationMessageReadFile } from '../constants.js';
import { defaultImagePullPolicy } from '../machines/image-pull.machine.js';

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.initialDelaySeconds ??= probeDefaults.initialDelaySeconds;
  p.timeoutSeconds ??= probeDefaults.timeoutSeconds;
  p.periodSeconds ??= probeDefaults.periodSeconds;
  p.successThreshold ??= probeDefaults.successThreshold;
  p.failureThreshold ??= probeDefaults.failureThreshold;
}

function defaultContainer(c: Container): void {
  if (c.image !== undefined) c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  c.terminationMessagePath ??= TerminationMessagePathDefault;
  c.terminationMessagePolicy ??= TerminationMessageReadFile;
  for (const port of c.ports ?? []) port.protocol ??= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

/** Apply the API defaults in place and return the pod. */
export function applyPodDefaults(pod: Pod): Pod {
  pod.metadata ??= {};
  pod.metadata.namespace ||= 'default';
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= DefaultTerminationGracePeriodSeconds;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  return pod;
}
