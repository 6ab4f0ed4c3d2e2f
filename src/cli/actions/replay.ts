import type { Recording } from '../../trace/recording.js';
import { useColor } from '../options.js';
import { RunTranscript, type TranscriptSink } from '../transcript-printer.js';
import { loadRecordingOrExit } from './load-recording.js';
import { castCollector, writeCastFile } from './cast-file.js';

export interface ReplayOptions {
  json?: boolean;
  verbose?: boolean;
  cast?: string;
}

/** The line `crilab run` prints about its backend, for a recorded one. */
function backendNote(r: Recording): string {
  const h = r.header;
  return `backend: ${h.backend.kind} (recorded: ${h.backend.description}; seed ${h.seed}${h.normalised ? '; normalised' : ''})`;
}

/** `crilab replay FILE`: print a recording's transcript without running anything. */
export async function replay(file: string, opts: ReplayOptions): Promise<void> {
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
  if (opts.cast && cast) await writeCastFile(opts.cast, cast.lines, header.scenario.title, header.startMs);
}
