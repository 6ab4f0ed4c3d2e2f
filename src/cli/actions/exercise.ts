import { PACKAGE_ROOT } from '../../package-root.js';
import { checkExercise, EXERCISES, EXIT_FOR_VERDICT, findExercise, type Exercise } from '../../exercises/index.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';
import { useColor } from '../options.js';

function exerciseOrFail(n: string): Exercise {
  const ex = findExercise(n);
  if (!ex) throw new CliError(`no exercise "${n}"; there are ${EXERCISES.length}: run crilab exercise list`, EXIT_BAD_INPUT);
  return ex;
}

function paint(code: string, text: string): string {
  return useColor(process.stdout) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `crilab exercise list`. */
export function listExercises(opts: { json?: boolean }): void {
  if (opts.json) {
    const rows = EXERCISES.map(({ id, slug, title, scenario, answerFormat, doc }) => ({ id, slug, title, scenario, answerFormat, doc }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  for (const e of EXERCISES) process.stdout.write(`${String(e.id).padStart(2)}  ${e.title}  (${e.scenario})\n`);
}

/** `crilab exercise show N`. */
export function showExercise(n: string): void {
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
}

/** `crilab exercise check N [ANSWER-FILE]`: the exit code says the verdict. */
export async function checkAnswer(n: string, answerFile: string | undefined): Promise<void> {
  const e = exerciseOrFail(n);
  const r = await checkExercise(e, answerFile, { root: PACKAGE_ROOT });
  const head = r.verdict === 'pass' ? paint('32', 'PASS') : r.verdict === 'not-yet' ? paint('33', 'NOT YET') : paint('31', 'CANNOT CHECK');
  process.stdout.write(`${head}  exercise ${e.id}: ${r.message}\n`);
  if (r.hint) process.stdout.write(`hint: ${r.hint}\n`);
  process.exitCode = EXIT_FOR_VERDICT[r.verdict];
}
