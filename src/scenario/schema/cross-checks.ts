/**
 * Checks that look across the scenario after each part has parsed on its own: names resolve
 * (every step's pod and container exist), pods are applied before they are updated or deleted,
 * faults target what exists (a probe to fail, an image some pod uses), and IPs fit the node's
 * pod CIDR. Each problem carries the path of the value at fault; the loader turns it into
 * file:line:column.
 */
import type { PathSegment } from '../errors.js';
import { didYouMean, listWords } from '../errors.js';
import type { NodeSettings, PodSourceKind, RegistrySettings, V1Pod } from '../types.js';
import { cidrContains, parseIpv4Cidr } from './common.js';
import { containerImages, containerNames } from './pod-manifest.js';
import type { SchemaStep } from './steps.js';

export interface CheckedPod {
  /** Undefined when neither `name` nor a loadable manifest gave one. */
  name: string | undefined;
  source: PodSourceKind;
  /** Undefined when its manifest file did not load (already reported). */
  manifest: V1Pod | undefined;
  /** Where the name was written, for duplicate messages. */
  namePath: PathSegment[];
}

export interface CrossCheckInput {
  node: NodeSettings | undefined;
  registry: RegistrySettings | undefined;
  /** Undefined when the pods section itself did not parse. */
  pods: CheckedPod[] | undefined;
  /** One entry per step in the file; undefined for steps that did not parse. */
  steps: (SchemaStep | undefined)[];
}

export interface PathProblem {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than its value (for keys that name things). */
  at?: 'key';
}

/** `busybox` → `docker.io/library/busybox:latest`, so differently written refs compare equal. */
export function normalizeImageRef(ref: string): string {
  let name = ref;
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (firstSlash < 0) name = `docker.io/library/${name}`;
  else if (!hasRegistry) name = `docker.io/${name}`;
  const lastSlash = name.lastIndexOf('/');
  const tail = name.slice(lastSlash + 1);
  if (!tail.includes(':') && !tail.includes('@')) name = `${name}:latest`;
  return name;
}

/** The pause image is the runtime's own; a scenario may tune its pull without a pod using it. */
function isPauseImage(ref: string): boolean {
  return /\/pause(:|@|$)/.test(normalizeImageRef(ref));
}

export function crossCheck(input: CrossCheckInput): PathProblem[] {
  const problems: PathProblem[] = [];
  const pods = input.pods;
  const byName = new Map<string, CheckedPod>();
  const indexOf = new Map<CheckedPod, number>((pods ?? []).map((p, i) => [p, i]));

  // Pod names are how steps refer to pods, so they must be unique.
  for (const pod of pods ?? []) {
    if (pod.name === undefined) continue;
    const first = byName.get(pod.name);
    if (first !== undefined) {
      problems.push({
        path: pod.namePath,
        message: `duplicate pod name ${JSON.stringify(pod.name)} (already the name of pods[${indexOf.get(first) ?? 0}]), expected each pod to have its own name (set "name:" on one of them)`,
      });
    } else {
      byName.set(pod.name, pod);
    }
  }

  // With a pod whose name is unknown (its manifest did not load), "unknown pod" would be noise.
  const podsKnown = pods !== undefined && pods.every((p) => p.name !== undefined);
  const podNames = [...byName.keys()];
  const manifests = new Map<string, V1Pod | undefined>([...byName].map(([n, p]) => [n, p.manifest]));
  const applied = new Map<string, PodSourceKind | undefined>();
  const images = new Set<string>();
  for (const pod of pods ?? []) if (pod.manifest) for (const i of containerImages(pod.manifest)) images.add(normalizeImageRef(i));
  for (const step of input.steps) {
    if (step?.kind === 'update' && step.manifest) for (const i of containerImages(step.manifest)) images.add(normalizeImageRef(i));
  }
  for (const i of input.node?.images ?? []) images.add(normalizeImageRef(i));
  const imageList = [...images];

  const cidr = input.node ? parseIpv4Cidr(input.node.podCIDR) : undefined;

  /** Reports an unknown pod; returns the pod's current manifest if it is known. */
  const pod = (name: string | undefined, path: PathSegment[]): { known: boolean; manifest?: V1Pod } => {
    if (name === undefined) return { known: false };
    if (byName.has(name)) {
      const manifest = manifests.get(name);
      return manifest ? { known: true, manifest } : { known: true };
    }
    if (podsKnown) {
      problems.push({
        path,
        message:
          podNames.length === 0
            ? `unknown pod ${JSON.stringify(name)}, expected a pod defined under "pods:" (there are none)`
            : `unknown pod ${JSON.stringify(name)}, expected one of the pods defined under "pods:": ${listWords(podNames)}${didYouMean(name, podNames)}`,
      });
    }
    return { known: false };
  };

  const container = (podName: string, manifest: V1Pod | undefined, name: string | undefined, path: PathSegment[]) => {
    if (manifest === undefined || name === undefined) return;
    const names = containerNames(manifest);
    if (names.includes(name)) return;
    problems.push({
      path,
      message: `unknown container ${JSON.stringify(name)} in pod ${JSON.stringify(podName)}, expected one of: ${listWords(names)}${didYouMean(name, names)}`,
    });
  };

  const image = (ref: string, path: PathSegment[], at?: 'key') => {
    if (images.size === 0 || images.has(normalizeImageRef(ref)) || isPauseImage(ref)) return;
    const plain = imageList.map((i) => i.replace(/^docker\.io\/(library\/)?/, ''));
    problems.push({
      path,
      ...(at && { at }),
      message: `image ${JSON.stringify(ref)} is not used by any pod, expected one of: ${listWords(plain)}${didYouMean(ref, plain)}`,
    });
  };

  for (const ref of Object.keys(input.registry?.images ?? {})) image(ref, ['registry', 'images', ref], 'key');

  input.steps.forEach((step, i) => {
    if (step === undefined) return;
    const at = (...rest: PathSegment[]): PathSegment[] => ['steps', i, step.kind, ...rest];
    switch (step.kind) {
      case 'narrate':
      case 'advance':
        return;
      case 'apply': {
        const p = pod(step.pod, at('pod'));
        if (p.known) applied.set(step.pod, step.source ?? byName.get(step.pod)?.source);
        return;
      }
      case 'update': {
        const p = pod(step.pod, at('pod'));
        if (!p.known) return;
        if (!applied.has(step.pod)) {
          problems.push({ path: at('pod'), message: `pod ${JSON.stringify(step.pod)} is updated before it is applied, expected an "apply: ${step.pod}" step earlier` });
        }
        const before = p.manifest;
        const after = step.manifest;
        if (before && after) {
          const was = `${before.metadata?.namespace ?? 'default'}/${before.metadata?.name ?? ''}`;
          const now = `${after.metadata?.namespace ?? 'default'}/${after.metadata?.name ?? ''}`;
          if (was !== now) {
            problems.push({
              path: step.manifestFile !== undefined ? at('manifestFile') : at('manifest', 'metadata', 'name'),
              message: `the update renames pod ${JSON.stringify(step.pod)} from ${was} to ${now}, expected the same namespace/name (apply a new pod instead)`,
            });
          }
        }
        if (after) manifests.set(step.pod, after);
        return;
      }
      case 'delete': {
        const p = pod(step.pod, at('pod'));
        if (!p.known) return;
        if (!applied.has(step.pod)) {
          problems.push({ path: at('pod'), message: `pod ${JSON.stringify(step.pod)} is deleted before it is applied, expected an "apply: ${step.pod}" step earlier` });
        } else if (step.gracePeriodSeconds !== undefined && applied.get(step.pod) !== 'api') {
          // Static pods are removed by removing their manifest; there is no DeleteOptions.
          problems.push({
            path: at('gracePeriodSeconds'),
            message: `gracePeriodSeconds applies only to pods from the api source, expected none for the ${applied.get(step.pod)} pod ${JSON.stringify(step.pod)} (a static pod stops with its terminationGracePeriodSeconds)`,
          });
        }
        applied.delete(step.pod);
        return;
      }
      case 'wait': {
        const c = step.condition;
        if (c.kind === 'pod') pod(c.pod, at('pod'));
        else if (c.kind === 'container') {
          const p = pod(c.pod, at('pod'));
          if (p.known) container(c.pod, p.manifest, c.container, at('container'));
        } else if (c.kind === 'call' || c.kind === 'machine') {
          const p = pod(c.pod, at('pod'));
          if (p.known && c.pod !== undefined) container(c.pod, p.manifest, c.container, at('container'));
          if (c.kind === 'call' && c.container !== undefined && c.pod === undefined) {
            problems.push({ path: at('container'), message: `container ${JSON.stringify(c.container)} without a pod, expected "pod:" beside it` });
          }
          if (c.kind === 'machine' && c.image !== undefined) image(c.image, at('image'));
        } else {
          pod(c.pod, at('pod'));
        }
        return;
      }
      case 'expect': {
        const e = step.expectation;
        if (e.kind === 'pod') {
          const p = pod(e.pod, at('pod'));
          if (p.known && typeof e.restartCount === 'object') {
            for (const name of Object.keys(e.restartCount)) container(e.pod, p.manifest, name, at('restartCount', name));
          }
          if (e.ip?.kind === 'equals' && cidr !== undefined && typeof cidr === 'object' && !cidrContains(cidr, e.ip.ip)) {
            problems.push({
              path: at('ip'),
              message: `IP ${e.ip.ip} is outside the node's pod CIDR ${input.node?.podCIDR ?? ''}, expected an address in it, or kept, changed or none`,
            });
          }
        } else if (e.kind === 'container') {
          const p = pod(e.pod, at('pod'));
          if (p.known) container(e.pod, p.manifest, e.container, at('container'));
        } else if (e.kind === 'calls' || e.kind === 'machine') {
          const p = pod(e.pod, at('pod'));
          if (p.known && e.pod !== undefined) container(e.pod, p.manifest, e.container, at('container'));
          if (e.kind === 'calls' && e.container !== undefined && e.pod === undefined) {
            problems.push({ path: at('container'), message: `container ${JSON.stringify(e.container)} without a pod, expected "pod:" beside it` });
          }
          if (e.kind === 'machine' && e.image !== undefined) image(e.image, at('image'));
        } else {
          pod(e.pod, at('pod'));
        }
        return;
      }
      case 'fault': {
        const f = step.fault;
        const fat = (...rest: PathSegment[]) => at(f.kind, ...rest);
        switch (f.kind) {
          case 'crash':
          case 'oomKill':
          case 'probeFails': {
            const p = pod(f.pod, fat('pod'));
            if (!p.known) return;
            container(f.pod, p.manifest, f.container, fat('container'));
            if (f.kind === 'probeFails' && p.manifest) {
              const spec = [...(p.manifest.spec?.initContainers ?? []), ...(p.manifest.spec?.containers ?? [])].find(
                (c) => c.name === f.container,
              );
              const field = `${f.probe}Probe` as const;
              if (spec && spec[field] === undefined) {
                problems.push({
                  path: fat('probe'),
                  message: `container ${JSON.stringify(f.container)} of pod ${JSON.stringify(f.pod)} has no ${field}, expected a probe the container defines`,
                });
              }
            }
            return;
          }
          case 'killPause':
            pod(f.pod, fat('pod'));
            return;
          case 'cniAddFails':
            pod(f.pod, fat('pod'));
            return;
          case 'imagePullFails':
          case 'imagePullSlow':
            image(f.image, fat('image'));
            return;
          default:
            return;
        }
      }
    }
  });
  return problems;
}
