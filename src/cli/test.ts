import { Command, Option } from 'commander';
import { DEFAULT_GOLDENS_DIR } from '../package-root.js';
import { backendOption, seedOption } from './options.js';
import type { TestOptions } from './actions/test.js';

export function testCommand(): Command {
  return new Command('test')
    .description('run scenarios and compare their normalised traces with the committed goldens (recorded scenario tests)')
    .argument('[scenarios...]', 'scenario files (default: every bundled scenario in scenarios/)')
    .option('-u, --update', 'write the goldens from this run (review their diff before committing)')
    .addOption(new Option('--goldens <dir>', 'where goldens live, one <metadata.name>.jsonl per scenario').default(DEFAULT_GOLDENS_DIR, 'test/scenario/goldens'))
    .addOption(backendOption())
    .addOption(seedOption())
    .action(async (files: string[], opts: TestOptions) => (await import('./actions/test.js')).test(files, opts));
}
