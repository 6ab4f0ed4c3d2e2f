import { loadRecording, RecordingError, type Recording } from '../../trace/recording.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';

/** Read a recording for a command: a bad file is one line `file:line: what is wrong`, exit 2. */
export async function loadRecordingOrExit(path: string): Promise<Recording> {
  try {
    return await loadRecording(path);
  } catch (err) {
    if (err instanceof RecordingError) throw new CliError(err.message, EXIT_BAD_INPUT);
    throw err;
  }
}
