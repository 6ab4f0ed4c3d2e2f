/**
 * Recording files: what `crilab record` writes and `loadRecording` reads back, and the one-line
 * `file:line: what is wrong` answers for files that are not recordings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { loadRecording, parseRecording, RECORDING_FORMAT, recordingToJsonl, RecordingError, type Recording, type RecordingHeader } from '../../src/trace/recording.js';

const header: RecordingHeader = {
  format: RECORDING_FORMAT,
  crilab: '0.1.0',
  scenario: { name: 'first-pod', file: '01-first-pod.yaml', title: 'The first pod', teaches: 'How a pod starts.', steps: [{ index: 1, kind: 'apply', summary: 'apply pod hello (file source)', line: 20 }] },
  seed: 42,
  backend: { kind: 'sim', description: 'crilab simulated runtime' },
  clock: 'sim',
  startMs: 1767225600000,
  result: { passed: 1, failed: 0 },
};

const events: TraceEvent[] = [
  { seq: 1, t: 1767225600000, source: 'scenario', kind: 'step', index: 1, total: 1, step: 'apply', summary: 'apply pod hello (file source)', phase: 'start' },
  { seq: 2, t: 1767225601000, source: 'kubelet', kind: 'cri.request', callId: 'kubelet-1', service: 'runtime.v1.RuntimeService', method: 'Version', request: { version: '0.1.0' }, protoBytes: 7, jsonBytes: 19 },
  { seq: 3, t: 1767225601000, source: 'kubelet', kind: 'cri.response', callId: 'kubelet-1', service: 'runtime.v1.RuntimeService', method: 'Version', response: {}, durationMs: 0, protoBytes: 0, jsonBytes: 2 },
  { seq: 4, t: 1767225601000, source: 'scenario', kind: 'step', index: 1, total: 1, step: 'apply', summary: 'apply pod hello (file source)', phase: 'end' },
];
const recording: Recording = { header, events };
const good = recordingToJsonl(recording);
const lines = good.trimEnd().split('\n');

function problemOf(text: string): string {
  try {
    parseRecording(text, 'r.jsonl');
  } catch (err) {
    expect(err).toBeInstanceOf(RecordingError);
    return (err as Error).message;
  }
  throw new Error('parsed without a problem');
}

const withLine = (i: number, replacement: string) => lines.map((l, j) => (j === i ? replacement : l)).join('\n') + '\n';

describe('recording files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-rec-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a header line then one event per line, and reads back exactly', () => {
    expect(lines).toHaveLength(1 + events.length);
    expect(JSON.parse(lines[0]!)).toEqual(header);
    expect(parseRecording(good, 'r.jsonl')).toEqual(recording);
    // Key order is kept as written, so a replay shows what was recorded, byte for byte.
    expect(recordingToJsonl(parseRecording(good, 'r.jsonl'))).toBe(good);
  });

  it('loads from a file, and names a missing one', async () => {
    const path = join(dir, 'ok.jsonl');
    writeFileSync(path, good);
    expect(await loadRecording(path)).toEqual(recording);
    await expect(loadRecording(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl:1: no such file/);
  });

  it('keeps fields a newer crilab may add', () => {
    const extra = withLine(2, JSON.stringify({ ...events[1], newField: 'x' }));
    expect((parseRecording(extra, 'r.jsonl').events[1] as unknown as Record<string, unknown>)['newField']).toBe('x');
  });

  it.each([
    ['an empty file', '', /^r\.jsonl:1: the file is empty/],
    ['a header that is not JSON', '{oops\n', /^r\.jsonl:1: not JSON/],
    ['a transcript without a header (plain events)', lines.slice(1).join('\n'), /^r\.jsonl:1: not a crilab recording header \(no "format" field\)/],
    ['another format', withLine(0, JSON.stringify({ ...header, format: 'asciicast' })), /^r\.jsonl:1: not a crilab recording header \(format "asciicast"\)/],
    ['a header without its scenario', withLine(0, JSON.stringify({ ...header, scenario: undefined })), /^r\.jsonl:1: bad header: scenario: /],
    ['a header with a bad backend', withLine(0, JSON.stringify({ ...header, backend: { kind: 'docker', description: '' } })), /^r\.jsonl:1: bad header: backend\.kind: /],
    ['an event line cut short', withLine(2, lines[2]!.slice(0, 40)), /^r\.jsonl:3: not JSON/],
    ['an unknown event kind', withLine(2, JSON.stringify({ ...events[1], kind: 'cri.mystery' })), /^r\.jsonl:3: bad "cri\.mystery" event: unknown event kind/],
    ['an event without its method', withLine(2, JSON.stringify({ ...events[1], method: undefined })), /^r\.jsonl:3: bad "cri\.request" event: method: /],
    ['an event without seq', withLine(3, JSON.stringify({ ...events[2], seq: undefined })), /^r\.jsonl:4: bad "cri\.response" event: seq: /],
    ['events out of order', withLine(3, JSON.stringify({ ...events[2], seq: 1 })), /^r\.jsonl:4: event seq 1 comes after seq 2/],
    ['a blank line between events', lines.slice(0, 2).join('\n') + '\n\n' + lines.slice(2).join('\n'), /^r\.jsonl:3: empty line/],
    ['a JSON value that is not an event', withLine(1, '[1,2,3]'), /^r\.jsonl:2: bad event: /],
  ])('rejects %s with one line naming the file and line', (_name, text, message) => {
    const problem = problemOf(text);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('\n');
  });
});
