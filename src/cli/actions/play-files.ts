import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_SCENARIOS_DIR, SCENARIO_INDEX_PATH } from '../../package-root.js';
import { readCatalogIndex, sha256 } from '../../scenario/catalog-index.js';
import { formatProblem, type Problem } from '../../scenario/errors.js';
import { loadScenarioFile, loadScenarioText } from '../../scenario/loader.js';
import { RECORDING_FORMAT } from '../../trace/recording.js';
import type { ScenarioChoice } from '../../ui/components/scenario-picker.js';

/**
 * Is this file a recording (JSON lines, a header with the recording format first) rather than a
 * scenario? Only the first line is read. A `.jsonl` file counts as one whatever it holds, so
 * that a broken recording is reported as a recording, not as YAML.
 */
export async function isRecordingFile(path: string): Promise<boolean> {
  if (path.endsWith('.jsonl')) return true;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false; // the scenario loader says what is wrong with a missing file
  }
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').trimStart();
    // The header's first key is `format` (recordingToJsonl writes the header object as built).
    return head.startsWith('{') && head.includes(`"${RECORDING_FORMAT.split('/')[0]}`);
  } finally {
    await handle.close();
  }
}

/**
 * The bundled scenarios as the picker shows them; files that do not load are left out, with a
 * warning. A file whose text matches the build's index is listed from it without validating it
 * again (src/scenario/catalog-index.ts); any other is validated here.
 */
export async function bundledScenarioChoices(
  dir = BUNDLED_SCENARIOS_DIR,
  indexPath = SCENARIO_INDEX_PATH,
): Promise<{ choices: (ScenarioChoice & { path: string })[]; warnings: string[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const index = await readCatalogIndex(indexPath);
  type Listed = { f: string; title: string; teaches: string } | { f: string; problems: Problem[] };
  const listedFrom = (f: string, res: Awaited<ReturnType<typeof loadScenarioText>>): Listed =>
    res.ok ? { f, title: res.scenario.title, teaches: res.scenario.teaches } : { f, problems: res.problems };
  const listed = await Promise.all(
    files.map(async (f): Promise<Listed> => {
      const path = join(dir, f);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        return listedFrom(f, await loadScenarioFile(path)); // says why it cannot be read
      }
      const known = index?.get(f);
      if (known && known.sha256 === sha256(text)) return { f, title: known.title, teaches: known.teaches };
      return listedFrom(f, await loadScenarioText(text, path));
    }),
  );
  const choices: (ScenarioChoice & { path: string })[] = [];
  const warnings: string[] = [];
  for (const item of listed) {
    const path = join(dir, item.f);
    if ('title' in item) {
      choices.push({ file: item.f, title: item.title, teaches: item.teaches.trim().replace(/\s+/g, ' '), path });
      continue;
    }
    const first = item.problems[0];
    warnings.push(`skipped ${item.f}: ${item.problems.length} problem(s)${first ? `, first: ${formatProblem(first)}` : ''}`);
  }
  return { choices, warnings };
}
