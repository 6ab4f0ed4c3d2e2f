/**
 * Faults a scenario can inject. Each is named for what happens on a real node (a container
 * crashes, the OOM killer strikes, the pause process dies, the CNI plugin fails ADD, the
 * registry fails or crawls, containerd or the kubelet restarts, a probe fails), so the
 * scenario reads like an incident report. One key names the fault: `fault: { crash: {...} }`;
 * faults without required settings may be a bare word: `fault: runtimeRestart`.
 */
import { z } from 'zod';
import type { Fault } from '../types.js';
import { duration, intInRange, nameRef, nonEmptyText, oneKeyOf, positiveCount, strictObject, type Variant } from './common.js';

export const PROBE_KINDS = ['liveness', 'readiness', 'startup'] as const;

const crashShape = { pod: nameRef, container: nameRef, exitCode: intInRange(0, 255, 'an exit code').optional() };
const oomShape = { pod: nameRef, container: nameRef };
const killPauseShape = { pod: nameRef };
const cniShape = { times: positiveCount.optional(), pod: nameRef.optional(), message: nonEmptyText.optional() };
const pullFailsShape = { image: nonEmptyText, times: positiveCount.optional(), message: nonEmptyText.optional() };
const pullSlowShape = { image: nonEmptyText, pullTime: duration(1), times: positiveCount.optional() };
const restartShape = { downFor: duration(0).optional() };
const probeShape = {
  pod: nameRef,
  container: nameRef,
  probe: z.enum(PROBE_KINDS),
  times: positiveCount.optional(),
};

/** A fault whose settings are a strict mapping; `bare` faults may be written as a word. */
function v(shape: Record<string, z.ZodType>, toFault: (x: Record<string, unknown>) => Fault, bare = false): Variant {
  const schema = strictObject(shape).transform((x) => toFault(x as Record<string, unknown>));
  return { schema, fields: Object.keys(shape), bare };
}

const str = (x: unknown) => x as string;
const num = (x: unknown) => x as number;

export const FAULT_VARIANTS = {
  crash: v(crashShape, (x) => ({
    kind: 'crash',
    pod: str(x.pod),
    container: str(x.container),
    exitCode: (x.exitCode as number | undefined) ?? 1,
  })),
  oomKill: v(oomShape, (x) => ({ kind: 'oomKill', pod: str(x.pod), container: str(x.container) })),
  killPause: v(killPauseShape, (x) => ({ kind: 'killPause', pod: str(x.pod) })),
  cniAddFails: v(
    cniShape,
    (x) => ({
      kind: 'cniAddFails',
      times: (x.times as number | undefined) ?? 1,
      ...(x.pod !== undefined && { pod: str(x.pod) }),
      ...(x.message !== undefined && { message: str(x.message) }),
    }),
    true,
  ),
  imagePullFails: v(pullFailsShape, (x) => ({
    kind: 'imagePullFails',
    image: str(x.image),
    times: (x.times as number | undefined) ?? 1,
    ...(x.message !== undefined && { message: str(x.message) }),
  })),
  imagePullSlow: v(pullSlowShape, (x) => ({
    kind: 'imagePullSlow',
    image: str(x.image),
    pullTimeMs: num(x.pullTime),
    times: (x.times as number | undefined) ?? 1,
  })),
  runtimeStop: v({}, () => ({ kind: 'runtimeStop' }), true),
  runtimeStart: v({}, () => ({ kind: 'runtimeStart' }), true),
  runtimeRestart: v(restartShape, (x) => ({ kind: 'runtimeRestart', downForMs: (x.downFor as number | undefined) ?? 0 }), true),
  kubeletStop: v({}, () => ({ kind: 'kubeletStop' }), true),
  kubeletStart: v({}, () => ({ kind: 'kubeletStart' }), true),
  kubeletRestart: v(restartShape, (x) => ({ kind: 'kubeletRestart', downForMs: (x.downFor as number | undefined) ?? 0 }), true),
  probeFails: v(probeShape, (x) => ({
    kind: 'probeFails',
    pod: str(x.pod),
    container: str(x.container),
    probe: x.probe as (typeof PROBE_KINDS)[number],
    ...(x.times !== undefined && { times: num(x.times) }),
  })),
} satisfies Record<Fault['kind'], Variant>;

export const faultSchema = oneKeyOf('fault', FAULT_VARIANTS).transform((f) => f as Fault);

export const faultStepSchema = faultSchema.transform((fault) => ({ kind: 'fault' as const, fault }));
