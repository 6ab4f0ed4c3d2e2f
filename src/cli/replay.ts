import { Command } from 'commander';
import { loadRecording, RecordingError, type Recording } from '../trace/recording.js';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';
import { castCollector, castOption, writeCastFile } from './record.js';
import { useColor } from './run.js';
import { RunTranscript, type TranscriptSink } from './transcript-printer.js';

/** Read a recording for a command: a bad file is one line `file:line: what is wrong`, exit 2. */
export async function loadRecordingOrExit(path: string): Promise<Recording> {
  try {
    return await loadRecording(path);
  } catch (err) {
    if (err instanceof RecordingError) throw new CliError(err.message, EXIT_BAD_INPUT);
    throw err;
  }
}

/** The line `crilab run` prints about its backend, for a recorded one. */
function backendNote(r: Recording): string {
  const h = r.header;
  return `backend: ${h.backend.kind} (recorded: ${h.backend.description}; seed ${h.seed}${h.normalised ? '; normalised' : ''})`;
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('print the transcript of a recording, as `crilab run` printed it, without running anything')
    .argument('<recording>', 'a recording written by `crilab record` (or a golden from test/scenario/goldens/)')
    .option('--json', 'print the recorded events as JSON lines (as `crilab run --json` does)')
    .option('-v, --verbose', 'also print every PLEG relist and runtime status poll')
    .addOption(castOption())
    .action(async (file: string, opts: { json?: boolean; verbose?: boolean; cast?: string }) => {
      const recording = await loadRecordingOrExit(file);
      const { header, events } = recording;
      const out = (line: string) => process.stdout.write(line + '\n');
      const cast = opts.cast ? castCollector() : undefined;
      const sinks: TranscriptSink[] = [...(opts.json ? [] : [{ color: useColor(process.stdout), write: out }]), ...(cast ? [cast] : [])];
      const transcript = new RunTranscript(sinks, opts.verbose ?? false);
      transcript.title(header.scenario.title, header.scenario.file);
      transcript.note(backendNote(recording));
      for (const e of events) {
        if (opts.json) out(JSON.stringify(e));
        transcript.event(e);
      }
      transcript.finish(header.result);
      if (cast) await writeCastFile(opts.cast!, cast.lines, header.scenario.title, header.startMs);
    });
}
