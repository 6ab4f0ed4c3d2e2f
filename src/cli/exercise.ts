import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';
import { useColor } from './run.js';
import { checkExercise, EXERCISES, EXIT_FOR_VERDICT, findExercise } from '../exercises/index.js';
import type { Exercise } from '../exercises/index.js';

/** The package root (where scenarios/ and docs/ are), from dist/cli/ or src/cli/. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function exerciseOrFail(n: string): Exercise {
  const ex = findExercise(n);
  if (!ex) throw new CliError(`no exercise "${n}"; there are ${EXERCISES.length}: run crilab exercise list`, EXIT_BAD_INPUT);
  return ex;
}

function paint(code: string, text: string): string {
  return useColor(process.stdout) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `crilab exercise list|show|check`: the workshop exercises and their checkers. */
export function exerciseCommand(): Command {
  const cmd = new Command('exercise').description('workshop exercises: list them, show one, check your answer');
  cmd
    .command('list')
    .description('list the exercises')
    .option('--json', 'print them as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        const rows = EXERCISES.map(({ id, slug, title, scenario, answerFormat, doc }) => ({ id, slug, title, scenario, answerFormat, doc }));
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      for (const e of EXERCISES) process.stdout.write(`${String(e.id).padStart(2)}  ${e.title}  (${e.scenario})\n`);
    });
  cmd
    .command('show')
    .description('show an exercise: its goal, starting scenario, answer format and hints')
    .argument('<n>', 'the exercise number (or its name)')
    .action((n: string) => {
      const e = exerciseOrFail(n);
      const out = (s = '') => process.stdout.write(s + '\n');
      out(paint('1', `Exercise ${e.id}: ${e.title}`));
      out();
      out(e.goal);
      out();
      out(`Start from:   ${e.scenario}`);
      out(`Your answer:  ${e.answerFormat}`);
      out(`Check it:     crilab exercise check ${e.id} ANSWER-FILE`);
      out(`More:         ${e.doc}`);
      out();
      out('Hints (read one at a time):');
      e.hints.forEach((h, i) => out(`  ${i + 1}. ${h}`));
    });
  cmd
    .command('check')
    .description('check your answer: exit 0 when right, 1 with a hint when not yet, 2 when the answer file cannot be used')
    .argument('<n>', 'the exercise number (or its name)')
    .argument('[answer-file]', 'your answer')
    .action(async (n: string, answerFile: string | undefined) => {
      const e = exerciseOrFail(n);
      const r = await checkExercise(e, answerFile, { root: PACKAGE_ROOT });
      const head = r.verdict === 'pass' ? paint('32', 'PASS') : r.verdict === 'not-yet' ? paint('33', 'NOT YET') : paint('31', 'CANNOT CHECK');
      process.stdout.write(`${head}  exercise ${e.id}: ${r.message}\n`);
      if (r.hint) process.stdout.write(`hint: ${r.hint}\n`);
      process.exitCode = EXIT_FOR_VERDICT[r.verdict];
    });
  return cmd;
}
