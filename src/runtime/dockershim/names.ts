import { annotationPrefix, kubePrefix, sandboxContainerName } from './constants.js';

interface SandboxMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  attempt?: number;
}

/**
 * Docker container name of a sandbox: `k8s_POD_<pod>_<namespace>_<uid>_<attempt>`
 * (`makeSandboxName`, naming.go). Docker names must be unique, which is how dockershim reserved
 * a sandbox name, as containerd's registrar does.
 */
export function makeSandboxName(m: SandboxMeta | undefined): string {
  return [kubePrefix, sandboxContainerName, m?.name ?? '', m?.namespace ?? '', m?.uid ?? '', String(m?.attempt ?? 0)].join('_');
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>` (`makeContainerName`, naming.go). */
export function makeContainerName(sandbox: SandboxMeta | undefined, container: { name?: string; attempt?: number } | undefined): string {
  return [kubePrefix, container?.name ?? '', sandbox?.name ?? '', sandbox?.namespace ?? '', sandbox?.uid ?? '', String(container?.attempt ?? 0)].join('_');
}

/**
 * Docker has labels but no annotations: dockershim merged both into Docker labels, annotations
 * under an `annotation.` prefix (`makeLabels`, helpers.go), and split them again on the way back.
 */
export function makeDockerLabels(labels: Record<string, string> | undefined, annotations: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...(labels ?? {}) };
  for (const [k, v] of Object.entries(annotations ?? {})) out[annotationPrefix + k] = v;
  return out;
}

/** Docker's `filters` query parameter for a label selector, as the Engine API takes it. */
export function labelFilterQuery(labels: Record<string, string>): string {
  const label: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(labels)) label[`${k}=${v}`] = true;
  return `filters=${JSON.stringify({ label })}`;
}

/** A 12-character short ID, as `docker ps` shows it. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}
