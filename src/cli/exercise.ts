import { Command } from 'commander';

const actions = () => import('./actions/exercise.js');

/** `crilab exercise list|show|check`: the workshop exercises and their checkers. */
export function exerciseCommand(): Command {
  const cmd = new Command('exercise').description('workshop exercises: list them, show one, check your answer');
  cmd
    .command('list')
    .description('list the exercises')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }) => (await actions()).listExercises(opts));
  cmd
    .command('show')
    .description('show an exercise: its goal, starting scenario, answer format and hints')
    .argument('<n>', 'the exercise number (or its name)')
    .action(async (n: string) => (await actions()).showExercise(n));
  cmd
    .command('check')
    .description('check your answer: exit 0 when right, 1 with a hint when not yet, 2 when the answer file cannot be used')
    .argument('<n>', 'the exercise number (or its name)')
    .argument('[answer-file]', 'your answer')
    .action(async (n: string, answerFile: string | undefined) => (await actions()).checkAnswer(n, answerFile));
  return cmd;
}
