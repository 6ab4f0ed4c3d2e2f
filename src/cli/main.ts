import { CommanderError } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';
import { buildProgram } from './program.js';

/** The `crilab` entry point: parse, run, and turn failures into one clear line and an exit code. */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const benign = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' || err.exitCode === 0;
      process.exitCode = benign ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`crilab: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`crilab: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env['CRILAB_DEBUG']) console.error(err);
    process.exitCode = 1;
  }
}

await main(process.argv);
