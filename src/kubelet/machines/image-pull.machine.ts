/**
 * One image for one pod, as the kubelet's image manager handles it before a container start
 * (k8s:pkg/kubelet/images/image_manager.go `EnsureImageExists`):
 *
 *   absent ──ENSURE──▶ pulling ──PULL_SUCCEEDED──▶ present
 *                        │  ▲
 *            PULL_FAILED ▼  │ ENSURE (window over)
 *                   ErrImagePull ──ENSURE (within window)──▶ ImagePullBackOff
 *
 * - pull policy `Never` and image absent → `ErrImageNeverPull` (no pull ever);
 * - `Always` pulls on every ensure, even when present; `IfNotPresent` only when absent;
 * - a failed pull advances the image back-off (`Next`, key `<podUID>_<image>`, 10 s ×2 up to
 *   300 s); while `IsInBackOffSinceUpdate(now)` holds, ensures answer `ImagePullBackOff` without
 *   pulling; after the window the next ensure pulls again.
 * - a success leaves the entry in place (upstream only `GC()`s expired entries), so a later
 *   failure soon after continues the doubling.
 */

import { assign, setup } from 'xstate';
import { entryInBackOffSinceUpdate, imageBackOffPolicy, nextBackoffEntry, type BackoffEntry } from '../backoff.js';
import { describeMachine, type MachineDescription } from './describe.js';

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ImagePullContext {
  image: string;
  pullPolicy: ImagePullPolicy;
  backOff?: BackoffEntry;
  /** Last pull error message (the `ErrImagePull` waiting message). */
  lastError?: string;
  /** When the ImagePullBackOff window ends, ms. */
  retryAtMs?: number;
}

export type ImagePullEvent =
  | { type: 'ENSURE'; now: number }
  | { type: 'PULL_SUCCEEDED' }
  | { type: 'PULL_FAILED'; now: number; message: string }
  | { type: 'IMAGE_ADDED' }
  | { type: 'IMAGE_REMOVED' };

export interface ImagePullInput {
  image: string;
  pullPolicy?: ImagePullPolicy;
}

/** API default (k8s:pkg/apis/core/v1/defaults.go): `Always` for `:latest` or no tag, else `IfNotPresent`. */
export function defaultImagePullPolicy(image: string): ImagePullPolicy {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon === -1 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export const imagePullMachine = setup({
  types: {
    context: {} as ImagePullContext,
    events: {} as ImagePullEvent,
    input: {} as ImagePullInput,
  },
  guards: {
    pullPolicyNever: ({ context }) => context.pullPolicy === 'Never',
    pullPolicyAlways: ({ context }) => context.pullPolicy === 'Always',
    /** `IsInBackOffSinceUpdate(key, now)`. */
    inImagePullBackOff: ({ context, event }) =>
      event.type === 'ENSURE' && entryInBackOffSinceUpdate(imageBackOffPolicy, context.backOff, event.now),
  },
  actions: {
    recordFailure: assign({
      backOff: ({ context, event }) =>
        event.type === 'PULL_FAILED' ? nextBackoffEntry(imageBackOffPolicy, context.backOff, event.now, event.now) : context.backOff,
      lastError: ({ context, event }) => (event.type === 'PULL_FAILED' ? event.message : context.lastError),
    }),
    recordBackOffWindow: assign({
      retryAtMs: ({ context }) => (context.backOff ? context.backOff.lastUpdateMs + context.backOff.backoffMs : undefined),
    }),
    clearError: assign({ lastError: () => undefined, retryAtMs: () => undefined }),
  },
}).createMachine({
  id: 'image-pull',
  context: ({ input }) => ({ image: input.image, pullPolicy: input.pullPolicy ?? defaultImagePullPolicy(input.image) }),
  initial: 'absent',
  states: {
    absent: {
      description: 'ImageStatus returned no image.',
      on: {
        ENSURE: [{ guard: 'pullPolicyNever', target: 'ErrImageNeverPull' }, { target: 'pulling' }],
        IMAGE_ADDED: 'present',
      },
    },
    pulling: {
      description: 'PullImage in flight (event Pulling).',
      on: {
        PULL_SUCCEEDED: { target: 'present', actions: 'clearError' },
        PULL_FAILED: { target: 'ErrImagePull', actions: 'recordFailure' },
      },
    },
    present: {
      description: 'Image is local; container may be created (event Pulled).',
      on: {
        ENSURE: { guard: 'pullPolicyAlways', target: 'pulling' },
        IMAGE_REMOVED: 'absent',
      },
    },
    ErrImagePull: {
      description: 'The last pull failed; back-off advanced.',
      on: {
        ENSURE: [
          { guard: 'inImagePullBackOff', target: 'ImagePullBackOff', actions: 'recordBackOffWindow' },
          { target: 'pulling' },
        ],
        IMAGE_ADDED: { target: 'present', actions: 'clearError' },
      },
    },
    ImagePullBackOff: {
      description: 'No pull until lastFailure + back-off (event BackOff "Back-off pulling image …").',
      on: {
        ENSURE: [{ guard: 'inImagePullBackOff', actions: 'recordBackOffWindow' }, { target: 'pulling' }],
        IMAGE_ADDED: { target: 'present', actions: 'clearError' },
      },
    },
    ErrImageNeverPull: {
      description: 'Pull policy Never and the image is not on the node.',
      on: { IMAGE_ADDED: 'present' },
    },
  },
});

/** States and transitions of `imagePullMachine`, for the UI. */
export function describeImagePullMachine(): MachineDescription {
  return describeMachine(imagePullMachine);
}
