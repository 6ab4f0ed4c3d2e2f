/**
 * The terminal UI's two speeds that a learner feels:
 *
 * 1. Start-up: from starting `crilab play scenarios/01-first-pod.yaml` to the first full frame
 *    (the header and the key-help line on screen), in a real terminal (tmux, 100×30). Baseline:
 *    `node -e 0` started the same way in the same run. Target: under 1 s. The frame is drawn
 *    before the simulated node has started (src/cli/actions/play.ts), so the time until the
 *    node is up (the kubelet's Version call on the wire pane) is reported beside it.
 * 2. A step: rendering one step (`n`) of a recording with over 10,000 events, the way the UI
 *    does (one mounted app, incremental fold), with React's production build. Baseline: the
 *    fold alone for the same steps. Target: under 30 ms.
 *
 * Both run the built CLI and UI (dist/); `npm run bench` builds first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScenarioText } from '../../src/scenario/loader.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { TmuxPane, tmuxMissing } from '../ui/tmux.js';
import type { BenchReport } from './main.js';

export const name = 'terminal UI: first frame and step render';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIRST_FRAME_TARGET_MS = 1000;
const STEP_TARGET_MS = 30;
/** Start-ups timed per command; the median is reported. */
const STARTS = 5;
/** Events the step benchmark's recording has at least. */
const BIG_RECORDING_EVENTS = 10_000;
const START_TIMEOUT_MS = 60_000;

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/**
 * How often the pane is read. Each read starts a tmux client; reading back to back would take a
 * core from the program being timed (this resolution is what the times are good to).
 */
const POLL_EVERY_MS = 10;

/** Poll the pane until `done`; the time since the command was let go. */
async function timeUntil(pane: TmuxPane, done: (screen: string) => boolean, exited: () => boolean): Promise<number> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    const at = pane.elapsed();
    if (exited() || done(pane.capture())) return at;
    if (performance.now() > deadline) throw new Error(`no first frame within ${START_TIMEOUT_MS} ms:\n${pane.capture()}`);
    await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
  }
}

/** The first full frame of `crilab play`: the header on the first line, the key help on the last. */
function fullFrame(screen: string): boolean {
  const lines = screen.split('\n');
  return /^crilab │ step 0\//.test(lines[0] ?? '') && /\? help {2}q quit$/.test(lines[29] ?? '');
}

async function startTimes(command: string, done: (screen: string) => boolean, exits: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const pane = TmuxPane.open({ columns: 100, rows: 30, cwd: ROOT, command });
    try {
      const exitFile = join(pane.dir, 'exit');
      const exited = () => exits && readFileSafe(exitFile) !== undefined;
      times.push(await timeUntil(pane, done, exited));
    } finally {
      pane.close();
    }
  }
  return times;
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function firstFrame(lines: string[]): Promise<void> {
  const missing = tmuxMissing();
  if (missing) {
    lines.push(`first frame: skipped (${missing})`);
    return;
  }
  // What a user runs: bin/crilab.mjs picks React's production build itself.
  const env = 'env -u NODE_ENV';
  const node = await startTimes(`${env} node -e 0`, () => false, true);
  const play = await startTimes(`${env} node bin/crilab.mjs play scenarios/01-first-pod.yaml`, fullFrame, false);
  // The frame is drawn before the simulated node starts; this is when the node is up and the
  // kubelet's first call (Version) is on the wire pane.
  const nodeUp = await startTimes(`${env} node bin/crilab.mjs play scenarios/01-first-pod.yaml`, (s) => fullFrame(s) && s.includes('Version'), false);
  const picker = await startTimes(`${env} node bin/crilab.mjs`, (s) => s.includes('Pick a scenario') && s.includes('enter start'), false);
  const base = median(node);
  const row = (label: string, xs: number[]) =>
    `${label.padEnd(44)} median ${ms(median(xs)).padStart(8)}  (min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))})  ${(median(xs) / base).toFixed(1)}× node -e 0`;
  lines.push(`first frame in tmux 100×30, ${STARTS} starts each:`);
  lines.push(row('node -e 0 (baseline: exits)', node));
  lines.push(row('crilab play 01-first-pod.yaml (first frame)', play));
  lines.push(row('  … node up (Version call on screen)', nodeUp));
  lines.push(row('crilab (the picker)', picker));
  lines.push(`target: first frame under ${FIRST_FRAME_TARGET_MS} ms: ${median(play) < FIRST_FRAME_TARGET_MS ? 'met' : 'MISSED'}`);
}

/** Events one `advance: 5s` step adds to the long run (the kubelet's relists and polls), measured. */
const EVENTS_PER_ROUND = 30;
/** Crashes early in the long run (100 s apart: the back-off, 10 s then 20 s, is over by the next). */
const CRASH_ROUNDS = new Set([19, 39, 59]);

/**
 * A long run of the first pod: the pod started, then many minutes of simulated time 5 s at a
 * time (the kubelet's relists and status polls every second), three crashes and restarts, and
 * the delete. Over 10,000 events, hundreds of steps.
 */
async function bigRecording(): Promise<TraceEvent[]> {
  const text = readFileSync(join(ROOT, 'scenarios/01-first-pod.yaml'), 'utf8');
  const head = text.slice(0, text.indexOf('\nsteps:'));
  let rounds = Math.ceil(BIG_RECORDING_EVENTS / EVENTS_PER_ROUND);
  for (let attempt = 0; attempt < 3; attempt++) {
    const body = ['  - apply: hello', '  - wait: { pod: hello, phase: Running, timeout: 1m }'];
    for (let i = 0; i < rounds; i++) {
      body.push('  - advance: 5s');
      if (CRASH_ROUNDS.has(i)) body.push('  - fault: { crash: { pod: hello, container: app, exitCode: 1 } }');
    }
    body.push('  - delete: hello', '  - wait: { call: StopPodSandbox, pod: hello, timeout: 1m }');
    const res = await loadScenarioText(`${head}\nsteps:\n${body.join('\n')}\n`, join(ROOT, 'scenarios/bench-long-run.yaml'));
    if (!res.ok) throw new Error(`the benchmark's scenario does not load: ${res.problems.map((p) => p.message).join('; ')}`);
    const { events, summary } = await runScenario(res.scenario, { backend: 'sim' });
    if (summary.aborted) throw new Error(`the benchmark's long run stopped: ${summary.aborted}`);
    if (events.length >= BIG_RECORDING_EVENTS) return events;
    rounds = Math.ceil((rounds * BIG_RECORDING_EVENTS * 1.1) / events.length);
  }
  throw new Error(`the benchmark's long run has fewer than ${BIG_RECORDING_EVENTS} events`);
}

/**
 * Runs in a child with NODE_ENV=production: React reads it once, when it is first imported.
 * Each step is timed in wall time and in CPU time (the process's user + system time): on a
 * shared machine the wall time includes waiting for a core, the CPU time is the work itself.
 */
const STEP_SCRIPT = `
const [file, distUrl, inkUrl, reactUrl] = process.argv.slice(1);
const { readFileSync } = await import('node:fs');
const { EventEmitter } = await import('node:events');
const { renderStepForBench } = await import(distUrl + '/ui/render-frame.js');
const { ViewModelFolder } = await import(distUrl + '/ui/model/fold.js');
const { stepIndexOf } = await import(distUrl + '/ui/model/steps.js');
const events = readFileSync(file, 'utf8').trim().split('\\n').map((l) => JSON.parse(l));
const steps = stepIndexOf(events);
const total = steps.total;
const wall = [], cpu = [];
const time = (fn) => {
  const t = performance.now();
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
  wall.push(performance.now() - t);
};
const take = () => { const r = { wall: wall.splice(0), cpu: cpu.splice(0) }; return r; };
// Warm-up: mount the app and let V8 compile the hot paths, on another copy of the events.
const warm = events.slice();
for (let n = 1; n <= Math.min(total, 20); n++) renderStepForBench(warm, n);
// A learner pressing n through the whole run, then p back a few steps.
for (let n = 1; n <= total; n++) time(() => renderStepForBench(events, n));
const render = take();
for (let n = total - 1; n >= Math.max(1, total - 10); n--) time(() => renderStepForBench(events, n));
const back = take();
let folder = new ViewModelFolder();
for (let n = 1; n <= total; n++) time(() => folder.applyAll(events, steps.cut(n)).snapshot());
const fold = take();
// The floor: ink alone re-rendering a 120x40 frame of 38 changing lines of box-drawn text in a
// bordered box (what a frame of the UI is made of), with no model and no panes.
const { render: inkRender, Box, Text } = await import(inkUrl);
const React = (await import(reactUrl)).default;
const h = React.createElement;
class Sink extends EventEmitter { columns = 120; rows = 40; write() { return true; } }
class In extends EventEmitter { isTTY = true; setEncoding() {} setRawMode() {} resume() {} pause() {} ref() {} unref() {} read() { return null; } }
const line = (i, n) => ('+00:' + String(n % 60).padStart(2, '0') + '.123 │── CreateContainer(app, attempt ' + i + ')  242B pb / 729B json ───────────────▶│ │').padEnd(118).slice(0, 118);
const frame = (n) => h(Box, { width: 120, height: 40, borderStyle: 'round', flexDirection: 'column' }, ...Array.from({ length: 38 }, (_, i) => h(Text, { key: i, wrap: 'truncate-end' }, line(i, n + i))));
const inst = inkRender(frame(0), { stdout: new Sink(), stdin: new In(), debug: true, exitOnCtrlC: false, patchConsole: false });
for (let n = 1; n <= 20; n++) inst.rerender(frame(n));
for (let n = 0; n < total; n++) time(() => inst.rerender(frame(n)));
const ink = take();
inst.unmount();
process.stdout.write(JSON.stringify({ total, render, back, fold, ink, nodeEnv: process.env.NODE_ENV }));
`;

interface Timings {
  wall: number[];
  cpu: number[];
}

async function stepRender(lines: string[]): Promise<void> {
  const events = await bigRecording();
  const dir = mkdtempSync(join(tmpdir(), 'crilab-ui-bench-'));
  try {
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const url = (p: string) => pathToFileURL(join(ROOT, p)).href;
    const res = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', STEP_SCRIPT, file, url('dist'), url('node_modules/ink/build/index.js'), url('node_modules/react/index.js')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 64 * 1024 * 1024 },
    );
    if (res.status !== 0) throw new Error(`the step benchmark failed:\n${res.stderr}`);
    const r = JSON.parse(res.stdout) as { total: number; render: Timings; back: Timings; fold: Timings; ink: Timings; nodeEnv: string };
    const row = (label: string, t: Timings) =>
      `${label.padEnd(40)} wall median ${ms(median(t.wall)).padStart(8)} p95 ${ms(quantile(t.wall, 0.95)).padStart(8)} · cpu median ${ms(median(t.cpu)).padStart(8)} p95 ${ms(quantile(t.cpu, 0.95)).padStart(8)}`;
    lines.push(`step render, 120×40, NODE_ENV=${r.nodeEnv}: ${events.length} events, ${r.total} steps:`);
    lines.push(row('fold alone (baseline), per step', r.fold));
    lines.push(row('ink alone, a 120×40 frame (floor)', r.ink));
    lines.push(row('fold + render (n), per step', r.render));
    lines.push(row('back (p), last 10 steps', r.back));
    lines.push(`render ÷ fold: ${(median(r.render.cpu) / median(r.fold.cpu)).toFixed(0)}× · render ÷ ink floor: ${(median(r.render.cpu) / median(r.ink.cpu)).toFixed(2)}× (cpu medians)`);
    const p95 = quantile(r.render.wall, 0.95);
    const cpu95 = quantile(r.render.cpu, 0.95);
    lines.push(`target: a step under ${STEP_TARGET_MS} ms (p95): wall ${p95 < STEP_TARGET_MS ? 'met' : 'MISSED'}, cpu ${cpu95 < STEP_TARGET_MS ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchReport> {
  const lines: string[] = [];
  lines.push(`load average when started: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // CRILAB_BENCH_UI=frame or =step runs one half.
  const only = process.env['CRILAB_BENCH_UI'];
  if (only !== 'step') await firstFrame(lines);
  if (only !== 'frame') await stepRender(lines);
  return { lines };
}
