// Writes dist/scenario-index.json: each bundled scenario that validates, with its title, what
// it teaches and the SHA-256 of its text, so the picker can list them without validating them
// all at start (src/scenario/catalog-index.ts). Run by `npm run build` after tsc.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_INDEX_FORMAT, sha256 } from '../dist/scenario/catalog-index.js';
import { loadScenarioText } from '../dist/scenario/loader.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'scenarios');
const scenarios = [];
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort()) {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  const res = await loadScenarioText(text, path);
  // A scenario that does not load is left out: the picker validates it at start and says why.
  if (res.ok) scenarios.push({ file, sha256: sha256(text), title: res.scenario.title, teaches: res.scenario.teaches });
}
await writeFile(join(root, 'dist/scenario-index.json'), JSON.stringify({ format: CATALOG_INDEX_FORMAT, scenarios }, null, 1) + '\n');
