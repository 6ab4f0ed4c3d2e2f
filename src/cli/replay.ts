import { Command } from 'commander';
import { castOption } from './options.js';
import type { ReplayOptions } from './actions/replay.js';

export function replayCommand(): Command {
  return new Command('replay')
    .description('print the transcript of a recording, as `crilab run` printed it, without running anything')
    .argument('<recording>', 'a recording written by `crilab record` (or a golden from test/scenario/goldens/)')
    .option('--json', 'print the recorded events as JSON lines (as `crilab run --json` does)')
    .option('-v, --verbose', 'also print every PLEG relist and runtime status poll')
    .addOption(castOption())
    .action(async (file: string, opts: ReplayOptions) => (await import('./actions/replay.js')).replay(file, opts));
}
