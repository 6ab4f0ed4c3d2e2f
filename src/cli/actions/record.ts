import type { BackendChoice } from '../../backends/select.js';
import { runScenario } from '../../scenario/run-scenario.js';
import { CliError, EXIT_FAILED } from '../exit-codes.js';
import { RunTranscript } from '../transcript-printer.js';
import { loadScenarioOrExit } from './load-scenario.js';
import { castCollector, writeCastFile } from './cast-file.js';
import { writeRunRecording } from './recording-files.js';

export interface RecordOptions {
  output: string;
  backend: BackendChoice;
  seed?: number;
  cast?: string;
}

const kb = (bytes: number) => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

/** `crilab record FILE -o OUT`: run a scenario and write its whole trace as a recording. */
export async function record(file: string, opts: RecordOptions): Promise<void> {
  const scenario = await loadScenarioOrExit(file);
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
  if (opts.cast && cast && transcript) {
    transcript.finish(s);
    await writeCastFile(opts.cast, cast.lines, scenario.title, result.startMs);
  }
  process.stdout.write(
    `recorded ${result.events.length} events (${kb(bytes)}) to ${opts.output}: ${s.passed} passed, ${s.failed} failed${s.aborted ? ` — stopped at ${s.aborted}` : ''}\n`,
  );
  if (s.failed > 0 || s.aborted) throw new CliError(s.aborted ?? `${s.failed} expectation(s) failed (the recording was written)`, EXIT_FAILED);
}
