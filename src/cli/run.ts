import { Command } from 'commander';
import { backendOption, castOption, seedOption } from './options.js';
import type { RunOptions } from './actions/run.js';

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
    .action(async (file: string, opts: RunOptions) => (await import('./actions/run.js')).run(file, opts));
}
