import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/scenario/duration.js';

describe('Go-style durations', () => {
  it.each([
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1000us', 1],
    ['0', 0],
    ['0s', 0],
    ['.5s', 500],
    ['1.1s', 1100],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it('refuses durations finer than the simulated clock', () => {
    expect(parseDuration('1500us')).toEqual({ ok: false, reason: 'sub-millisecond' });
  });

  it.each(['5 min', '30', '1d', 's', '1m 30s', '', '1..5s', 'ms', '+', '1s1'])('refuses %j', (text) => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'syntax' });
  });

  it('refuses negative durations', () => {
    expect(parseDuration('-5s')).toEqual({ ok: false, reason: 'negative' });
  });

  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_000, '1h2m3s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('formats every whole number of milliseconds into text that parses back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });
});
