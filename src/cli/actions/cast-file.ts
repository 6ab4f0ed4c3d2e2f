import { writeFile } from 'node:fs/promises';
import { toCast, type TimedLine } from '../../trace/cast.js';
import { CliError } from '../exit-codes.js';
import type { TranscriptSink } from '../transcript-printer.js';

/**
 * A transcript sink that keeps each line with its trace time, for `--cast`. Colour follows
 * NO_COLOR only: a cast is played on a terminal later, whatever stdout is now.
 */
export function castCollector(): TranscriptSink & { lines: TimedLine[] } {
  const lines: TimedLine[] = [];
  return { color: !process.env['NO_COLOR'], lines, write: (text, t) => lines.push({ t, text }) };
}

export async function writeCastFile(path: string, lines: readonly TimedLine[], title: string, startMs: number): Promise<void> {
  try {
    // A normalised recording (a golden) has relative times: no wall-clock start to give.
    const timestamp = startMs > 0 ? { timestamp: startMs / 1000 } : {};
    await writeFile(path, toCast(lines, { title: `crilab: ${title}`, ...timestamp }), 'utf8');
  } catch (err) {
    throw new CliError(`cannot write the cast ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
