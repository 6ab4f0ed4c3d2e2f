/**
 * The part of the API's `ValidatePod` (k8s:pkg/apis/core/validation/validation.go) a static pod
 * manifest most often trips over. A manifest that fails is not run: the file source logs it and
 * skips the file, as the kubelet does (`tryDecodeSinglePod` → "invalid pod: [...]").
 * Messages follow the API's `field.Error` wording: `<path>: Required value`,
 * `<path>: Invalid value: "<v>": <detail>`, `<path>: Duplicate value: "<v>"`,
 * `<path>: Unsupported value: "<v>": supported values: …`, printed as Go prints the list.
 */

import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const quote = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const supported = (values: readonly string[]) => `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`;

function validateProbe(p: Probe | undefined, path: string, mustSucceedOnce: boolean, errs: string[]): void {
  if (!p) return;
  const handlers = [p.exec, p.httpGet, p.tcpSocket, p.grpc].filter((h) => h !== undefined).length;
  if (handlers === 0) errs.push(`${path}: Required value: must specify a handler type`);
  if (handlers > 1) errs.push(`${path}: Forbidden: may not specify more than 1 handler type`);
  if (mustSucceedOnce && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(`${path}.successThreshold: Invalid value: ${p.successThreshold}: must be 1`);
  }
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = p[f];
    if (v !== undefined && v < 0) errs.push(`${path}.${f}: Invalid value: ${v}: must be greater than or equal to 0`);
  }
}

function validateContainer(c: Container, path: string, names: Set<string>, isInit: boolean, errs: string[]): void {
  if (!c.name) errs.push(`${path}.name: Required value`);
  else if (!DNS1123_LABEL.test(c.name) || c.name.length > 63) errs.push(`${path}.name: Invalid value: ${quote(c.name)}: ${LABEL_MSG}`);
  else if (names.has(c.name)) errs.push(`${path}.name: Duplicate value: ${quote(c.name)}`);
  if (c.name) names.add(c.name);
  if (!c.image || c.image.trim() === '') errs.push(`${path}.image: Required value`);
  const pulls = ['Always', 'IfNotPresent', 'Never'];
  if (c.imagePullPolicy !== undefined && !pulls.includes(c.imagePullPolicy)) {
    errs.push(`${path}.imagePullPolicy: Unsupported value: ${quote(c.imagePullPolicy)}: ${supported(pulls)}`);
  }
  if (isInit) {
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(`${path}.restartPolicy: Unsupported value: ${quote(c.restartPolicy)}: ${supported(['Always'])}`);
    }
  } else if (c.restartPolicy !== undefined) {
    errs.push(`${path}.restartPolicy: Forbidden: may not be set for non-init containers`);
  }
  const sidecar = isInit && c.restartPolicy === 'Always';
  if (isInit && !sidecar) {
    if (c.livenessProbe) errs.push(`${path}.livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always`);
    if (c.readinessProbe) errs.push(`${path}.readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always`);
    if (c.startupProbe) errs.push(`${path}.startupProbe: Forbidden: may not be set for init containers without restartPolicy=Always`);
  } else {
    validateProbe(c.livenessProbe, `${path}.livenessProbe`, true, errs);
    validateProbe(c.readinessProbe, `${path}.readinessProbe`, false, errs);
    validateProbe(c.startupProbe, `${path}.startupProbe`, true, errs);
  }
}

/** The validation errors of a (defaulted) pod, in the API's order; empty when it is valid. */
export function validatePod(pod: Pod): string[] {
  const errs: string[] = [];
  const name = pod.metadata?.name;
  if (!name) errs.push('metadata.name: Required value: name or generateName is required');
  else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) errs.push(`metadata.name: Invalid value: ${quote(name)}: ${SUBDOMAIN_MSG}`);
  const ns = pod.metadata?.namespace;
  if (ns && !DNS1123_LABEL.test(ns)) errs.push(`metadata.namespace: Invalid value: ${quote(ns)}: ${LABEL_MSG}`);
  const spec = pod.spec;
  const names = new Set<string>();
  (spec?.initContainers ?? []).forEach((c, i) => validateContainer(c, `spec.initContainers[${i}]`, names, true, errs));
  if (!spec?.containers || spec.containers.length === 0) errs.push('spec.containers: Required value');
  (spec?.containers ?? []).forEach((c, i) => validateContainer(c, `spec.containers[${i}]`, names, false, errs));
  const policies = ['Always', 'OnFailure', 'Never'];
  if (spec?.restartPolicy !== undefined && !policies.includes(spec.restartPolicy)) {
    errs.push(`spec.restartPolicy: Unsupported value: ${quote(spec.restartPolicy)}: ${supported(policies)}`);
  }
  const grace = spec?.terminationGracePeriodSeconds;
  if (grace !== undefined && grace < 0) errs.push(`spec.terminationGracePeriodSeconds: Invalid value: ${grace}: must be greater than or equal to 0`);
  return errs;
}

/** Go's `%v` of a `field.ErrorList`: `[a b c]`. */
export function formatErrorList(errs: readonly string[]): string {
  return `[${errs.join(' ')}]`;
}
