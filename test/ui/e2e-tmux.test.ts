/**
 * The terminal UI in a real terminal: `crilab play` in a 100×30 tmux pane, driven by keys,
 * read back from the screen. It runs the built CLI (dist/), which `npm test` builds first.
 *
 * Set CRILAB_E2E_CAPTURES=dir to keep the screens it reads (for documentation).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxPane, tmuxMissing } from './tmux.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const missing = tmuxMissing();
if (missing) console.warn(`skipping the tmux end-to-end test: ${missing}`);

/** Bounds for each wait; the test returns as soon as the screen shows what it waits for. */
const START_MS = 30_000;
const KEY_MS = 15_000;
const BANNER = 'shell screen before crilab';
const HEADER = /^crilab │ step (\d+)\/(\d+) /;

function header(screen: string): { step: number; total: number } | undefined {
  const m = HEADER.exec(screen.split('\n')[0] ?? '');
  return m ? { step: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** The last line of a frame is the key help; the UI is drawn whole when both ends are there. */
function fullFrame(screen: string): boolean {
  const lines = screen.split('\n');
  return header(screen) !== undefined && lines.length === 30 && /\? help {2}q quit$/.test(lines[29] ?? '');
}

function keep(name: string, screen: string): void {
  const dir = process.env['CRILAB_E2E_CAPTURES'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), screen + '\n');
}

describe.skipIf(missing !== undefined)('crilab play in a real terminal (tmux 100×30)', () => {
  let pane: TmuxPane;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    pane = TmuxPane.open({
      columns: 100,
      rows: 30,
      cwd: ROOT,
      // The user's default: bin/crilab.mjs chooses React's production build (vitest set NODE_ENV=test).
      command: 'env -u NODE_ENV -u NO_COLOR node bin/crilab.mjs play scenarios/01-first-pod.yaml',
      banner: BANNER,
      log: true,
    });
  });

  afterAll(() => pane?.close());

  it('steps through the first pod, opens details and help, and gives the terminal back on q', { timeout: 180_000 }, async () => {
    const first = await pane.waitFor('the first full frame', fullFrame, START_MS);
    expect(header(first)).toEqual({ step: 0, total: 16 });
    expect(first).toContain('Kubelet');
    expect(first).toContain('Wire · CRI over gRPC');
    // The screen is up before the node: the kubelet's first call, before any step (the
    // runtime's version), follows within moments.
    const started = await pane.waitFor('the Version call', (s) => fullFrame(s) && s.includes('Version'), START_MS);
    expect(header(started)).toEqual({ step: 0, total: 16 });
    keep('step-0', started);

    // Five steps, one key at a time: each live step runs the scenario to its end.
    for (let n = 1; n <= 5; n++) {
      pane.send('n');
      await pane.waitFor(`step ${n}`, (s) => header(s)?.step === n && !s.includes('running step'), KEY_MS);
    }
    // Step 5 (narrate) follows the wait for SANDBOX_READY: the sandbox is up with its IP.
    const stepFive = await pane.waitFor('the sandbox on screen', (s) => s.includes('RunPodSandbox(hello-node-1, attempt 0)') && s.includes('SANDBOX_READY'), KEY_MS);
    expect(stepFive).toContain('hello-node-1');
    expect(stepFive).toMatch(/10\.244\.0\.\d+/);
    expect(stepFive).toContain('» With the sandbox ready');
    keep('step-5', stepFive);

    // enter: the details of the selected call (the wire has the focus and follows the last call).
    pane.send('Enter');
    const detail = await pane.waitFor('the call details', (s) => s.includes('esc back') && s.includes('Request ·'), KEY_MS);
    expect(detail).toMatch(/runtime\.v1\.(Runtime|Image)Service\//);
    keep('details', detail);

    pane.send('Escape');
    const back = await pane.waitFor('the panes again', (s) => s.includes('Wire · CRI over gRPC') && !s.includes('esc back'), KEY_MS);
    expect(header(back)?.step).toBe(5);

    pane.send('?');
    const help = await pane.waitFor('the help', (s) => s.includes('─ ▸ Help ') && s.includes('this help'), KEY_MS);
    expect(help).toContain('previous step');
    keep('help', help);

    pane.send('q');
    expect(await pane.waitForExit(KEY_MS)).toBe(0);

    // The terminal is given back: the shell's screen (not the UI), out of the alternate screen,
    // with the cursor visible again.
    const after = await pane.waitFor('the shell screen', (s) => s.includes(BANNER), KEY_MS);
    expect(after).not.toContain('crilab │ step');
    expect(after).not.toContain('╭─');
    expect(pane.display('#{alternate_on}')).toBe('0');
    expect(pane.display('#{cursor_flag}')).toBe('1');
    // And the escape codes that did it, in the order they were written.
    const log = pane.log();
    const enter = log.indexOf('\u001B[?1049h');
    const hide = log.indexOf('\u001B[?25l');
    const show = log.lastIndexOf('\u001B[?25h');
    const leave = log.lastIndexOf('\u001B[?1049l');
    expect(enter).toBeGreaterThanOrEqual(0);
    expect(hide).toBeGreaterThan(enter);
    expect(show).toBeGreaterThan(hide);
    expect(leave).toBeGreaterThan(enter);
    expect(log.lastIndexOf('\u001B[?25l')).toBeLessThan(show);
  });
});

describe.skipIf(missing !== undefined)('crilab without arguments, and a recording, in a real terminal', () => {
  const panes: TmuxPane[] = [];
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'crilab-e2e-'));
  });
  afterAll(() => {
    for (const p of panes) p.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (args: string) => {
    const pane = TmuxPane.open({ columns: 100, rows: 30, cwd: ROOT, command: `env -u NODE_ENV -u NO_COLOR node bin/crilab.mjs ${args}`, banner: BANNER });
    panes.push(pane);
    return pane;
  };

  it('crilab opens the picker on the first scenario; enter starts it, s comes back, q quits', { timeout: 180_000 }, async () => {
    const pane = open('');
    const picker = await pane.waitFor('the picker', (s) => s.includes('Pick a scenario') && s.includes('enter start'), START_MS);
    expect(picker).toMatch(/ 1\. The first pod {2}01-first-pod\.yaml/);
    keep('picker', picker);
    pane.send('Enter');
    const first = await pane.waitFor('the first scenario', (s) => fullFrame(s) && s.includes('The first pod'), START_MS);
    expect(header(first)?.step).toBe(0);
    expect(first.split('\n')[29]).toContain('s scenarios');
    pane.send('n');
    await pane.waitFor('step 1', (s) => header(s)?.step === 1 && !s.includes('running step'), KEY_MS);
    pane.send('s');
    await pane.waitFor('the picker again', (s) => s.includes('esc back to The first pod'), KEY_MS);
    pane.send('Escape');
    await pane.waitFor('step 1 again', (s) => header(s)?.step === 1, KEY_MS);
    pane.send('q');
    expect(await pane.waitForExit(KEY_MS)).toBe(0);
    await pane.waitFor('the shell screen', (s) => s.includes(BANNER) && !s.includes('crilab │'), KEY_MS);
    expect(pane.display('#{cursor_flag} #{alternate_on}')).toBe('1 0');
  });

  it('plays a recording: the same steps, back and forth, without running anything', { timeout: 180_000 }, async () => {
    const rec = join(dir, 'first-pod.jsonl');
    const made = spawnSync(process.execPath, ['bin/crilab.mjs', 'record', 'scenarios/01-first-pod.yaml', '-o', rec], { cwd: ROOT, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const pane = open(`play ${rec}`);
    const first = await pane.waitFor('the first frame', fullFrame, START_MS);
    expect(header(first)).toEqual({ step: 0, total: 16 });
    for (let n = 1; n <= 6; n++) pane.send('n');
    const six = await pane.waitFor('step 6', (s) => header(s)?.step === 6, KEY_MS);
    // The pod reached Running at step 6 (a wait for phase Running).
    expect(six).toContain('Running');
    expect(six).toContain('StartContainer');
    pane.send('p');
    await pane.waitFor('step 5', (s) => header(s)?.step === 5, KEY_MS);
    pane.send('q');
    expect(await pane.waitForExit(KEY_MS)).toBe(0);
  });
});
