import { useEffect, useReducer } from 'react';
import type { TraceEvent } from '../../trace/events.js';
import type { UiSession } from '../session.js';

/**
 * The session's events, re-rendering when it reports new ones. The array may be the same
 * object growing in place (a live TraceBus), so consumers key on its length, not its identity.
 */
export function useSessionEvents(session: UiSession): { events: readonly TraceEvent[]; version: number } {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => session.subscribe(bump), [session]);
  return { events: session.events(), version };
}
