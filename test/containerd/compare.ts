/**
 * Normalising and comparing what the two backends showed. IDs, digests and UUIDs go through
 * crilab's trace normaliser (names in order of first appearance), pod IPs become `ip-1`,
 * `ip-2`… the same way, and each target's private log directory becomes `<logs>`. What is left
 * must be equal, except for the deliberate differences.
 */
import { TraceNormaliser } from '../../src/trace/normaliser.js';
import type { Observation } from './cri-cases.js';

const IPV4 = /\b10\.244\.0\.(\d{1,3})\b/g;

export function normaliseObservations(obs: readonly Observation[], logsDir: string): Observation[] {
  const n = new TraceNormaliser({ clock: 'real', times: 'drop' });
  const ips = new Map<string, string>();
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const s = v.split(logsDir).join('<logs>').replace(IPV4, (ip) => {
        if (!ips.has(ip)) ips.set(ip, `ip-${ips.size + 1}`);
        return ips.get(ip)!;
      });
      return n.text(s);
    }
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return obs.map((o) => ({ label: o.label, value: fix(o.value) }));
}

export interface Difference {
  case: string;
  label: string;
  /** dotted path inside the observation's value ('' for the whole value) */
  path: string;
  sim: unknown;
  containerd: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf-level differences between two JSON values. */
export function diffValues(a: unknown, b: unknown, path = ''): { path: string; a: unknown; b: unknown }[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => diffValues(x, b[i], path ? `${path}.${i}` : String(i)));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, a, b }];
}

/** Compares two observation lists of one case, label by label, in order. */
export function diffCase(caseName: string, sim: readonly Observation[], ctrd: readonly Observation[]): Difference[] {
  const out: Difference[] = [];
  const n = Math.max(sim.length, ctrd.length);
  for (let i = 0; i < n; i++) {
    const s = sim[i];
    const c = ctrd[i];
    if (!s || !c || s.label !== c.label) {
      out.push({ case: caseName, label: `#${i + 1}`, path: 'label', sim: s?.label ?? null, containerd: c?.label ?? null });
      continue;
    }
    for (const d of diffValues(s.value, c.value)) out.push({ case: caseName, label: s.label, path: d.path, sim: d.a ?? null, containerd: d.b ?? null });
  }
  return out;
}
