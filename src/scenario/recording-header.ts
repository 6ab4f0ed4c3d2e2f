/**
 * Builds a recording's header from a scenario and the run's result (see src/trace/recording.ts
 * for the format). Kept out of trace/, which knows nothing of scenarios.
 */
import { basename } from 'node:path';
import { RECORDING_FORMAT, type Recording, type RecordingHeader, type RecordingScenario } from '../trace/recording.js';
import { stepSummary } from './loader.js';
import type { TraceEvent } from '../trace/events.js';
import { SIM_DIR_WORD, type RunScenarioResult } from './run-scenario.js';
import type { RunSummary } from './runner.js';
import type { Scenario } from './types.js';

/** What a recording keeps of the scenario: enough for the UI to show it without the YAML. */
export function recordingScenario(scenario: Scenario): RecordingScenario {
  return {
    name: scenario.metadata.name,
    file: basename(scenario.file),
    title: scenario.title,
    teaches: scenario.teaches,
    steps: scenario.steps.map((step, i) => ({ index: i + 1, kind: step.kind, summary: stepSummary(step), line: step.position.line })),
  };
}

export interface HeaderInputs {
  crilab: string;
  scenario: Scenario;
  seed: number;
  backend: { kind: 'sim' | 'containerd'; description: string };
  clock: 'sim' | 'real';
  startMs: number;
  summary: RunSummary;
}

export function recordingHeader(i: HeaderInputs): RecordingHeader {
  const s = i.summary;
  return {
    format: RECORDING_FORMAT,
    crilab: i.crilab,
    scenario: recordingScenario(i.scenario),
    seed: i.seed,
    backend: i.backend,
    clock: i.clock,
    startMs: i.startMs,
    result: { passed: s.passed, failed: s.failed, ...(s.aborted !== undefined ? { aborted: s.aborted } : {}) },
  };
}

/** A finished run as a recording: the header, then every event as the bus stamped it. */
export function recordingOf(result: RunScenarioResult, crilab: string): Recording {
  return {
    header: recordingHeader({
      crilab,
      scenario: result.scenario,
      seed: result.seed,
      backend: { kind: result.backendKind, description: result.backend },
      clock: result.clock,
      startMs: result.startMs,
      summary: result.summary,
    }),
    events: result.privateDir ? result.events.map((e) => withoutDir(e, result.privateDir!)) : result.events,
  };
}

/**
 * The event with a temporary directory replaced by a fixed word, so that the same run writes
 * the same bytes wherever and whenever it ran.
 */
function withoutDir(e: TraceEvent, dir: string): TraceEvent {
  const text = JSON.stringify(e);
  return text.includes(dir) ? (JSON.parse(text.split(dir).join(SIM_DIR_WORD)) as TraceEvent) : e;
}
