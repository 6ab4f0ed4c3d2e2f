import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_SCENARIOS_DIR } from '../../package-root.js';
import { formatProblem } from '../../scenario/errors.js';
import { loadScenarioFile } from '../../scenario/loader.js';
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

/** The bundled scenarios as the picker shows them; files that do not load are left out, with a warning. */
export async function bundledScenarioChoices(dir = BUNDLED_SCENARIOS_DIR): Promise<{ choices: (ScenarioChoice & { path: string })[]; warnings: string[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const loaded = await Promise.all(files.map(async (f) => ({ f, res: await loadScenarioFile(join(dir, f)) })));
  const choices: (ScenarioChoice & { path: string })[] = [];
  const warnings: string[] = [];
  for (const { f, res } of loaded) {
    const path = join(dir, f);
    if (res.ok) {
      choices.push({ file: f, title: res.scenario.title, teaches: res.scenario.teaches.trim().replace(/\s+/g, ' '), path });
      continue;
    }
    const first = res.problems[0];
    warnings.push(`skipped ${f}: ${res.problems.length} problem(s)${first ? `, first: ${formatProblem(first)}` : ''}`);
  }
  return { choices, warnings };
}
