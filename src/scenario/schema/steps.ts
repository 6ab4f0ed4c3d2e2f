/**
 * Steps: the walkthrough, one list item each, one key naming what happens (`apply: web`,
 * `advance: 90s`, `wait: {...}`), as GitHub Actions names `run:` or `uses:`. Shorthands keep
 * the common cases one line long; the long form takes the options.
 */
import { z } from 'zod';
import { PARSE_PARAMS as PARSE, quoteValue } from '../errors.js';
import type { PodSourceKind, Step, V1Pod } from '../types.js';
import { ALWAYS, duration, forwardIssues, intInRange, isPlainObject, nameRef, nonEmptyText, oneKeyOf, strictObject } from './common.js';
import { EXPECT_FIELDS, expectStepSchema, WAIT_FIELDS, waitStepSchema } from './conditions.js';
import { faultStepSchema } from './faults.js';
import { podManifestSchema } from './pod-manifest.js';

export const POD_SOURCES = ['file', 'http', 'api'] as const;
const podSource = z.enum(POD_SOURCES);

/**
 * What the schema produces for a step. The loader then adds the position, resolves `apply`'s
 * source and loads `update`'s manifestFile, giving a `Step`.
 */
type WithoutPosition<S> = S extends unknown ? Omit<S, 'position'> : never;
export type SchemaStep =
  | WithoutPosition<Exclude<Step, { kind: 'apply' } | { kind: 'update' }>>
  | { kind: 'apply'; pod: string; source?: PodSourceKind }
  | { kind: 'update'; pod: string; manifest?: V1Pod; manifestFile?: string };

/** `apply: web` or `apply: { pod: web, source: api }`. */
const applyStep = z.unknown().transform((raw, ctx) => {
  if (typeof raw === 'string') return { kind: 'apply' as const, pod: raw };
  const r = strictObject({ pod: nameRef, source: podSource.optional() }).safeParse(raw, PARSE);
  if (r.success) return { kind: 'apply' as const, pod: r.data.pod, ...(r.data.source && { source: r.data.source }) };
  forward(ctx, r.error.issues, raw, 'a pod name or { pod, source }');
  return z.NEVER;
});

/** `delete: web` or `delete: { pod: web, gracePeriodSeconds: 0 }`. */
const deleteStep = z.unknown().transform((raw, ctx) => {
  if (typeof raw === 'string') return { kind: 'delete' as const, pod: raw };
  const r = strictObject({
    pod: nameRef,
    gracePeriodSeconds: intInRange(0, 86_400, 'a number of seconds').optional(),
  }).safeParse(raw, PARSE);
  if (r.success) {
    const { pod, gracePeriodSeconds } = r.data;
    return { kind: 'delete' as const, pod, ...(gracePeriodSeconds !== undefined && { gracePeriodSeconds }) };
  }
  forward(ctx, r.error.issues, raw, 'a pod name or { pod, gracePeriodSeconds }');
  return z.NEVER;
});

const updateStep = strictObject({
  pod: nameRef,
  manifest: podManifestSchema.optional(),
  manifestFile: nonEmptyText.optional(),
})
  .superRefine(exactlyOneManifest, ALWAYS)
  .transform((u) => ({
    kind: 'update' as const,
    pod: u.pod,
    ...(u.manifest !== undefined && { manifest: u.manifest }),
    ...(u.manifestFile !== undefined && { manifestFile: u.manifestFile }),
  }));

const narrateStep = nonEmptyText.transform((text) => ({ kind: 'narrate' as const, text }));

const advanceStep = duration(1).transform((durationMs) => ({ kind: 'advance' as const, durationMs }));

export const STEP_VARIANTS = {
  narrate: { schema: narrateStep, fields: [] },
  apply: { schema: applyStep, fields: ['pod', 'source'] },
  update: { schema: updateStep, fields: ['pod', 'manifest', 'manifestFile'] },
  delete: { schema: deleteStep, fields: ['pod', 'gracePeriodSeconds'] },
  advance: { schema: advanceStep, fields: [] },
  wait: { schema: waitStepSchema, fields: WAIT_FIELDS },
  fault: { schema: faultStepSchema, fields: [] },
  expect: { schema: expectStepSchema, fields: EXPECT_FIELDS },
} as const;

export const STEP_KINDS = Object.keys(STEP_VARIANTS) as (keyof typeof STEP_VARIANTS)[];

export const stepSchema = oneKeyOf('step', STEP_VARIANTS).transform((s) => s as SchemaStep);

// ---------------------------------------------------------------------------------------------

/** Pod manifests come inline (`manifest`) or from a file (`manifestFile`), never both. */
export function exactlyOneManifest(value: unknown, ctx: z.core.$RefinementCtx): void {
  if (!isPlainObject(value)) return;
  const inline = value.manifest !== undefined;
  const file = value.manifestFile !== undefined;
  if (inline && file) {
    ctx.addIssue({
      code: 'custom',
      path: ['manifestFile'],
      input: value.manifestFile,
      message: 'both manifest and manifestFile are given, expected only one of them',
    });
  } else if (!inline && !file) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: 'no pod manifest here, expected manifest (an inline v1 Pod) or manifestFile (a path)',
    });
  }
}

/** Passes the issues of a nested parse up; a wrong-typed value gets a message naming both forms. */
function forward(ctx: { issues: unknown[] }, issues: readonly z.core.$ZodIssue[], raw: unknown, forms: string): void {
  if (!isPlainObject(raw)) {
    ctx.issues.push({ code: 'custom', input: raw, message: `bad value ${quoteValue(raw)}, expected ${forms}` });
    return;
  }
  forwardIssues(ctx, issues);
}
