/**
 * Reproducibility, the promise recordings and goldens rest on: the same scenario run twice with
 * the same seed writes byte-identical recordings; with another seed it writes other IDs but the
 * same normalised trace.
 */
import { describe, expect, it } from 'vitest';
import { recordingOf } from '../../src/scenario/recording-header.js';
import { loadOrThrow, runScenario } from '../../src/scenario/run-scenario.js';
import { normaliseTrace } from '../../src/trace/normaliser.js';
import { recordingToJsonl } from '../../src/trace/recording.js';

const SCENARIOS = ['scenarios/01-first-pod.yaml', 'test/fixtures/scenarios/good/crashloop.yaml', 'test/fixtures/scenarios/good/faults-tour.yaml'];
const OTHER_SEED = 7;

async function record(file: string, seed?: number) {
  const scenario = await loadOrThrow(file);
  const result = await runScenario(scenario, { backend: 'sim', ...(seed !== undefined ? { seed } : {}) });
  return { result, text: recordingToJsonl(recordingOf(result, 'test')) };
}

describe.each(SCENARIOS)('%s', (file) => {
  it('same seed: byte-identical recordings', async () => {
    const a = await record(file);
    const b = await record(file);
    expect(a.result.events.length).toBeGreaterThan(20);
    expect(b.text).toBe(a.text);
  });

  it('another seed: other IDs, the same normalised trace', async () => {
    const a = await record(file);
    const b = await record(file, OTHER_SEED);
    expect(b.result.seed).toBe(OTHER_SEED);
    expect(b.text).not.toBe(a.text);
    const na = normaliseTrace(a.result.events, { startMs: a.result.startMs }).map((e) => JSON.stringify(e));
    const nb = normaliseTrace(b.result.events, { startMs: b.result.startMs }).map((e) => JSON.stringify(e));
    expect(nb).toEqual(na);
  });
});
