import { createWriteStream, type WriteStream } from 'node:fs';
import type { TraceEvent } from './events.js';

/**
 * JSONL transcript: one trace event per line, in stream order. Recordings (issue: scenarios)
 * add a header line before the events; the event lines are the same.
 */
export function eventToJsonl(event: TraceEvent): string {
  return JSON.stringify(event) + '\n';
}

export class JsonlTranscriptWriter {
  private readonly out: WriteStream;

  constructor(path: string) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
  }

  writeLine(value: unknown): void {
    this.out.write(JSON.stringify(value) + '\n');
  }

  write(event: TraceEvent): void {
    this.out.write(eventToJsonl(event));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}

export function parseJsonl(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}
