import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import type { LiveSession } from '../../src/ui/live-session.js';
import { openingSession } from '../../src/ui/opening-session.js';
import { firstPodEvents } from './fixtures/first-pod-events.js';

/** A live session over fixed events that records what was asked of it. */
function fakeLive(events: readonly TraceEvent[]) {
  const asked: string[] = [];
  const listeners = new Set<() => void>();
  let closed = 0;
  const session: LiveSession = {
    title: 'First pod',
    backend: 'sim',
    totalSteps: 6,
    events: () => events,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    finished: false,
    start: async () => {
      asked.push('start');
    },
    runThroughStep: async (n) => {
      asked.push(`step ${n}`);
    },
    close: async () => {
      closed++;
    },
  };
  return { session, asked, closedTimes: () => closed, emit: () => listeners.forEach((l) => l()) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const META = { title: 'First pod', backend: 'sim' as const, totalSteps: 6 };

describe('openingSession (the UI is drawn before the node starts)', () => {
  it('shows the header facts and no events while starting, then the real session, and tells the UI', async () => {
    const s = openingSession(META);
    expect(s.title).toBe('First pod');
    expect(s.totalSteps).toBe(6);
    expect(s.events()).toEqual([]);
    expect(s.starting).toBe(true);
    expect(s.finished).toBe(false);
    let changes = 0;
    s.subscribe(() => changes++);
    const live = fakeLive(firstPodEvents());
    const gate = deferred<LiveSession>();
    const opened = s.begin(() => gate.promise);
    expect(s.starting).toBe(true);
    gate.resolve(live.session);
    await opened;
    expect(s.starting).toBe(false);
    expect(s.events()).toBe(live.session.events());
    expect(changes).toBe(1);
    // Later changes of the real session reach the UI through the wrapper.
    live.emit();
    expect(changes).toBe(2);
  });

  it('keeps a step asked for while starting and runs it once the node is up', async () => {
    const s = openingSession(META);
    const live = fakeLive(firstPodEvents());
    const gate = deferred<LiveSession>();
    void s.begin(() => gate.promise);
    const step = s.runThroughStep!(2);
    await Promise.resolve();
    expect(live.asked).toEqual([]);
    gate.resolve(live.session);
    await step;
    expect(live.asked).toEqual(['step 2']);
  });

  it('closes the real session when quit before it was up, and shows nothing of it', async () => {
    const s = openingSession(META);
    const live = fakeLive(firstPodEvents());
    const gate = deferred<LiveSession>();
    const opened = s.begin(() => gate.promise);
    const closing = s.close();
    gate.resolve(live.session);
    await Promise.all([opened, closing]);
    expect(live.closedTimes()).toBeGreaterThanOrEqual(1);
    expect(s.events()).toEqual([]);
    expect(s.starting).toBe(false);
    expect(s.finished).toBe(true);
  });

  it('passes a failure to start on to whoever began it, and closing after it does not throw', async () => {
    const s = openingSession(META);
    const opened = s.begin(() => Promise.reject(new Error('cannot serve on unix:///x.sock: EACCES')));
    await expect(opened).rejects.toThrow('EACCES');
    await expect(s.runThroughStep!(1)).rejects.toThrow('EACCES');
    await expect(s.close()).resolves.toBeUndefined();
  });

  it('refuses a second begin (one node per session)', () => {
    const s = openingSession(META);
    void s.begin(() => new Promise<LiveSession>(() => {}));
    expect(() => s.begin(() => new Promise<LiveSession>(() => {}))).toThrow('begin called twice');
  });
});
