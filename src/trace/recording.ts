/**
 * Recordings: a run's whole trace in one JSONL file, so that it can be replayed anywhere (the
 * terminal UI, the headless transcript, a golden test) without running anything. Line 1 is a
 * header that says what was run, with what seed, on which backend, and enough of the scenario
 * (title, what it teaches, one line per step) for the UI to show it without the YAML; every
 * later line is one trace event, exactly as the bus stamped it.
 *
 * A recording is plain data: no timestamps of the machine that made it and no temporary paths,
 * so the same scenario run twice with the same seed writes the same bytes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TraceEvent } from './events.js';

/** The value of the header's `format` field; bumped when a reader could no longer cope. */
export const RECORDING_FORMAT = 'crilab-recording/v1';

export interface RecordingStep {
  /** 1-based, as in the `step` trace events. */
  index: number;
  /** `apply`, `wait`, `expect`… */
  kind: string;
  summary: string;
  /** Line of the step in the scenario file. */
  line: number;
}

export interface RecordingScenario {
  /** `metadata.name`: also the golden's file name. */
  name: string;
  /** The scenario file's name (no directory, so the header does not depend on where it ran). */
  file: string;
  title: string;
  teaches: string;
  steps: RecordingStep[];
}

export interface RecordingResult {
  passed: number;
  failed: number;
  /** Why the run stopped early, when a step could not complete. */
  aborted?: string;
}

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  /** Version of crilab that made it. */
  crilab: string;
  scenario: RecordingScenario;
  seed: number;
  backend: { kind: 'sim' | 'containerd'; description: string };
  /** `sim`: times are simulated and reproducible; `real`: wall-clock times (containerd). */
  clock: 'sim' | 'real';
  /** Clock time (ms since the epoch) when the run started: transcripts print offsets from it. */
  startMs: number;
  result: RecordingResult;
  /** Present and true in golden files: the events went through `normaliseTrace`. */
  normalised?: boolean;
}

export interface Recording {
  header: RecordingHeader;
  events: TraceEvent[];
}

/** A recording file that cannot be read: one line, `file:line: what is wrong`. */
export class RecordingError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

export function recordingToJsonl(recording: Recording): string {
  const lines = [JSON.stringify(recording.header)];
  for (const e of recording.events) lines.push(JSON.stringify(e));
  return lines.join('\n') + '\n';
}

export async function writeRecording(path: string, recording: Recording): Promise<number> {
  const text = recordingToJsonl(recording);
  await writeFile(path, text, 'utf8');
  return Buffer.byteLength(text);
}

// ---------------------------------------------------------------------------------------------
// Reading

const headerSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  crilab: z.string(),
  scenario: z.object({
    name: z.string(),
    file: z.string(),
    title: z.string(),
    teaches: z.string(),
    steps: z.array(z.object({ index: z.number().int().positive(), kind: z.string(), summary: z.string(), line: z.number().int() })),
  }),
  seed: z.number().int(),
  backend: z.object({ kind: z.enum(['sim', 'containerd']), description: z.string() }),
  clock: z.enum(['sim', 'real']),
  startMs: z.number(),
  result: z.object({ passed: z.number().int(), failed: z.number().int(), aborted: z.string().optional() }),
  normalised: z.boolean().optional(),
});

const sources = ['kubelet', 'runtime', 'scenario', 'clock', 'network', 'lab'] as const;
const envelope = { seq: z.number().int().positive(), t: z.number(), source: z.enum(sources) };
const str = z.string();
const num = z.number();

/**
 * What each event kind must carry for the UI and the transcript to show it. Extra fields are
 * kept (a newer crilab may add some); a missing or mistyped one is an error at its line.
 */
const eventSchema = z.discriminatedUnion('kind', [
  z.looseObject({ ...envelope, kind: z.literal('cri.request'), callId: str, service: str, method: str, protoBytes: num, jsonBytes: num }),
  z.looseObject({
    ...envelope,
    kind: z.literal('cri.response'),
    callId: str,
    service: str,
    method: str,
    status: z.object({ code: num, codeName: str, message: str }).optional(),
    durationMs: num.optional(),
    protoBytes: num,
    jsonBytes: num,
  }),
  z.looseObject({ ...envelope, kind: z.literal('cri.stream'), callId: str, service: str, method: str }),
  z.looseObject({ ...envelope, kind: z.literal('machine.transition'), machine: str, id: str, from: str.nullable(), to: str, event: str }),
  z.looseObject({ ...envelope, kind: z.literal('clock.advance'), fromMs: num, toMs: num }),
  z.looseObject({ ...envelope, kind: z.literal('fault'), fault: str }),
  z.looseObject({ ...envelope, kind: z.literal('narration'), text: str }),
  z.looseObject({ ...envelope, kind: z.literal('step'), index: num, total: num, step: str, summary: str, phase: z.enum(['start', 'end']) }),
  z.looseObject({ ...envelope, kind: z.literal('expectation'), description: str, passed: z.boolean() }),
  z.looseObject({ ...envelope, kind: z.literal('kube.event'), pod: str, type: z.enum(['Normal', 'Warning']), reason: str, message: str }),
  z.looseObject({ ...envelope, kind: z.literal('pod.status'), pod: str, uid: str }),
  z.looseObject({ ...envelope, kind: z.literal('kubelet.decision'), pod: str, summary: str }),
  z.looseObject({ ...envelope, kind: z.literal('container.output'), containerId: str, stream: z.enum(['stdout', 'stderr']), line: str }),
  z.looseObject({ ...envelope, kind: z.literal('node.status') }),
  z.looseObject({ ...envelope, kind: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: str }),
]);

/** The first issue of a zod error as "field: what is wrong". */
function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not valid';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'invalid_union' && (issue.path.length === 0 || issue.path[0] === 'kind')) return 'unknown event kind';
  return `${where}${issue.message}`;
}

/**
 * Parses a recording's text. Throws a RecordingError naming the first bad line: not JSON, a
 * header that is not a crilab recording, an event that lacks what its kind needs, or events
 * out of order.
 */
export function parseRecording(text: string, file: string): Recording {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new RecordingError(file, 1, 'the file is empty, expected a crilab recording (JSON lines, a header first)');
  const parseLine = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]!) as unknown;
    } catch (err) {
      throw new RecordingError(file, i + 1, `not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const rawHeader = parseLine(0);
  const formatField = (rawHeader as { format?: unknown } | null)?.format;
  if (typeof rawHeader !== 'object' || rawHeader === null || formatField !== RECORDING_FORMAT) {
    const seen = typeof formatField === 'string' ? `format "${formatField}"` : 'no "format" field';
    throw new RecordingError(file, 1, `not a crilab recording header (${seen}), expected {"format":"${RECORDING_FORMAT}",…}`);
  }
  const header = headerSchema.safeParse(rawHeader);
  if (!header.success) throw new RecordingError(file, 1, `bad header: ${issueText(header.error)}`);
  const events: TraceEvent[] = [];
  let lastSeq = 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') throw new RecordingError(file, i + 1, 'empty line, expected one trace event per line');
    const raw = parseLine(i);
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const kind = (raw as { kind?: unknown } | null)?.kind;
      throw new RecordingError(file, i + 1, `bad ${typeof kind === 'string' ? `"${kind}" ` : ''}event: ${issueText(parsed.error)}`);
    }
    // The line as written (zod's copy would reorder keys): a replay shows exactly what was recorded.
    const event = raw as TraceEvent;
    if (event.seq <= lastSeq) throw new RecordingError(file, i + 1, `event seq ${event.seq} comes after seq ${lastSeq}, expected increasing seq`);
    lastSeq = event.seq;
    events.push(event);
  }
  return { header: rawHeader as RecordingHeader, events };
}

/** Reads a recording (or a golden) file: `{ header, events }`, or a RecordingError. */
export async function loadRecording(path: string): Promise<Recording> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RecordingError(path, 1, code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(err)})`);
  }
  return parseRecording(text, path);
}
