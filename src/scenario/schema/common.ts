/**
 * Building blocks shared by the scenario schemas: strict mappings that name their allowed keys,
 * Kubernetes names, durations, small integers, and the "one key names the kind" dispatch used
 * by steps and faults.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from '../duration.js';
import { describeValue, didYouMean, listWords, PARSE_PARAMS, quoteValue, type IssueDetail } from '../errors.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Run a refinement even when the fields already had problems, so that all are reported. */
export const ALWAYS = { when: () => true } as const;

export interface StrictOptions {
  /**
   * For Kubernetes types with many fields: name the type instead of listing every field
   * (e.g. `PodSpec`), and rely on "did you mean".
   */
  typeName?: string;
  /** Fields accepted but not validated (passed through as written). */
  passthrough?: readonly string[];
}

/** Adds an "unknown key" issue for every key of `value` not in `allowed`. */
export function reportUnknownKeys(
  value: unknown,
  allowed: readonly string[],
  ctx: z.core.$RefinementCtx,
  typeName?: string,
): void {
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const params: IssueDetail =
      typeName === undefined ? { problem: 'unknown-key', key, allowed } : { problem: 'unknown-key', key, allowed, typeName };
    ctx.addIssue({ code: 'custom', path: [key], input: value, params });
  }
}

/**
 * A mapping with exactly these keys. Unknown keys are reported one by one with the allowed
 * keys (zod's own strict mode does not say which keys were allowed).
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S, options: StrictOptions = {}) {
  const passthrough = options.passthrough ?? [];
  const fullShape = { ...shape } as Record<string, z.core.$ZodType>;
  for (const key of passthrough) fullShape[key] ??= z.unknown();
  const allowed = Object.keys(fullShape);
  return z
    .looseObject(shape)
    .superRefine((value, ctx) => reportUnknownKeys(value, allowed, ctx, options.typeName), ALWAYS);
}

// ---------------------------------------------------------------------------------------------
// Names

/** RFC 1123 label (container names, namespaces): `k8s.io/apimachinery validation.IsDNS1123Label`. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;
/** RFC 1123 subdomain (pod names): `validation.IsDNS1123Subdomain`. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MAX = 253;

export function isDnsLabel(s: string): boolean {
  return s.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(s);
}
export function isDnsSubdomain(s: string): boolean {
  return s.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(s);
}

/** A Kubernetes-style name; `what` says what is named ("container name", "pod name"). */
export function dnsLabel(what: string) {
  return z.string().refine(isDnsLabel, {
    error: (iss) =>
      `bad ${what} ${quoteValue(iss.input)}, expected a lowercase RFC 1123 label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters (e.g. "web")`,
  });
}

export function dnsSubdomain(what: string) {
  return z.string().refine(isDnsSubdomain, {
    error: (iss) =>
      `bad ${what} ${quoteValue(iss.input)}, expected a lowercase RFC 1123 subdomain: a-z, 0-9, "-" and ".", starting and ending with a letter or digit (e.g. "web" or "web.v1")`,
  });
}

/** A reference to something defined elsewhere in the scenario; resolved by the cross-checks. */
export const nameRef = z.string().min(1);

export const nonEmptyText = z.string().trim().min(1);

// ---------------------------------------------------------------------------------------------
// Numbers

export function intInRange(min: number, max: number, what = 'an integer') {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const expected = max >= Number.MAX_SAFE_INTEGER ? `${what} from ${min}` : `${what} from ${min} to ${max}`;
      const params: IssueDetail = { problem: 'bad-value', expected };
      ctx.issues.push({ code: 'custom', input: value, params, message: undefined as unknown as string });
      return z.NEVER;
    }
    return value;
  });
}

/** Counts of times (`times`, `count`). */
export const positiveCount = intInRange(1, 1_000_000, 'a whole number');

// ---------------------------------------------------------------------------------------------
// Durations

/**
 * A Go-style duration, converted to milliseconds. `min` is 0 for "advance" and clock settings
 * where zero makes sense, 1 for timeouts and periods.
 */
export function duration(min = 0) {
  return z.unknown().transform((value, ctx) => {
    const bad = (message: string) => {
      ctx.issues.push({ code: 'custom', input: value, message });
      return z.NEVER;
    };
    if (value === undefined) {
      // Reached only when the key is required and absent; the loader names the key.
      const params: IssueDetail = { problem: 'missing-value', expected: DURATION_HINT };
      ctx.issues.push({ code: 'custom', input: value, params, message: undefined as unknown as string });
      return z.NEVER;
    }
    if (typeof value !== 'string') return bad(`bad duration ${quoteValue(value)}, expected ${DURATION_HINT}`);
    const parsed = parseDuration(value);
    if (!parsed.ok) {
      if (parsed.reason === 'negative') return bad(`bad duration ${quoteValue(value)}, expected a positive duration like 30s`);
      if (parsed.reason === 'sub-millisecond') {
        return bad(`bad duration ${quoteValue(value)}, expected whole milliseconds (the simulated clock ticks in ms)`);
      }
      return bad(`bad duration ${quoteValue(value)}, expected ${DURATION_HINT}`);
    }
    if (parsed.ms < min) return bad(`bad duration ${quoteValue(value)}, expected a duration above 0, like 30s`);
    return parsed.ms;
  });
}

// ---------------------------------------------------------------------------------------------
// Network

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export interface Ipv4Cidr {
  network: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`, requiring a network address (host bits zero) as IPAM does. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | 'syntax' | 'host-bits' | 'too-small' {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (m === null || m[1] === undefined || m[2] === undefined || !isIPv4(m[1])) return 'syntax';
  const prefix = Number(m[2]);
  if (prefix > 32) return 'syntax';
  // A /31 or /32 leaves no room for pods once the network and gateway addresses are taken.
  if (prefix > 30) return 'too-small';
  const network = ipv4ToInt(m[1]);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if (((network & mask) >>> 0) !== network) return 'host-bits';
  return { network, prefix };
}

export function cidrContains(cidr: Ipv4Cidr, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  return ((ipv4ToInt(ip) & mask) >>> 0) === cidr.network;
}

export const podCidr = z.string().superRefine((text, ctx) => {
  const parsed = parseIpv4Cidr(text);
  if (parsed === 'syntax') ctx.addIssue({ code: 'custom', input: text, message: `bad pod CIDR ${quoteValue(text)}, expected an IPv4 CIDR like 10.244.0.0/24` });
  else if (parsed === 'host-bits') ctx.addIssue({ code: 'custom', input: text, message: `bad pod CIDR ${quoteValue(text)}, expected a network address with the host bits zero, like 10.244.0.0/24` });
  else if (parsed === 'too-small') ctx.addIssue({ code: 'custom', input: text, message: `pod CIDR ${quoteValue(text)} is too small, expected a prefix of /30 or shorter, like /24` });
});

export const ipv4 = z.string().refine(isIPv4, { error: (iss) => `bad IP address ${quoteValue(iss.input)}, expected an IPv4 address like 10.244.0.5` });

// ---------------------------------------------------------------------------------------------
// "One key names the kind": steps and faults

export interface Variant {
  /** Parses the value under the naming key. */
  schema: z.ZodType;
  /** Keys of the variant's own mapping, to spot keys written beside the naming key. */
  fields: readonly string[];
  /** The variant may be written as a bare word (`fault: runtimeRestart`). */
  bare?: boolean;
}

/**
 * Parses a mapping with exactly one key that names its kind (`wait: {...}`, `crash: {...}`) and
 * returns what the variant's schema produced. `noun` is "step" or "fault".
 */
export function oneKeyOf<V extends Record<string, Variant>>(noun: string, variants: V) {
  const names = Object.keys(variants);
  return z.unknown().transform((raw, ctx): unknown => {
    const fail = (issue: Record<string, unknown>) => {
      ctx.issues.push({ code: 'custom', input: raw, ...issue } as never);
      return z.NEVER;
    };
    if (typeof raw === 'string' && noun !== 'step') {
      const variant = variants[raw];
      if (variant?.bare === true) return runVariant(variant, {}, raw, ctx);
      return fail({
        message: variant
          ? `the ${raw} ${noun} needs its settings, expected "${raw}: { ... }"`
          : `unknown ${noun} ${quoteValue(raw)}, expected one of: ${listWords(names)}${didYouMean(raw, names)}`,
      });
    }
    if (!isPlainObject(raw)) {
      return fail({
        message: `wrong type for this ${noun}: got ${describeValue(raw)}, expected a mapping whose one key names the ${noun}, one of: ${listWords(names)}`,
      });
    }
    const keys = Object.keys(raw);
    const known = keys.filter((k) => names.includes(k));
    if (known.length === 0) {
      const first = keys[0];
      if (first === undefined) return fail({ message: `empty ${noun}, expected one of: ${listWords(names)}` });
      return fail({
        path: [first],
        params: { problem: 'unknown-key', key: first, allowed: names } satisfies IssueDetail,
        message: `unknown ${noun} ${JSON.stringify(first)}, expected one of: ${listWords(names)}${didYouMean(first, names)}`,
      });
    }
    if (known.length > 1) {
      const second = known[1] ?? '';
      return fail({
        path: [second],
        params: { problem: 'unknown-key', key: second, allowed: names } satisfies IssueDetail,
        message: `a ${noun} names one action, found ${known.map((k) => JSON.stringify(k)).join(' and ')}, expected each as its own ${noun} (a separate "- " item)`,
      });
    }
    const kind = known[0] ?? '';
    const variant = variants[kind];
    if (variant === undefined) return z.NEVER;
    const stray = keys.filter((k) => k !== kind);
    if (stray.length > 0) {
      for (const key of stray) {
        const belongsInside = variant.fields.includes(key);
        ctx.issues.push({
          code: 'custom',
          input: raw,
          path: [key],
          params: { problem: 'unknown-key', key, allowed: [kind] } satisfies IssueDetail,
          message: belongsInside
            ? `${JSON.stringify(key)} sits beside ${JSON.stringify(kind)}, expected it indented under "${kind}:" (a ${noun} has one key)`
            : `unknown key ${JSON.stringify(key)} beside ${JSON.stringify(kind)}, expected a ${noun} to have the one key ${JSON.stringify(kind)}`,
        } as never);
      }
      return z.NEVER;
    }
    return runVariant(variant, raw[kind], kind, ctx);
  });
}

/** Passes up the issues of a nested parse, their paths prefixed with `prefix`. */
export function forwardIssues(
  ctx: { issues: unknown[] },
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): void {
  for (const issue of issues) ctx.issues.push({ ...issue, path: [...prefix, ...issue.path] });
}

function runVariant(variant: Variant, value: unknown, key: string, ctx: { issues: unknown[] }): unknown {
  const result = variant.schema.safeParse(value, PARSE_PARAMS);
  if (result.success) return result.data;
  // For a bare word the path leads nowhere in the file, so the loader points at the word itself.
  forwardIssues(ctx, result.error.issues, [key]);
  return z.NEVER;
}
