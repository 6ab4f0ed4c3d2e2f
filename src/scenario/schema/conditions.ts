/**
 * What `wait` waits for and what `expect` asserts. Both are flat mappings; which kind of check
 * it is follows from the key that names its subject (`call`, `machine`, `event`, `container`,
 * else `pod`), so a learner writes `{ pod: web, phase: Running }` rather than nesting a type tag.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { describeValue, didYouMean, listWords, PARSE_PARAMS, quoteValue } from '../errors.js';
import type { MachineKind } from '../../trace/events.js';
import type {
  CallsExpectation,
  CriMethod,
  Expectation,
  IpExpectation,
  MachineCondition,
  WaitCondition,
} from '../types.js';
import { ALWAYS, duration, forwardIssues, intInRange, isPlainObject, nameRef, nonEmptyText, positiveCount, strictObject } from './common.js';
import { CRI_METHODS } from './cri-methods.js';

/** The machines crilab draws (must list every `MachineKind` of the trace contract). */
export const MACHINE_KINDS = [
  'pod-worker',
  'container-restart',
  'image-pull',
  'sandbox',
  'pause',
  'netns',
  'container',
] as const satisfies readonly MachineKind[];
type MissingMachineKinds = Exclude<MachineKind, (typeof MACHINE_KINDS)[number]>;
const allMachineKindsListed: MissingMachineKinds extends never ? true : false = true;
void allMachineKindsListed;

/**
 * States the runtime machines must use because CRI defines them (`PodSandboxState`,
 * `ContainerState` in cri-api api.proto). Other machines' states are crilab's own names and are
 * only checked for shape.
 */
export const CRI_MACHINE_STATES: Partial<Record<MachineKind, readonly string[]>> = {
  sandbox: ['SANDBOX_READY', 'SANDBOX_NOTREADY'],
  container: ['CONTAINER_CREATED', 'CONTAINER_RUNNING', 'CONTAINER_EXITED', 'CONTAINER_UNKNOWN'],
};
const STATE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export const CONTAINER_STATES = ['waiting', 'running', 'terminated'] as const;

/** How long a `wait` waits when it names no timeout (simulated time, so a generous default). */
export const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;

const podPhase = z.enum(POD_PHASES);
const containerState = z.enum(CONTAINER_STATES);
const exitCode = intInRange(0, 255, 'an exit code');
const restartCount = intInRange(0, 1_000_000, 'a restart count');
const criMethod = z.enum(CRI_METHODS, {
  error: (iss) =>
    `bad CRI call ${quoteValue(iss.input)}, expected a RuntimeService or ImageService method such as RunPodSandbox or PullImage${
      typeof iss.input === 'string' ? didYouMean(iss.input, CRI_METHODS) : ''
    }`,
});

/** Adds an issue when none of `keys` is present: a subject with nothing to check. */
function requireOneOf(keys: readonly string[], subject: string) {
  return (value: unknown, ctx: z.core.$RefinementCtx) => {
    if (!isPlainObject(value)) return;
    if (keys.some((k) => value[k] !== undefined)) return;
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `nothing to check for ${subject}, expected at least one of: ${listWords(keys)}`,
    });
  };
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

const podFields = { pod: nameRef, phase: podPhase.optional(), ready: z.boolean().optional() };
const containerFields = {
  pod: nameRef,
  container: nameRef,
  state: containerState.optional(),
  reason: nonEmptyText.optional(),
  restartCount: restartCount.optional(),
  exitCode: exitCode.optional(),
  ready: z.boolean().optional(),
};
const callFields = {
  call: criMethod,
  pod: nameRef.optional(),
  container: nameRef.optional(),
  count: positiveCount.optional(),
  failed: z.boolean().optional(),
};
const machineFields = {
  machine: z.enum(MACHINE_KINDS),
  pod: nameRef.optional(),
  container: nameRef.optional(),
  image: nonEmptyText.optional(),
  state: z.string(),
};
const eventFields = {
  event: nonEmptyText,
  pod: nameRef.optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  message: z.string().optional(),
};

const CONTAINER_CHECKS = ['state', 'reason', 'restartCount', 'exitCode', 'ready'] as const;

/** Which fields each machine needs: containers are found by pod and name, pulls by image. */
function checkMachine(value: unknown, ctx: z.core.$RefinementCtx): void {
  if (!isPlainObject(value) || typeof value.machine !== 'string') return;
  const machine = value.machine as MachineKind;
  const needs: Record<MachineKind, { required: string[]; forbidden: string[] }> = {
    sandbox: { required: ['pod'], forbidden: ['container', 'image'] },
    pause: { required: ['pod'], forbidden: ['container', 'image'] },
    netns: { required: ['pod'], forbidden: ['container', 'image'] },
    'pod-worker': { required: ['pod'], forbidden: ['container', 'image'] },
    container: { required: ['pod', 'container'], forbidden: ['image'] },
    'container-restart': { required: ['pod', 'container'], forbidden: ['image'] },
    'image-pull': { required: ['image'], forbidden: ['container'] },
  };
  const rule = needs[machine];
  if (rule === undefined) return;
  for (const key of rule.required) {
    if (value[key] === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `the ${machine} machine is found by ${listWords(rule.required)}, expected ${JSON.stringify(key)} here`,
      });
    }
  }
  for (const key of rule.forbidden) {
    if (value[key] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        input: value[key],
        message: `${JSON.stringify(key)} does not apply to the ${machine} machine, expected only ${listWords(['machine', ...rule.required, 'state'])}`,
      });
    }
  }
  const state = value.state;
  if (typeof state !== 'string') return;
  const criStates = CRI_MACHINE_STATES[machine];
  if (criStates !== undefined && !criStates.includes(state)) {
    ctx.addIssue({
      code: 'custom',
      path: ['state'],
      input: state,
      message: `bad state ${quoteValue(state)} for the ${machine} machine, expected one of: ${listWords(criStates)}${didYouMean(state, criStates)}`,
    });
  } else if (!STATE_NAME.test(state)) {
    ctx.addIssue({
      code: 'custom',
      path: ['state'],
      input: state,
      message: `bad state ${quoteValue(state)}, expected a state name like SANDBOX_READY or CrashLoopBackOff`,
    });
  }
}

/** `ip: kept | changed | none | 10.244.0.5`. */
const ipExpectation = z.unknown().transform((value, ctx): IpExpectation => {
  if (value === 'kept' || value === 'changed' || value === 'none') return { kind: value };
  if (typeof value === 'string' && isIPv4(value)) return { kind: 'equals', ip: value };
  ctx.issues.push({
    code: 'custom',
    input: value,
    message: `bad ip ${quoteValue(value)}, expected kept, changed, none or an IPv4 address like 10.244.0.5`,
  });
  return z.NEVER;
});

const restartCounts = z.unknown().transform((value, ctx): number | Record<string, number> => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (isPlainObject(value)) {
    const out: Record<string, number> = {};
    let ok = true;
    for (const [name, n] of Object.entries(value)) {
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) out[name] = n;
      else {
        ok = false;
        ctx.issues.push({
          code: 'custom',
          path: [name],
          input: n,
          message: `bad restart count ${quoteValue(n)} for container ${JSON.stringify(name)}, expected a whole number from 0`,
        });
      }
    }
    return ok ? out : z.NEVER;
  }
  ctx.issues.push({
    code: 'custom',
    input: value,
    message: `bad restartCount ${quoteValue(value)}, expected a whole number (summed over containers) or a mapping like { app: 1 }`,
  });
  return z.NEVER;
});

// ---------------------------------------------------------------------------------------------
// Choosing the kind of check from the keys present

interface Kind {
  /** The key whose presence selects this kind. */
  key: string;
  schema: z.ZodType;
}

/**
 * Picks the first kind whose key is present (else the last, the pod-level check) and parses
 * with it. `noun` names the step in messages.
 */
function byKey(noun: 'wait' | 'expect', kinds: readonly Kind[], fallbackKey: string) {
  const keys = kinds.map((k) => k.key);
  return z.unknown().transform((raw, ctx): unknown => {
    if (!isPlainObject(raw)) {
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `wrong type for the ${noun} step: got ${describeValue(raw)}, expected a mapping naming what to check: ${listWords(keys)}`,
      });
      return z.NEVER;
    }
    const chosen = kinds.find((k) => raw[k.key] !== undefined) ?? kinds.find((k) => k.key === fallbackKey);
    if (chosen === undefined || raw[chosen.key] === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `the ${noun} step names nothing to check, expected one of: ${listWords(keys)}`,
      });
      return z.NEVER;
    }
    const result = chosen.schema.safeParse(raw, PARSE_PARAMS);
    if (result.success) return result.data;
    forwardIssues(ctx, result.error.issues);
    return z.NEVER;
  });
}

// ---------------------------------------------------------------------------------------------
// wait

const timeout = { timeout: duration(1).optional() };

const waitPod = strictObject({ ...podFields, ...timeout })
  .superRefine(requireOneOf(['phase', 'ready', 'container'], 'the pod'), ALWAYS)
  .transform(({ pod, phase, ready, timeout: t }) => ({
    condition: { kind: 'pod' as const, pod, ...(phase && { phase }), ...(ready !== undefined && { ready }) },
    timeoutMs: t,
  }));

const waitContainer = strictObject({ ...containerFields, ...timeout })
  .superRefine(requireOneOf(CONTAINER_CHECKS, 'the container'), ALWAYS)
  .transform(({ timeout: t, ...c }) => ({ condition: { kind: 'container' as const, ...strip(c) }, timeoutMs: t }));

const waitCall = strictObject({ ...callFields, ...timeout }).transform(({ timeout: t, count, ...c }) => ({
  condition: { kind: 'call' as const, ...strip(c), count: count ?? 1 },
  timeoutMs: t,
}));

const waitMachine = strictObject({ ...machineFields, ...timeout })
  .superRefine(checkMachine, ALWAYS)
  .transform(({ timeout: t, ...c }) => ({ condition: { kind: 'machine' as const, ...strip(c) }, timeoutMs: t }));

const waitEvent = strictObject({ ...eventFields, ...timeout }).transform(({ timeout: t, event, ...c }) => ({
  condition: { kind: 'event' as const, reason: event, ...strip(c) },
  timeoutMs: t,
}));

const waitBody = byKey(
  'wait',
  [
    { key: 'call', schema: waitCall },
    { key: 'machine', schema: waitMachine },
    { key: 'event', schema: waitEvent },
    { key: 'container', schema: waitContainer },
    { key: 'pod', schema: waitPod },
  ],
  'pod',
);

export const waitStepSchema = waitBody.transform((body) => {
  const { condition, timeoutMs } = body as { condition: WaitCondition; timeoutMs?: number };
  return { kind: 'wait' as const, condition, timeoutMs: timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS };
});

export const WAIT_FIELDS = [
  ...new Set([
    ...Object.keys(podFields),
    ...Object.keys(containerFields),
    ...Object.keys(callFields),
    ...Object.keys(machineFields),
    ...Object.keys(eventFields),
    'timeout',
  ]),
];

// ---------------------------------------------------------------------------------------------
// expect

const expectPod = strictObject({
  ...podFields,
  restartCount: restartCounts.optional(),
  ip: ipExpectation.optional(),
  netns: z.enum(['exists', 'gone']).optional(),
})
  .superRefine(requireOneOf(['phase', 'ready', 'restartCount', 'ip', 'netns', 'container'], 'the pod'), ALWAYS)
  .transform((c) => ({ kind: 'pod' as const, ...strip(c) }));

const expectContainer = strictObject({ ...containerFields, started: z.boolean().optional() })
  .superRefine(requireOneOf([...CONTAINER_CHECKS, 'started'], 'the container'), ALWAYS)
  .transform((c) => ({ kind: 'container' as const, ...strip(c) }));

const expectCalls = strictObject({
  calls: z.array(criMethod).min(1).optional(),
  absent: z.array(criMethod).min(1).optional(),
  order: z.enum(['sequence', 'exact', 'set']).optional(),
  pod: nameRef.optional(),
  container: nameRef.optional(),
  since: z.enum(['lastExpect', 'start']).optional(),
}).transform(
  (c): CallsExpectation => ({
    kind: 'calls',
    calls: (c.calls ?? []) as CriMethod[],
    absent: (c.absent ?? []) as CriMethod[],
    order: c.order ?? 'sequence',
    ...(c.pod !== undefined && { pod: c.pod }),
    ...(c.container !== undefined && { container: c.container }),
    since: c.since ?? 'lastExpect',
  }),
);

const expectMachine = strictObject(machineFields)
  .superRefine(checkMachine, ALWAYS)
  .transform((c) => ({ kind: 'machine' as const, ...(strip(c) as Omit<MachineCondition, 'kind'>) }));

const expectEvent = strictObject({ ...eventFields, count: intInRange(0, 1_000_000, 'a whole number').optional() }).transform(
  ({ event, count, ...c }) => ({ kind: 'event' as const, reason: event, count: count ?? 1, ...strip(c) }),
);

const expectBody = byKey(
  'expect',
  [
    { key: 'calls', schema: expectCalls },
    { key: 'absent', schema: expectCalls },
    { key: 'machine', schema: expectMachine },
    { key: 'event', schema: expectEvent },
    { key: 'container', schema: expectContainer },
    { key: 'pod', schema: expectPod },
  ],
  'pod',
);

export const expectStepSchema = expectBody.transform((expectation) => ({
  kind: 'expect' as const,
  expectation: expectation as Expectation,
}));

export const EXPECT_FIELDS = [
  ...new Set([
    ...Object.keys(podFields),
    ...Object.keys(containerFields),
    'restartCount',
    'ip',
    'netns',
    'started',
    'calls',
    'absent',
    'order',
    'since',
    ...Object.keys(machineFields),
    ...Object.keys(eventFields),
    'count',
  ]),
];

/** Drops keys whose value is undefined, so parsed objects hold only what was written. */
function strip<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
