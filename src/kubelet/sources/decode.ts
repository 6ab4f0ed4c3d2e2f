/**
 * Decoding a static pod manifest as the kubelet does (`tryDecodeSinglePod`, `tryDecodePodList`
 * in k8s:pkg/kubelet/config/common.go): YAML (JSON is YAML) → object → must be a v1 Pod (or, from
 * a URL, a PodList) → defaults and identity → validation. The outcome says whether the bytes
 * parsed as that kind at all (`parsed`), which decides the wording of the error the source logs.
 */

import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse } from 'yaml';
import { formatErrorList, validatePod } from './validate.js';

export type DecodeResult = { parsed: true; pods: Pod[] } | { parsed: boolean; error: string };

function toObject(data: string): { obj?: Record<string, unknown>; error?: string } {
  let obj: unknown;
  try {
    obj = parse(data);
  } catch (err) {
    return { error: `error converting YAML to JSON: yaml: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  if (obj === null || obj === undefined) return { error: "Object 'Kind' is missing in 'null'" };
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    return { error: `couldn't get version/kind; json parse error: cannot unmarshal ${Array.isArray(obj) ? 'array' : typeof obj} into Go value of type struct` };
  }
  const o = obj as Record<string, unknown>;
  if (typeof o['kind'] !== 'string' || o['kind'] === '') return { error: `Object 'Kind' is missing in '${JSON.stringify(o)}'` };
  return { obj: o };
}

function finish(pods: Pod[], prepare: (p: Pod) => Pod): DecodeResult {
  const out: Pod[] = [];
  for (const raw of pods) {
    const pod = prepare(raw);
    const errs = validatePod(pod);
    if (errs.length > 0) return { parsed: true, error: `invalid pod: ${formatErrorList(errs)}` };
    out.push(pod);
  }
  return { parsed: true, pods: out };
}

/** One pod (file source; also tried first by the HTTP source). `prepare` applies defaults and identity. */
export function decodeSinglePod(data: string, prepare: (p: Pod) => Pod): DecodeResult {
  const { obj, error } = toObject(data);
  if (!obj) return { parsed: false, error: error ?? 'empty' };
  if (obj['kind'] !== 'Pod') return { parsed: false, error: `invalid pod: kind "${String(obj['kind'])}" is not Pod` };
  return finish([obj as unknown as Pod], prepare);
}

/** A PodList (HTTP source). */
export function decodePodList(data: string, prepare: (p: Pod) => Pod): DecodeResult {
  const { obj, error } = toObject(data);
  if (!obj) return { parsed: false, error: error ?? 'empty' };
  if (obj['kind'] !== 'PodList') return { parsed: false, error: `invalid pods list: kind "${String(obj['kind'])}" is not PodList` };
  const items = Array.isArray(obj['items']) ? (obj['items'] as Pod[]) : [];
  return finish(items, prepare);
}
