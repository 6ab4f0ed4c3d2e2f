/** asciicast v2 export: the header, `[time, "o", text]` events, and the idle-time compression. */
import { describe, expect, it } from 'vitest';
import { castEvents, castHeader, IDLE_TIME_LIMIT_S, LINE_DELAY_S, STEP_PAUSE_S, toCast } from '../../src/trace/cast.js';

const T0 = Date.UTC(2026, 0, 1);

describe('asciicast v2 export', () => {
  const lines = [
    { t: T0, text: 'The first pod — scenarios/01-first-pod.yaml' },
    { t: T0, text: '[step 1/2] apply: apply pod hello' },
    { t: T0 + 1000, text: '  00:01.000  kubelet ─▶ RunPodSandbox' },
    { t: T0 + 1000, text: '  00:01.000  kubelet ◀─ RunPodSandbox  OK' },
    // Ten idle minutes on the trace clock (a CrashLoopBackOff wait, say).
    { t: T0 + 601_000, text: '\x1b[1m[step 2/2] wait: wait until pod hello is Running\x1b[0m' },
    { t: T0 + 601_000, text: '  ✗ FAILED  expect x\n      observed: "none"' },
  ];

  it('writes a v2 header and one output event per line, with \\r\\n line ends', () => {
    const text = toCast(lines, { title: 'crilab: The first pod', timestamp: T0 / 1000 });
    const rows = text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(rows[0]).toEqual({
      version: 2,
      width: 80,
      height: 40,
      timestamp: T0 / 1000,
      idle_time_limit: IDLE_TIME_LIMIT_S,
      title: 'crilab: The first pod',
      env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
    });
    expect(rows).toHaveLength(1 + lines.length);
    for (const row of rows.slice(1)) {
      expect(row).toEqual([expect.any(Number), 'o', expect.stringMatching(/\r\n$/)]);
    }
    expect((rows[6] as [number, string, string])[2]).toBe('  ✗ FAILED  expect x\r\n      observed: "none"\r\n');
  });

  it('compresses idle time: a gap counts at most the idle limit, every line a short delay, steps a pause', () => {
    const times = castEvents(lines).map(([t]) => t);
    const d = LINE_DELAY_S;
    const expected = [d, 2 * d + STEP_PAUSE_S, 3 * d + STEP_PAUSE_S + 1, 4 * d + STEP_PAUSE_S + 1];
    expected.push(expected[3]! + IDLE_TIME_LIMIT_S + d + STEP_PAUSE_S, expected[3]! + IDLE_TIME_LIMIT_S + 2 * d + STEP_PAUSE_S);
    times.forEach((t, i) => expect(t).toBeCloseTo(expected[i]!, 3));
    // Never backwards.
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('sizes the terminal to the widest line (colour codes do not count), within 80..200', () => {
    expect(castHeader([{ t: 0, text: '\x1b[31m' + 'x'.repeat(120) + '\x1b[0m' }]).width).toBe(120);
    expect(castHeader([{ t: 0, text: 'x'.repeat(500) }]).width).toBe(200);
    expect(castHeader([{ t: 0, text: 'x' }], { width: 100 }).width).toBe(100);
    expect(castHeader([])).not.toHaveProperty('timestamp');
  });
});
