import { formatProblem } from '../../scenario/errors.js';
import { loadScenarioFile } from '../../scenario/loader.js';
import type { Scenario } from '../../scenario/types.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';

/**
 * Load a scenario for a command, or print its problems (one line each, file:line:column) and
 * stop with exit 2: nothing is run. Only the loader is imported here, not the runner, so that
 * the terminal UI can draw before the backend's modules are loaded.
 */
export async function loadScenarioOrExit(path: string): Promise<Scenario> {
  const res = await loadScenarioFile(path);
  if (res.ok) return res.scenario;
  for (const p of res.problems) process.stderr.write(formatProblem(p) + '\n');
  throw new CliError(`the scenario has ${res.problems.length} problem(s); nothing was run`, EXIT_BAD_INPUT);
}
