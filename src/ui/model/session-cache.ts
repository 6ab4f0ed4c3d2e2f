import type { UiSession } from '../session.js';
import { FoldCache } from './fold-cache.js';
import { StepIndex } from './steps.js';

/** One fold cache and step index per session, shared by every render (and by the benchmark). */
const caches = new WeakMap<UiSession, { fold: FoldCache; steps: StepIndex }>();

export function cachesFor(session: UiSession): { fold: FoldCache; steps: StepIndex } {
  let c = caches.get(session);
  if (!c) {
    c = { fold: new FoldCache(), steps: new StepIndex() };
    caches.set(session, c);
  }
  return c;
}
