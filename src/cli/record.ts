import { Command } from 'commander';
import { backendOption, castOption, seedOption } from './options.js';
import type { RecordOptions } from './actions/record.js';

export function recordCommand(): Command {
  return new Command('record')
    .description('run a scenario and write its whole trace as a recording (JSON lines: a header, then every event) for replay, the UI and golden tests')
    .argument('<scenario>', 'a scenario file, e.g. scenarios/01-first-pod.yaml')
    .requiredOption('-o, --output <file>', 'where to write the recording (.jsonl)')
    .addOption(backendOption())
    .addOption(seedOption())
    .addOption(castOption())
    .action(async (file: string, opts: RecordOptions) => (await import('./actions/record.js')).record(file, opts));
}
