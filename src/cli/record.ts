import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { BackendChoice } from '../backends/select.js';
import { recordingOf } from '../scenario/recording-header.js';
import { loadOrThrow, runScenario, type RunScenarioResult } from '../scenario/run-scenario.js';
import { toCast, type TimedLine } from '../trace/cast.js';
import { writeRecording } from '../trace/recording.js';
import { CliError, EXIT_FAILED } from './exit-codes.js';
import { backendOption, reportLoadError, seedOption } from './run.js';
import { RunTranscript, type TranscriptSink } from './transcript-printer.js';
import { crilabVersion } from './version.js';

export function castOption(): Option {
  return new Option('--cast <file>', 'also write the transcript as an asciinema v2 cast (idle time compressed; see docs/recordings.md)');
}

/** Write a run's recording; returns its size in bytes. */
export async function writeRunRecording(path: string, result: RunScenarioResult): Promise<number> {
  try {
    return await writeRecording(path, recordingOf(result, crilabVersion()));
  } catch (err) {
    throw new CliError(`cannot write the recording ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

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

const kb = (bytes: number) => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

export function recordCommand(): Command {
  return new Command('record')
    .description('run a scenario and write its whole trace as a recording (JSON lines: a header, then every event) for replay, the UI and golden tests')
    .argument('<scenario>', 'a scenario file, e.g. scenarios/01-first-pod.yaml')
    .requiredOption('-o, --output <file>', 'where to write the recording (.jsonl)')
    .addOption(backendOption())
    .addOption(seedOption())
    .addOption(castOption())
    .action(async (file: string, opts: { output: string; backend: BackendChoice; seed?: number; cast?: string }) => {
      const scenario = await loadOrThrow(file).catch(reportLoadError);
      const cast = opts.cast ? castCollector() : undefined;
      const transcript = cast ? new RunTranscript([cast], false) : undefined;
      transcript?.title(scenario.title, file);
      const result = await runScenario(scenario, {
        backend: opts.backend,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        onNote: (note) => transcript?.note(note),
        onEvent: (e) => transcript?.event(e),
      });
      const bytes = await writeRunRecording(opts.output, result);
      const s = result.summary;
      if (cast && transcript) {
        transcript.finish(s);
        await writeCastFile(opts.cast!, cast.lines, scenario.title, result.startMs);
      }
      process.stdout.write(
        `recorded ${result.events.length} events (${kb(bytes)}) to ${opts.output}: ${s.passed} passed, ${s.failed} failed${s.aborted ? ` — stopped at ${s.aborted}` : ''}\n`,
      );
      if (s.failed > 0 || s.aborted) throw new CliError(s.aborted ?? `${s.failed} expectation(s) failed (the recording was written)`, EXIT_FAILED);
    });
}
