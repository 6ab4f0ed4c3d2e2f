/**
 * `crilab play` and `crilab` with no arguments, outside a terminal: what they say and how they
 * exit before any UI is drawn. Runs the built CLI (dist/), which `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineDescriptions } from '../../src/cli/actions/live.js';
import { bundledScenarioChoices, isRecordingFile } from '../../src/cli/actions/play-files.js';
import { SCENARIO_INDEX_PATH } from '../../src/package-root.js';
import { CATALOG_INDEX_FORMAT, readCatalogIndex, sha256 } from '../../src/scenario/catalog-index.js';
import { uiMachineDescription } from '../../src/ui/model/describe-adapter.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIRST_POD = join(ROOT, 'scenarios/01-first-pod.yaml');
const NOT_A_TTY = 'crilab: play needs a terminal (stdout is not a TTY); use `crilab run` for a transcript\n';

/** The CLI with pipes for stdin, stdout and stderr: not a terminal. */
function crilab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [join(ROOT, 'bin/crilab.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

let dir: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'crilab-play-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crilab play outside a terminal', () => {
  it('says in one line that it needs a terminal, and exits 2', () => {
    const res = crilab('play', 'scenarios/01-first-pod.yaml');
    expect(res.status).toBe(2);
    expect(res.stderr).toBe(NOT_A_TTY);
    expect(res.stdout).toBe('');
  });

  it('crilab with no arguments opens the UI, so it says the same', () => {
    const res = crilab();
    expect(res.status).toBe(2);
    expect(res.stderr).toBe(NOT_A_TTY);
  });

  it('reports a scenario that does not load first: its problems one per line, exit 2', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(FIRST_POD, 'utf8').replace('- apply: hello', '- apply: nosuchpod'));
    const res = crilab('play', bad);
    expect(res.status).toBe(2);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*nosuchpod`));
    expect(lines.at(-1)).toMatch(/^crilab: the scenario has \d+ problem\(s\); nothing was run$/);
  });

  it('reports a broken recording as `file:line: problem`, exit 2', () => {
    const bad = join(dir, 'broken.jsonl');
    writeFileSync(bad, '{"format":"crilab-recording/v1","crilab":"0.1.0"}\n');
    const res = crilab('play', bad);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`^crilab: .*broken\\.jsonl:1: bad header: `));
  });

  it('replays a good recording (it gets as far as asking for a terminal)', () => {
    const rec = join(dir, 'first-pod.rec');
    const made = crilab('record', 'scenarios/01-first-pod.yaml', '-o', rec);
    expect(made.status).toBe(0);
    const res = crilab('play', rec);
    expect(res.stderr).toBe(NOT_A_TTY);
  });

  it('keeps unknown commands unknown, with a suggestion', () => {
    const res = crilab('rnu', 'scenarios/01-first-pod.yaml');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("unknown command 'rnu'");
    expect(res.stderr).toContain('Did you mean run?');
  });

  it('has --backend, --seed and --quiz', () => {
    const res = crilab('play', '--help');
    expect(res.status).toBe(0);
    for (const flag of ['--backend', '--seed', '--quiz', '<scenario-or-recording>']) expect(res.stdout).toContain(flag);
  });
});

describe('what play reads', () => {
  it('tells a recording from a scenario by its first line (or a .jsonl name)', async () => {
    const rec = join(dir, 'r.txt');
    writeFileSync(rec, '{"format":"crilab-recording/v1","crilab":"0.1.0"}\n{"seq":1}\n');
    expect(await isRecordingFile(rec)).toBe(true);
    expect(await isRecordingFile(FIRST_POD)).toBe(false);
    expect(await isRecordingFile(join(dir, 'anything.jsonl'))).toBe(true);
    expect(await isRecordingFile(join(dir, 'missing.yaml'))).toBe(false);
  });

  it('lists the bundled scenarios in teaching order, with their titles and what they teach', async () => {
    const { choices, warnings } = await bundledScenarioChoices();
    expect(warnings).toEqual([]);
    expect(choices.length).toBeGreaterThanOrEqual(1);
    expect(choices[0]).toMatchObject({ file: '01-first-pod.yaml', title: 'The first pod' });
    expect(choices[0]!.teaches).toMatch(/^How a node starts a pod/);
    expect(choices[0]!.teaches).not.toContain('\n');
    expect(choices.map((c) => c.file)).toEqual([...choices.map((c) => c.file)].sort());
  });

  it('leaves out a scenario that does not load, with a warning naming it', async () => {
    const pick = mkdtempSync(join(dir, 'pick-'));
    copyFileSync(FIRST_POD, join(pick, '01-first-pod.yaml'));
    writeFileSync(join(pick, '02-broken.yaml'), 'apiVersion: crilab.dev/v1alpha1\nkind: Scenario\n');
    writeFileSync(join(pick, 'README.md'), 'not a scenario');
    const { choices, warnings } = await bundledScenarioChoices(pick);
    expect(choices.map((c) => c.file)).toEqual(['01-first-pod.yaml']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^skipped 02-broken\.yaml: \d+ problem\(s\), first: /);
  });

  it("lists a file from the build's index only while its text is the one indexed; any other is validated", async () => {
    const pick = mkdtempSync(join(dir, 'index-'));
    const text = readFileSync(FIRST_POD, 'utf8');
    writeFileSync(join(pick, '01-first-pod.yaml'), text);
    writeFileSync(join(pick, '02-broken.yaml'), 'apiVersion: crilab.dev/v1alpha1\nkind: Scenario\n');
    const index = join(pick, 'index.json');
    // An index that names the first file with its hash (and a title of its own, to see it used)
    // and claims the broken one, with a hash that is not its text's.
    writeFileSync(
      index,
      JSON.stringify({
        format: CATALOG_INDEX_FORMAT,
        scenarios: [
          { file: '01-first-pod.yaml', sha256: sha256(text), title: 'From the index', teaches: 'indexed' },
          { file: '02-broken.yaml', sha256: sha256('something else'), title: 'Not really', teaches: 'x' },
        ],
      }),
    );
    let listed = await bundledScenarioChoices(pick, index);
    expect(listed.choices.map((c) => [c.file, c.title])).toEqual([['01-first-pod.yaml', 'From the index']]);
    expect(listed.warnings).toHaveLength(1);
    // Edited since the build: validated, listed with its own title.
    writeFileSync(join(pick, '01-first-pod.yaml'), text.replace('title: The first pod', 'title: The first pod, edited'));
    listed = await bundledScenarioChoices(pick, index);
    expect(listed.choices.map((c) => c.title)).toEqual(['The first pod, edited']);
    // No index, or not an index: everything is validated.
    writeFileSync(index, '{"format":"something/v9"}');
    listed = await bundledScenarioChoices(pick, index);
    expect(listed.choices.map((c) => c.title)).toEqual(['The first pod, edited']);
  });

  it("the build's index lists every bundled scenario with the title its file gives", async () => {
    const fromIndex = await bundledScenarioChoices();
    const validated = await bundledScenarioChoices(undefined, join(dir, 'no-index.json'));
    expect(fromIndex).toEqual(validated);
    const index = await readCatalogIndex(SCENARIO_INDEX_PATH);
    expect([...(index?.keys() ?? [])]).toEqual(validated.choices.map((c) => c.file));
  });

  it('hands the UI every machine, with all of its states', () => {
    const d = machineDescriptions();
    expect(Object.keys(d).sort()).toEqual(['container', 'container-restart', 'image-pull', 'netns', 'pause', 'pod-worker', 'sandbox']);
    expect(d.sandbox!.states).toEqual(expect.arrayContaining(['SANDBOX_READY', 'SANDBOX_NOTREADY']));
    expect(d.container!.states).toEqual(expect.arrayContaining(['CONTAINER_CREATED', 'CONTAINER_RUNNING', 'CONTAINER_EXITED']));
    for (const m of Object.values(d)) {
      expect(m!.states.every((s) => typeof s === 'string')).toBe(true);
      for (const t of m!.transitions) expect(m!.states).toContain(t.from);
    }
  });

  it('keeps one edge per (from, event, to) and state names only', () => {
    const d = uiMachineDescription({
      states: [{ name: 'a' }, 'b'],
      transitions: [
        { from: 'a', to: 'b', event: 'GO' },
        { from: 'a', to: 'b', event: 'GO' },
        { from: 'b', to: 'a', event: 'BACK' },
      ],
    });
    expect(d).toEqual({ states: ['a', 'b'], transitions: [{ from: 'a', to: 'b', event: 'GO' }, { from: 'b', to: 'a', event: 'BACK' }] });
  });
});
