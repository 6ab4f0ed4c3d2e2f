import { createHash } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodSourceKind } from './types.js';

/**
 * What a pod looks like once its source has read it (upstream pkg/kubelet/config/common.go
 * applyDefaults): static pods from a file or URL get the node name appended to their name,
 * a UID that is the hash of the manifest and the node, and the config hash and source
 * annotations; pods from the API server already have a UID (here: a seeded one).
 */
export function preparePod(manifest: Pod, source: PodSourceKind, nodeName: string, faker: Faker): Pod {
  const pod: Pod = structuredClone(manifest);
  const meta: { uid?: string; name?: string; namespace?: string; annotations?: Record<string, string> } = { ...(pod.metadata ?? {}) };
  pod.metadata = meta;
  meta.namespace ??= 'default';
  pod.spec ??= { containers: [] };
  pod.spec.restartPolicy ??= 'Always';
  pod.spec.terminationGracePeriodSeconds ??= 30;
  pod.spec.dnsPolicy ??= 'ClusterFirst';
  const annotations: Record<string, string> = { ...(pod.metadata.annotations ?? {}) };
  if (source === 'api') {
    meta.uid ??= faker.string.uuid();
  } else {
    meta.name = `${meta.name}-${nodeName}`;
    const hash = createHash('md5').update(JSON.stringify(pod)).update(`host:${nodeName}`).digest('hex');
    meta.uid = hash;
    annotations['kubernetes.io/config.hash'] = hash;
  }
  annotations['kubernetes.io/config.source'] = source;
  meta.annotations = annotations;
  return pod;
}
