import { recordingOf } from '../../scenario/recording-header.js';
import type { RunScenarioResult } from '../../scenario/run-scenario.js';
import { writeRecording } from '../../trace/recording.js';
import { CliError } from '../exit-codes.js';
import { crilabVersion } from '../version.js';

/** Write a run's recording; returns its size in bytes. */
export async function writeRunRecording(path: string, result: RunScenarioResult): Promise<number> {
  try {
    return await writeRecording(path, recordingOf(result, crilabVersion()));
  } catch (err) {
    throw new CliError(`cannot write the recording ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
