import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  Backoff,
  crashLoopHasExpired,
  defaultHasExpired,
  formatGoDuration,
  newCrashLoopBackOff,
  newImageBackOff,
} from '../../src/kubelet/backoff.js';
import { doBackOff, getStableKey } from '../../src/kubelet/sync/do-back-off.js';
import { hashContainer } from '../../src/kubelet/container-hash.js';
import type { PodRuntimeStatus } from '../../src/kubelet/runtime-status.js';

const S = 1000;

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [10 * S, '10s'],
    [20 * S, '20s'],
    [40 * S, '40s'],
    [80 * S, '1m20s'],
    [160 * S, '2m40s'],
    [300 * S, '5m0s'],
    [3_600 * S, '1h0m0s'],
    [3_661 * S, '1h1m1s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('Backoff (client-go flowcontrol.Backoff)', () => {
  function make(opts: { initialMs?: number; maxMs?: number; expiry?: 'default' | 'crash' } = {}) {
    const clock = { now: 0 };
    const b = new Backoff({
      initialMs: opts.initialMs ?? 10 * S,
      maxMs: opts.maxMs ?? 300 * S,
      now: () => clock.now,
      ...(opts.expiry === 'crash' ? { hasExpiredFunc: crashLoopHasExpired } : {}),
    });
    return { clock, b };
  }

  it('next() doubles from initial up to max: 10,20,40,80,160,300,300 s', () => {
    const { clock, b } = make();
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      clock.now = i * S;
      b.next('k', clock.now);
      seen.push(b.get('k') / S);
    }
    expect(seen).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it('get() is 0 for unknown keys; reset() forgets a key', () => {
    const { b } = make();
    expect(b.get('nope')).toBe(0);
    b.next('k', 0);
    expect(b.get('k')).toBe(10 * S);
    b.reset('k');
    expect(b.get('k')).toBe(0);
    expect(b.entry('k')).toBeUndefined();
  });

  it('next() stamps lastUpdate with the clock, not the event time', () => {
    const { clock, b } = make();
    clock.now = 50 * S;
    b.next('k', 7 * S);
    expect(b.entry('k')).toEqual({ backoffMs: 10 * S, lastUpdateMs: 50 * S });
  });

  it('isInBackOffSince measures now − eventTime against the current delay', () => {
    const { clock, b } = make();
    b.next('k', 0); // 10 s, lastUpdate 0
    clock.now = 9_999;
    expect(b.isInBackOffSince('k', 0)).toBe(true);
    clock.now = 10 * S;
    expect(b.isInBackOffSince('k', 0)).toBe(false);
    expect(b.isInBackOffSince('other', 0)).toBe(false);
  });

  it('isInBackOffSinceUpdate measures eventTime − lastUpdate against the current delay', () => {
    const { clock, b } = make();
    clock.now = 100 * S;
    b.next('img', 100 * S);
    expect(b.isInBackOffSinceUpdate('img', 105 * S)).toBe(true);
    expect(b.isInBackOffSinceUpdate('img', 110 * S)).toBe(false);
  });

  it('default expiry: an entry older than 2 × max starts over at initial', () => {
    const { clock, b } = make({ maxMs: 60 * S });
    b.next('k', 0);
    b.next('k', 0);
    expect(b.get('k')).toBe(20 * S);
    clock.now = 121 * S;
    expect(defaultHasExpired(121 * S, 0, 60 * S)).toBe(true);
    b.next('k', 121 * S);
    expect(b.get('k')).toBe(10 * S);
  });

  it('kubelet crash-loop override: expiry after 600 s whatever max is', () => {
    const { clock, b } = make({ maxMs: 60 * S, expiry: 'crash' });
    b.next('k', 0);
    b.next('k', 0);
    clock.now = 500 * S; // > 2 × 60 s, but < 600 s: not expired under the kubelet rule
    b.next('k', 500 * S);
    expect(b.get('k')).toBe(40 * S);
    clock.now = 1_200 * S;
    b.next('k', 1_101 * S); // 1101 − 500 > 600 → start over
    expect(b.get('k')).toBe(10 * S);
  });

  it('an expired entry is never "in back-off"', () => {
    const { clock, b } = make({ expiry: 'crash' });
    b.next('k', 0);
    clock.now = 601 * S;
    expect(b.isInBackOffSince('k', 601 * S)).toBe(false);
  });

  it('gc() drops expired entries only', () => {
    const { clock, b } = make();
    b.next('old', 0);
    clock.now = 500 * S;
    b.next('new', 500 * S);
    clock.now = 601 * S;
    b.gc();
    expect(b.keys()).toEqual(['new']);
  });

  it('factories use the kubelet constants', () => {
    const now = () => 0;
    const crash = newCrashLoopBackOff(now);
    const image = newImageBackOff(now);
    expect([crash.initialMs, crash.maxMs, image.initialMs, image.maxMs]).toEqual([10 * S, 300 * S, 10 * S, 300 * S]);
  });
});

describe('doBackOff: CrashLoopBackOff windows for a container that crashes at once', () => {
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
  };
  const container = pod.spec!.containers[0]!;

  function statusAt(finishedAtMs: number, attempt: number): PodRuntimeStatus {
    return {
      uid: 'uid-1',
      name: 'web',
      namespace: 'default',
      sandboxes: [{ id: 'sb', attempt: 0, state: 'SANDBOX_READY', createdAt: 1n, ip: '10.0.0.2', hostNetwork: false }],
      containers: [
        {
          id: `c${attempt}`,
          name: 'app',
          attempt,
          state: 'exited',
          createdAt: BigInt(finishedAtMs) * 1_000_000n,
          startedAt: BigInt(finishedAtMs) * 1_000_000n,
          finishedAt: BigInt(finishedAtMs) * 1_000_000n,
          exitCode: 1,
          reason: 'Error',
          message: '',
          hash: hashContainer(container),
          image: 'docker.io/library/busybox:latest',
          imageRef: 'docker.io/library/busybox@sha256:aa',
          type: 'container',
        },
      ],
    };
  }

  /** Crash, then poll every second until doBackOff lets it start; it runs `runMs` and crashes. */
  function simulate(crashes: number, runMs: (i: number) => number): number[] {
    const clock = { now: 0 };
    const backOff = newCrashLoopBackOff(() => clock.now);
    const waits: number[] = [];
    let finishedAt = 0;
    for (let i = 0; i < crashes; i++) {
      const status = statusAt(finishedAt, i);
      clock.now = finishedAt;
      while (doBackOff(pod, container, status, backOff).inBackOff) clock.now += S;
      waits.push((clock.now - finishedAt) / S);
      finishedAt = clock.now + runMs(i);
    }
    return waits;
  }

  it('waits 0, 10, 20, 40, 80, 160, 300, 300 s', () => {
    expect(simulate(8, () => 0)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
  });

  it('starts over after a run longer than 600 s', () => {
    // The 5th start runs 601 s: its crash is forgiven, so the next restart is immediate.
    expect(simulate(8, (i) => (i === 4 ? 601 * S : 0))).toEqual([0, 10, 20, 40, 80, 0, 10, 20]);
  });

  it('does not start over after a run of exactly 600 s', () => {
    expect(simulate(7, (i) => (i === 4 ? 600 * S : 0))).toEqual([0, 10, 20, 40, 80, 160, 300]);
  });

  it('refusal carries the upstream message and the key', () => {
    const clock = { now: 0 };
    const backOff = newCrashLoopBackOff(() => clock.now);
    backOff.next(getStableKey(pod, container), 0);
    backOff.next(getStableKey(pod, container), 0); // 20 s
    clock.now = 5 * S;
    const r = doBackOff(pod, container, statusAt(0, 3), backOff);
    expect(r.inBackOff).toBe(true);
    expect(r.message).toBe('back-off 20s restarting failed container=app pod=web_default(uid-1)');
    expect(r.eventMessage).toBe('Back-off restarting failed container app in pod web_default(uid-1)');
    expect(r.key).toBe(`web_default_uid-1_app_${hashContainer(container)}`);
  });
});
