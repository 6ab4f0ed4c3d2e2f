import type { BackendChoice } from '../../backends/select.js';
import { runScenario } from '../../scenario/run-scenario.js';
import { CliError, EXIT_FAILED } from '../exit-codes.js';
import { useColor } from '../options.js';
import { RunTranscript, type TranscriptSink } from '../transcript-printer.js';
import { loadScenarioOrExit } from './load-scenario.js';
import { castCollector, writeCastFile } from './cast-file.js';
import { writeRunRecording } from './recording-files.js';

export interface RunOptions {
  backend: BackendChoice;
  seed?: number;
  json?: boolean;
  verbose?: boolean;
  record?: string;
  cast?: string;
}

/** `crilab run FILE`: run headless and print the transcript (or JSON lines). */
export async function run(file: string, opts: RunOptions): Promise<void> {
  const scenario = await loadScenarioOrExit(file);
  const out = (line: string) => process.stdout.write(line + '\n');
  const cast = opts.cast ? castCollector() : undefined;
  const sinks: TranscriptSink[] = [...(opts.json ? [] : [{ color: useColor(process.stdout), write: out }]), ...(cast ? [cast] : [])];
  const transcript = new RunTranscript(sinks, opts.verbose ?? false);
  transcript.title(scenario.title, file);
  const result = await runScenario(scenario, {
    backend: opts.backend,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    onNote: (note) => transcript.note(note),
    onEvent: (e) => {
      if (opts.json) out(JSON.stringify(e));
      transcript.event(e);
    },
  });
  const s = result.summary;
  transcript.finish(s);
  if (opts.record) await writeRunRecording(opts.record, result);
  if (opts.cast && cast) await writeCastFile(opts.cast, cast.lines, scenario.title, result.startMs);
  if (s.failed > 0 || s.aborted) throw new CliError(s.aborted ?? `${s.failed} expectation(s) failed`, EXIT_FAILED);
}
