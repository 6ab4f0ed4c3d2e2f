import { Command, Option } from 'commander';
import { RunTranscript, type TranscriptSink } from './transcript-printer.js';
import { castCollector, castOption, writeCastFile, writeRunRecording } from './record.js';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED } from './exit-codes.js';
import { formatProblem } from '../scenario/errors.js';
import { loadOrThrow, runScenario, ScenarioLoadError } from '../scenario/run-scenario.js';
import type { BackendChoice } from '../backends/select.js';

export function useColor(stream: NodeJS.WriteStream): boolean {
  return !process.env['NO_COLOR'] && stream.isTTY === true;
}

export function backendOption(): Option {
  return new Option('-b, --backend <backend>', 'which runtime the kubelet drives').choices(['sim', 'containerd', 'auto']).default('sim');
}

export function seedOption(): Option {
  return new Option('--seed <n>', "override the scenario's seed (names, IDs, digests)").argParser((v) => {
    if (!/^\d+$/.test(v)) throw new CliError(`--seed must be a whole number, got "${v}"`, EXIT_BAD_INPUT);
    return Number(v);
  });
}

/** Print a scenario's problems, one line each, and exit 2 (nothing was run). */
export function reportLoadError(err: unknown): never {
  if (err instanceof ScenarioLoadError) {
    for (const p of err.problems) process.stderr.write(formatProblem(p) + '\n');
    throw new CliError(`the scenario has ${err.problems.length} problem(s); nothing was run`, EXIT_BAD_INPUT);
  }
  throw err;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario headless and print the transcript: every CRI call and every state change, in order')
    .argument('<scenario>', 'a scenario file, e.g. scenarios/01-first-pod.yaml')
    .addOption(backendOption())
    .addOption(seedOption())
    .option('--json', 'print the trace as JSON lines instead of the transcript')
    .option('-v, --verbose', 'also print every PLEG relist and runtime status poll')
    .option('--record <file>', 'also write the run as a recording (see crilab record)')
    .addOption(castOption())
    .action(async (file: string, opts: { backend: BackendChoice; seed?: number; json?: boolean; verbose?: boolean; record?: string; cast?: string }) => {
      const scenario = await loadOrThrow(file).catch(reportLoadError);
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
      if (cast) await writeCastFile(opts.cast!, cast.lines, scenario.title, result.startMs);
      if (s.failed > 0 || s.aborted) throw new CliError(s.aborted ?? `${s.failed} expectation(s) failed`, EXIT_FAILED);
    });
}
