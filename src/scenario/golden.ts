/**
 * Recorded scenario tests: run a scenario, normalise its trace, and compare it event by event
 * with the committed golden, `test/scenario/goldens/<metadata.name>.jsonl` (a recording whose
 * events are already normalised, so it reads and replays like any other). `crilab test` and
 * the vitest file test/scenario/goldens.test.ts both go through `checkGolden`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BUNDLED_SCENARIOS_DIR, DEFAULT_GOLDENS_DIR } from '../package-root.js';
import type { BackendChoice } from '../backends/select.js';
import { normaliseTrace, withoutClockFacts, type NormalisedEvent } from '../trace/normaliser.js';
import { loadRecording, recordingToJsonl, RecordingError, type Recording } from '../trace/recording.js';
import { recordingOf } from './recording-header.js';
import { runScenario, type RunScenarioResult } from './run-scenario.js';
import type { Scenario } from './types.js';

/** Events shown before a divergence. */
export const DIVERGENCE_CONTEXT = 3;

export function goldenPath(goldensDir: string, scenarioName: string): string {
  return join(goldensDir, `${scenarioName}.jsonl`);
}

/** Every `*.yaml` in the bundled scenarios directory, in file-name (teaching) order. */
export async function bundledScenarioFiles(dir = BUNDLED_SCENARIOS_DIR): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => join(dir, n));
}

/** The golden form of a run: its recording, with normalised events and relative times. */
export function goldenOf(result: RunScenarioResult, crilab: string): Recording {
  const recording = recordingOf(result, crilab);
  const events = normaliseTrace(result.events, { clock: result.clock, startMs: result.startMs });
  return { header: { ...recording.header, startMs: 0, normalised: true }, events };
}

export interface Divergence {
  /** 0-based index into both event lists. */
  index: number;
  /** The step in progress (the last `step` start before the divergence), if any. */
  step?: { index: number; total: number; step: string; summary: string };
  expected?: NormalisedEvent;
  actual?: NormalisedEvent;
  /** The events both traces share just before it. */
  context: NormalisedEvent[];
  /** Fields that differ, as `path: expected → actual`. */
  fields: string[];
  expectedLength: number;
  actualLength: number;
}

/** JSON with keys sorted: two events are the same whatever order their keys were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function fieldDiffs(a: unknown, b: unknown, path = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [`${path || '(event)'}: ${JSON.stringify(a) ?? 'absent'} → ${JSON.stringify(b) ?? 'absent'}`];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
  return keys.flatMap((k) =>
    fieldDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
  );
}

/** The first event where the traces differ, or undefined when they are the same. */
export function firstDivergence(expected: readonly NormalisedEvent[], actual: readonly NormalisedEvent[]): Divergence | undefined {
  const n = Math.max(expected.length, actual.length);
  let step: Divergence['step'];
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e !== undefined && a !== undefined && canonical(e) === canonical(a)) {
      if (a.kind === 'step' && a.phase === 'start') step = { index: a.index, total: a.total, step: a.step, summary: a.summary };
      continue;
    }
    return {
      index: i,
      ...(step ? { step } : {}),
      ...(e ? { expected: e } : {}),
      ...(a ? { actual: a } : {}),
      context: actual.slice(Math.max(0, i - DIVERGENCE_CONTEXT), i),
      fields: e && a ? fieldDiffs(e, a).slice(0, 12) : [],
      expectedLength: expected.length,
      actualLength: actual.length,
    };
  }
  return undefined;
}

/** One line for an event in a diff: its position, time, source and kind, and what it is about. */
export function eventLine(e: NormalisedEvent): string {
  const x = e as NormalisedEvent & Record<string, unknown>;
  let what = '';
  switch (e.kind) {
    case 'cri.request':
      what = `${e.method} ${x['callId']}`;
      break;
    case 'cri.response':
      what = `${e.method} ${x['callId']} ${e.status ? `${e.status.codeName}: ${e.status.message}` : 'OK'}`;
      break;
    case 'machine.transition':
      what = `${e.machine} ${e.id} ${e.from ?? '∅'} → ${e.to} (${e.event})`;
      break;
    case 'step':
      what = `${e.phase} ${e.index}/${e.total} ${e.step}: ${e.summary}`;
      break;
    case 'kube.event':
      what = `${e.reason} ${e.pod}: ${e.message}`;
      break;
    case 'expectation':
      what = `${e.passed ? 'passed' : 'FAILED'} ${e.description}`;
      break;
    case 'kubelet.decision':
      what = `${e.pod}: ${e.summary}`;
      break;
    case 'fault':
      what = `${e.fault}${e.target ? ` ${e.target}` : ''}`;
      break;
    case 'narration':
      what = e.text;
      break;
    case 'container.output':
      what = `${e.containerId} ${e.stream}: ${e.line}`;
      break;
    case 'log':
      what = `${e.level}: ${e.message}`;
      break;
    case 'pod.status':
      what = `${e.pod} ${(e.status as { phase?: string } | undefined)?.phase ?? ''}`;
      break;
    default:
      what = '';
  }
  const line = `#${e.seq} +${e.t}ms ${e.source} ${e.kind}${what ? ` ${what}` : ''}`;
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** A readable report of a divergence, one string per line. */
export function formatDivergence(d: Divergence): string[] {
  const lines: string[] = [];
  const where = d.step ? `in step ${d.step.index}/${d.step.total} (${d.step.step}: ${d.step.summary})` : 'before the first step';
  lines.push(`first difference at event #${d.index + 1} ${where}`);
  if (d.context.length > 0) {
    lines.push('  same in both, just before:');
    for (const e of d.context) lines.push(`      ${eventLine(e)}`);
  }
  lines.push(`  expected (golden): ${d.expected ? eventLine(d.expected) : `nothing: the golden ends after ${d.expectedLength} events`}`);
  lines.push(`  actual (this run): ${d.actual ? eventLine(d.actual) : `nothing: the run ended after ${d.actualLength} events`}`);
  for (const f of d.fields) lines.push(`      ${f.length > 200 ? `${f.slice(0, 199)}…` : f}`);
  if (d.expectedLength !== d.actualLength) lines.push(`  the golden has ${d.expectedLength} events, this run ${d.actualLength}`);
  return lines;
}

export type GoldenStatus =
  /** The run's normalised trace equals the golden's. */
  | 'match'
  | 'differs'
  /** No golden file: run `crilab test --update`. */
  | 'missing'
  /** `--update`: the golden was written (it was missing or different). */
  | 'written'
  /** `--update`: the golden already matched; the file was not touched. */
  | 'unchanged';

export interface GoldenCheck {
  scenario: Scenario;
  path: string;
  status: GoldenStatus;
  divergence?: Divergence;
  result: RunScenarioResult;
  /** Events in the run. */
  events: number;
}

export interface GoldenOptions {
  goldensDir?: string;
  update?: boolean;
  backend?: BackendChoice;
  seed?: number;
  /** crilab's version, for the header of a written golden. */
  crilab: string;
}

/** Reads a golden; undefined when the file does not exist. A malformed one is a RecordingError. */
async function readGolden(path: string): Promise<Recording | undefined> {
  if (!existsSync(path)) return undefined;
  const golden = await loadRecording(path);
  if (golden.header.normalised !== true) throw new RecordingError(path, 1, 'not a golden: the header lacks "normalised": true (write goldens with crilab test --update)');
  return golden;
}

/** Run the scenario and compare (or, with `update`, write) its golden. */
export async function checkGolden(scenario: Scenario, opts: GoldenOptions): Promise<GoldenCheck> {
  const path = goldenPath(opts.goldensDir ?? DEFAULT_GOLDENS_DIR, scenario.metadata.name);
  const result = await runScenario(scenario, { backend: opts.backend ?? 'sim', ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const actual = goldenOf(result, opts.crilab);
  const golden = await readGolden(path);
  const base = { scenario, path, result, events: result.events.length };
  let expectedEvents: NormalisedEvent[] | undefined = golden?.events;
  let actualEvents: NormalisedEvent[] = actual.events;
  // A run on the real clock (containerd) is compared without times and measured durations.
  if (result.clock === 'real' && expectedEvents) {
    expectedEvents = withoutClockFacts(expectedEvents);
    actualEvents = withoutClockFacts(actualEvents);
  }
  const divergence = expectedEvents ? firstDivergence(expectedEvents, actualEvents) : undefined;
  if (opts.update) {
    if (golden && !divergence) return { ...base, status: 'unchanged' };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, recordingToJsonl(actual), 'utf8');
    return { ...base, status: 'written' };
  }
  if (!golden) return { ...base, status: 'missing' };
  return divergence ? { ...base, status: 'differs', divergence } : { ...base, status: 'match' };
}
