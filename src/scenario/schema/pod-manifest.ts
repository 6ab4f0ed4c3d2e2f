/**
 * Validation of the v1 Pod manifests a scenario carries. It checks what a learner gets wrong and
 * what crilab relies on (kind, names, containers, images, restart policy, probes), and checks
 * every key against the fields the API knows, so `contianers:` is caught instead of silently
 * ignored. Fields crilab does not interpret pass through untouched; the result is typed as V1Pod.
 * Field lists follow kubernetes-types (k8s.io/api core/v1) plus the few fields added since.
 */
import { z } from 'zod';
import { quoteValue } from '../errors.js';
import type { V1Pod } from '../types.js';
import { ALWAYS, dnsLabel, dnsSubdomain, intInRange, isPlainObject, nonEmptyText, strictObject } from './common.js';

/** ObjectMeta fields set by the API server or not used by crilab: accepted, not checked. */
const OBJECT_META_PASSTHROUGH = [
  'creationTimestamp',
  'deletionGracePeriodSeconds',
  'deletionTimestamp',
  'finalizers',
  'generateName',
  'generation',
  'managedFields',
  'ownerReferences',
  'resourceVersion',
  'selfLink',
  'uid',
] as const;

/** PodSpec fields crilab passes through (scheduling, volumes, security…). */
const POD_SPEC_PASSTHROUGH = [
  'activeDeadlineSeconds',
  'affinity',
  'automountServiceAccountToken',
  'dnsConfig',
  'dnsPolicy',
  'enableServiceLinks',
  'ephemeralContainers',
  'hostAliases',
  'hostIPC',
  'hostPID',
  'hostUsers',
  'hostname',
  'hostnameOverride',
  'imagePullSecrets',
  'nodeName',
  'nodeSelector',
  'os',
  'overhead',
  'preemptionPolicy',
  'priority',
  'priorityClassName',
  'readinessGates',
  'resourceClaims',
  'resources',
  'runtimeClassName',
  'schedulerName',
  'schedulingGates',
  'securityContext',
  'serviceAccount',
  'serviceAccountName',
  'setHostnameAsFQDN',
  'shareProcessNamespace',
  'subdomain',
  'tolerations',
  'topologySpreadConstraints',
  'volumes',
] as const;

const CONTAINER_PASSTHROUGH = [
  'env',
  'envFrom',
  'lifecycle',
  'ports',
  'resizePolicy',
  'resources',
  'restartPolicyRules',
  'securityContext',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
] as const;

/** `v1.RestartPolicy` values. */
export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
/** `v1.PullPolicy` values. */
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

/** IANA service name, as a named container port (`validation.IsValidPortName`). */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

const port = z.unknown().transform((value, ctx) => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  if (typeof value === 'string' && PORT_NAME.test(value)) return value;
  ctx.issues.push({
    code: 'custom',
    input: value,
    message: `bad port ${quoteValue(value)}, expected a port number from 1 to 65535 or a port name like "http"`,
  });
  return z.NEVER;
});

const stringList = z.array(z.string());
const stringMap = z.record(z.string(), z.string());

const probeSchema = strictObject({
  exec: strictObject({ command: stringList.min(1) }).optional(),
  httpGet: strictObject({
    path: z.string().optional(),
    port,
    host: z.string().optional(),
    scheme: z.enum(['HTTP', 'HTTPS']).optional(),
    httpHeaders: z.array(strictObject({ name: z.string(), value: z.string() })).optional(),
  }).optional(),
  tcpSocket: strictObject({ port, host: z.string().optional() }).optional(),
  grpc: strictObject({ port: intInRange(1, 65535, 'a port number'), service: z.string().optional() }).optional(),
  // Bounds from API validation (`validateProbe`): delays ≥ 0, periods and thresholds ≥ 1.
  initialDelaySeconds: intInRange(0, 86_400, 'a number of seconds').optional(),
  timeoutSeconds: intInRange(1, 86_400, 'a number of seconds').optional(),
  periodSeconds: intInRange(1, 86_400, 'a number of seconds').optional(),
  successThreshold: intInRange(1, 1000, 'a whole number').optional(),
  failureThreshold: intInRange(1, 1000, 'a whole number').optional(),
  terminationGracePeriodSeconds: intInRange(1, 86_400, 'a number of seconds').optional(),
}).superRefine((probe, ctx) => {
  if (!isPlainObject(probe)) return;
  const handlers = PROBE_HANDLERS.filter((h) => probe[h] !== undefined);
  if (handlers.length === 0) {
    ctx.addIssue({
      code: 'custom',
      input: probe,
      message: `this probe has no handler, expected one of: ${PROBE_HANDLERS.join(', ')}`,
    });
  } else if (handlers.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [handlers[1] ?? ''],
      input: probe,
      message: `this probe has ${handlers.length} handlers (${handlers.join(', ')}), expected exactly one`,
    });
  }
}, ALWAYS);

const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

function containerShape(init: boolean) {
  return {
    name: dnsLabel('container name'),
    image: nonEmptyText,
    imagePullPolicy: z.enum(PULL_POLICIES).optional(),
    command: stringList.optional(),
    args: stringList.optional(),
    livenessProbe: probeSchema.optional(),
    readinessProbe: probeSchema.optional(),
    startupProbe: probeSchema.optional(),
    terminationMessagePolicy: z.enum(['File', 'FallbackToLogsOnError']).optional(),
    // On init containers `Always` makes a sidecar; on regular containers it is refused below.
    restartPolicy: init ? z.literal('Always').optional() : z.unknown().optional(),
  };
}

/** successThreshold must be 1 for liveness and startup probes (API validation). */
function checkProbeThresholds(container: unknown, ctx: z.core.$RefinementCtx): void {
  if (!isPlainObject(container)) return;
  for (const field of ['livenessProbe', 'startupProbe'] as const) {
    const probe = container[field];
    if (isPlainObject(probe) && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [field, 'successThreshold'],
        input: probe.successThreshold,
        message: `successThreshold of a ${field.replace('Probe', '')} probe is ${probe.successThreshold}, expected 1 (the API allows other values only for readiness probes)`,
      });
    }
  }
}

const containerSchema = strictObject(containerShape(false), { typeName: 'Container', passthrough: CONTAINER_PASSTHROUGH }).superRefine(
  (container, ctx) => {
    checkProbeThresholds(container, ctx);
    if (isPlainObject(container) && container.restartPolicy !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['restartPolicy'],
        input: container.restartPolicy,
        message: `restartPolicy on a regular container is not allowed, expected it on spec.restartPolicy (per-container restartPolicy: Always is for init containers, i.e. sidecars)`,
      });
    }
  },
  ALWAYS,
);

const initContainerSchema = strictObject(containerShape(true), { typeName: 'Container', passthrough: CONTAINER_PASSTHROUGH }).superRefine(
  (container, ctx) => {
    checkProbeThresholds(container, ctx);
    if (!isPlainObject(container) || container.restartPolicy === 'Always') return;
    // API validation: only restartable init containers (sidecars) may have probes or lifecycle.
    for (const field of PROBE_FIELDS) {
      if (container[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          input: container[field],
          message: `an init container cannot have a ${field}, expected it only on containers or on sidecars (init containers with restartPolicy: Always)`,
        });
      }
    }
  },
  ALWAYS,
);

const objectMetaSchema = strictObject(
  {
    name: dnsSubdomain('pod name'),
    namespace: dnsLabel('namespace').optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  },
  { typeName: 'ObjectMeta', passthrough: OBJECT_META_PASSTHROUGH },
);

const podSpecSchema = strictObject(
  {
    containers: z.array(containerSchema).min(1),
    initContainers: z.array(initContainerSchema).optional(),
    restartPolicy: z.enum(RESTART_POLICIES).optional(),
    terminationGracePeriodSeconds: intInRange(0, 86_400, 'a number of seconds').optional(),
    hostNetwork: z.boolean().optional(),
  },
  { typeName: 'PodSpec', passthrough: POD_SPEC_PASSTHROUGH },
).superRefine((spec, ctx) => {
  if (!isPlainObject(spec)) return;
  // Container names are unique across containers and init containers (API validation).
  const seen = new Map<string, string>();
  for (const list of ['initContainers', 'containers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c: unknown, i) => {
      if (!isPlainObject(c) || typeof c.name !== 'string') return;
      const first = seen.get(c.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [list, i, 'name'],
          input: c.name,
          message: `duplicate container name ${JSON.stringify(c.name)} (already used by ${first}), expected unique container names in a pod`,
        });
      } else {
        seen.set(c.name, `${list}[${i}]`);
      }
    });
  }
}, ALWAYS);

/** A v1 Pod manifest. */
export const podManifestSchema = strictObject(
  {
    apiVersion: z.literal('v1'),
    kind: z.literal('Pod'),
    metadata: objectMetaSchema,
    spec: podSpecSchema,
    status: z.unknown().optional(),
  },
).transform((pod) => pod as unknown as V1Pod);

/** Every container name of a manifest (init containers first), in spec order. */
export function containerNames(pod: V1Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
}

/** Every image a manifest uses. */
export function containerImages(pod: V1Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
    .map((c) => c.image)
    .filter((i): i is string => typeof i === 'string');
}
