/**
 * The recording commands end to end, in-process: `record` writes a recording, `replay` prints
 * the transcript `run` printed (and the same JSON lines), `--cast` writes an asciicast,
 * `test` compares with goldens (missing, written, matching), and bad recording files are one
 * line and exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/cli/exit-codes.js';
import { buildProgram } from '../../src/cli/program.js';
import { loadRecording } from '../../src/trace/recording.js';

const SCENARIO = 'scenarios/01-first-pod.yaml';
const dir = mkdtempSync(join(tmpdir(), 'crilab-rec-cli-'));

let stdout: string[] = [];
let stderr: string[] = [];

async function crilab(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  stdout = [];
  stderr = [];
  let code = 0;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'crilab', ...args]);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    code = err.exitCode;
    stderr.push(err.message);
  }
  return { code, out: stdout.join(''), err: stderr.join('') };
}

describe('crilab record, replay, test', () => {
  beforeAll(() => {
    vi.stubEnv('NO_COLOR', '1');
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (stdout.push(String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('record writes a recording; replay prints the transcript run printed, and the same JSON', async () => {
    const file = join(dir, 'first-pod.jsonl');
    const run = await crilab('run', SCENARIO, '--record', join(dir, 'from-run.jsonl'));
    expect(run.code).toBe(0);
    const rec = await crilab('record', SCENARIO, '-o', file);
    expect(rec.code).toBe(0);
    expect(rec.out).toMatch(/^recorded \d+ events \(.+\) to .*first-pod\.jsonl: 5 passed, 0 failed\n$/);
    // `run --record` and `record` write the same bytes.
    expect(readFileSync(join(dir, 'from-run.jsonl'), 'utf8')).toBe(readFileSync(file, 'utf8'));

    const { header, events } = await loadRecording(file);
    expect(header).toMatchObject({ scenario: { name: 'first-pod', file: '01-first-pod.yaml', title: 'The first pod' }, seed: 42, backend: { kind: 'sim' }, clock: 'sim', result: { passed: 5, failed: 0 } });
    expect(header.scenario.steps).toHaveLength(16);
    expect(header.scenario.steps[1]).toEqual({ index: 2, kind: 'apply', summary: 'apply pod hello (file source)', line: expect.any(Number) });

    const replay = await crilab('replay', file);
    expect(replay.code).toBe(0);
    const body = (text: string) => text.split('\n').slice(2);
    expect(body(replay.out)).toEqual(body(run.out));
    expect(replay.out.split('\n')[0]).toBe('The first pod — 01-first-pod.yaml');
    expect(replay.out).toContain('5 passed, 0 failed');

    const json = await crilab('replay', file, '--json');
    expect(json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(events);
  });

  it('--cast writes an asciicast v2 file of the transcript', async () => {
    const cast = join(dir, 'first-pod.cast');
    expect((await crilab('replay', join(dir, 'first-pod.jsonl'), '--cast', cast)).code).toBe(0);
    const rows = readFileSync(cast, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(rows[0]).toMatchObject({ version: 2, title: 'crilab: The first pod', timestamp: Date.UTC(2026, 0, 1) / 1000 });
    expect(rows[1]).toEqual([expect.any(Number), 'o', 'The first pod — 01-first-pod.yaml\r\n']);
    expect(rows[rows.length - 1]).toEqual([expect.any(Number), 'o', '5 passed, 0 failed\r\n']);
    const last = (rows[rows.length - 1] as [number])[0];
    // A minute of kubelet time (the GC wait) plays in well under a minute.
    expect(last).toBeGreaterThan(1);
    expect(last).toBeLessThan(60);
  });

  it('replay of a file that is not a recording: one line, exit 2', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"seq":1}\n');
    const r = await crilab('replay', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.jsonl:1: not a crilab recording header/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect((await crilab('replay', join(dir, 'missing.jsonl'))).err).toMatch(/missing\.jsonl:1: no such file/);
  });

  it('test: a missing golden fails and says what to run; --update writes it; then it matches', async () => {
    const goldens = join(dir, 'goldens');
    const missing = await crilab('test', SCENARIO, '--goldens', goldens);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/first-pod {2}has no golden at .*first-pod\.jsonl; run `crilab test --update`/);

    const update = await crilab('test', SCENARIO, '--goldens', goldens, '--update');
    expect(update.code).toBe(0);
    expect(update.out).toMatch(/golden written/);
    const golden = await loadRecording(join(goldens, 'first-pod.jsonl'));
    expect(golden.header.normalised).toBe(true);
    expect(JSON.stringify(golden.events)).toMatch(/"sandbox-1"/);
    expect(JSON.stringify(golden.events)).not.toMatch(/[0-9a-f]{64}/);

    // Another seed: other IDs, the same normalised trace.
    const again = await crilab('test', SCENARIO, '--goldens', goldens, '--seed', '7');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/first-pod {2}matches its golden/);
    expect((await crilab('test', SCENARIO, '--goldens', goldens, '--update')).out).toMatch(/golden unchanged/);
  });

  it('test: a golden that differs prints where, and fails', async () => {
    const goldens = join(dir, 'goldens');
    const path = join(goldens, 'first-pod.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"method":"CreateContainer"') && l.includes('cri.request'));
    lines[i] = lines[i]!.replace('"method":"CreateContainer"', '"method":"StartContainer"');
    writeFileSync(path, lines.join('\n'));
    const r = await crilab('test', SCENARIO, '--goldens', goldens);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`first difference at event #${i} in step 6/16 (wait: wait until pod hello is Running`);
    expect(r.out).toMatch(/expected \(golden\): #\d+ \+\d+ms kubelet cri\.request StartContainer/);
    expect(r.out).toMatch(/actual \(this run\): #\d+ \+\d+ms kubelet cri\.request CreateContainer/);
    expect(r.out).toContain('method: "StartContainer" → "CreateContainer"');
  });
});
