import { Command, Option } from 'commander';
import { backendOption, seedOption } from './options.js';
import type { PlayOptions } from './actions/play.js';

const actions = () => import('./actions/play.js');

/**
 * `crilab` with no subcommand opens the picker. A word that is not a command is still an
 * unknown command (with commander's "did you mean"), not a file to play.
 */
export function playByDefault(program: Command): void {
  program.allowExcessArguments().action(async () => {
    const [word] = program.args;
    if (word !== undefined) {
      const cmd = program as unknown as { unknownCommand?: () => never };
      if (typeof cmd.unknownCommand === 'function') cmd.unknownCommand();
      program.error(`error: unknown command '${word}'`, { code: 'commander.unknownCommand' });
    }
    await (await actions()).playPicker();
  });
}

export function playCommand(): Command {
  return new Command('play')
    .description('open the terminal UI on a scenario (run live, step by step) or a recording (replayed)')
    .argument('<scenario-or-recording>', 'a scenario file (e.g. scenarios/01-first-pod.yaml) or a recording from `crilab record`')
    .addOption(backendOption())
    .addOption(seedOption())
    .addOption(new Option('--quiz', 'workshop quiz: guess each lifecycle CRI call before it is revealed'))
    .action(async (file: string, opts: PlayOptions) => (await actions()).play(file, opts));
}
