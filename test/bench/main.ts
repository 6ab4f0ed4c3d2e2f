/**
 * `npm run bench`: runs every `*.bench.ts` in this folder (or those named on the command line)
 * one after another. Each exports `name` and `run(): Promise<BenchReport>`; the report's lines
 * are printed as they are. Speeds are always given as a ratio against a baseline measured in
 * the same run, because these machines are noisy; no benchmark is a test and none can fail CI.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchReport {
  lines: string[];
}

interface BenchModule {
  name: string;
  run(): Promise<BenchReport>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  console.log(`\n== ${mod.name} (${file})`);
  const report = await mod.run();
  for (const line of report.lines) console.log(line);
}
