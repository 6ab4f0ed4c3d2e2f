/**
 * Fuzzing the loader: random text, random YAML documents, and mutations of the good scenarios
 * (keys deleted, values replaced by other types, values swapped, steps duplicated, lines cut).
 * Whatever comes in, the loader must answer, never throw, and either reject with well-formed
 * problems or return a scenario that holds together and loads the same way again.
 *
 * And through the command line: a scenario that fails validation is never run. `openBackend`
 * is replaced by a spy, so any attempt to start a runtime for a bad file is caught.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { CliError, EXIT_BAD_INPUT } from '../../src/cli/exit-codes.js';
import { parse, stringify } from 'yaml';
import { NEEDS_MESSAGE } from '../../src/scenario/errors.js';
import { loadScenarioText, type LoadResult } from '../../src/scenario/loader.js';
import type { Scenario } from '../../src/scenario/types.js';

const backendSpy = vi.hoisted(() => ({ opened: 0 }));
vi.mock('../../src/backends/select.js', () => ({
  openBackend: async () => {
    backendSpy.opened++;
    throw new Error('a backend was opened for a scenario that failed validation');
  },
  openSim: async () => {
    backendSpy.opened++;
    throw new Error('a backend was opened for a scenario that failed validation');
  },
}));

const FILE = 'fuzz.yaml';
const GOOD_FILES = ['first-pod.yaml', 'faults-tour.yaml'];
const GOOD_TEXTS = GOOD_FILES.map((f) => readFileSync(`test/fixtures/scenarios/good/${f}`, 'utf8'));
const GOOD_VALUES = GOOD_TEXTS.map((t) => parse(t) as unknown);

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Checks the answer's shape; returns the scenario when it was accepted. */
function checkResult(result: LoadResult, text: string): Scenario | undefined {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  if (!result.ok) {
    expect('scenario' in result).toBe(false);
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(p.file).toBe(FILE);
      expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount + 1).toBe(true);
      expect(Number.isInteger(p.column) && p.column >= 1).toBe(true);
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.message).not.toContain(NEEDS_MESSAGE);
      // The catch-all in the loader would hide a crash as this message; it must never be hit.
      expect(p.message).not.toMatch(/^internal error/);
    }
    return undefined;
  }
  checkScenario(result.scenario, lineCount);
  return result.scenario;
}

/** What a runner relies on: names resolve, times are whole milliseconds, positions are real. */
function checkScenario(s: Scenario, lineCount: number): void {
  const pods = new Set(s.pods.map((p) => p.name));
  expect(pods.size).toBe(s.pods.length);
  for (const p of s.pods) expect(p.manifest.spec?.containers.length).toBeGreaterThan(0);
  const isMs = (n: number) => Number.isSafeInteger(n) && n >= 0;
  for (const step of s.steps) {
    expect(step.position.line >= 1 && step.position.line <= lineCount).toBe(true);
    const refs: (string | undefined)[] = [];
    if (step.kind === 'apply' || step.kind === 'update' || step.kind === 'delete') refs.push(step.pod);
    if (step.kind === 'wait') refs.push(step.condition.pod);
    if (step.kind === 'expect') refs.push(step.expectation.pod);
    if (step.kind === 'fault' && 'pod' in step.fault) refs.push(step.fault.pod);
    for (const r of refs) if (r !== undefined) expect(pods.has(r)).toBe(true);
    if (step.kind === 'advance') expect(isMs(step.durationMs) && step.durationMs > 0).toBe(true);
    if (step.kind === 'wait') expect(isMs(step.timeoutMs) && step.timeoutMs > 0).toBe(true);
  }
  expect(isMs(s.node.kubelet.syncFrequencyMs)).toBe(true);
}

async function loadAndCheck(text: string): Promise<void> {
  const result = await loadScenarioText(text, FILE);
  const scenario = checkResult(result, text);
  if (scenario !== undefined) {
    // Re-validation: the same text loads to the same scenario.
    const again = await loadScenarioText(text, FILE);
    expect(again).toEqual(result);
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of a parsed scenario

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  let cur = value;
  for (const seg of path) cur = (cur as Record<string | number, unknown> | null)?.[seg];
  return cur;
}

function setAt(root: unknown, path: Path, next: unknown, remove = false): unknown {
  if (path.length === 0) return next;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[] | null;
  const key = path[path.length - 1] as string | number;
  if (parent === null || typeof parent !== 'object') return root;
  if (remove) {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete (parent as Record<string | number, unknown>)[key];
  } else {
    (parent as Record<string | number, unknown>)[key] = next;
  }
  return root;
}

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 400 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('30s', '1m30s', '5 min', '-1s', '0', 'web', 'app', 'Running', 'RunPodSandbox', 'SANDBOX_READY', 'kept', '10.244.0.9'),
);
const someValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }));

type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: unknown }
  | { op: 'swap'; pick: number; other: number }
  | { op: 'rename'; pick: number; name: string }
  | { op: 'duplicateStep'; pick: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: someValue }),
  fc.record({ op: fc.constant('swap' as const), pick: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), name: fc.constantFrom('pod', 'container', 'timeout', 'wait', 'x', 'name', 'state', 'manifest') }),
  fc.record({ op: fc.constant('duplicateStep' as const), pick: fc.nat() }),
);

function mutate(original: unknown, mutations: Mutation[]): unknown {
  let doc = structuredClone(original);
  for (const m of mutations) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = all[m.pick % all.length] ?? [];
    switch (m.op) {
      case 'delete':
        doc = setAt(doc, path, undefined, true);
        break;
      case 'replace':
        doc = setAt(doc, path, structuredClone(m.value));
        break;
      case 'swap': {
        const other = all[m.other % all.length] ?? [];
        const a = structuredClone(getAt(doc, path));
        const b = structuredClone(getAt(doc, other));
        // Swapping a node with its own ancestor or descendant would build a cycle.
        const related = path.every((s, i) => other[i] === s) || other.every((s, i) => path[i] === s);
        if (related) break;
        doc = setAt(doc, path, b);
        doc = setAt(doc, other, a);
        break;
      }
      case 'rename': {
        const parent = getAt(doc, path.slice(0, -1));
        const key = path[path.length - 1];
        if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && typeof key === 'string') {
          const rec = parent as Record<string, unknown>;
          rec[m.name] = rec[key];
          if (m.name !== key) delete rec[key];
        }
        break;
      }
      case 'duplicateStep': {
        const steps = getAt(doc, ['steps']);
        if (Array.isArray(steps) && steps.length > 0) steps.splice(m.pick % steps.length, 0, structuredClone(steps[m.pick % steps.length]));
        break;
      }
    }
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------

describe('scenario loader fuzzing', () => {
  // A process warning (yaml stringifying odd keys, say) would reach a learner's terminal.
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  beforeAll(() => {
    process.on('warning', onWarning);
  });
  afterAll(() => {
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });

  it('answers random text without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => loadAndCheck(text)),
      { numRuns: RUNS },
    );
  });

  it('answers YAML-ish text built from scenario fragments without throwing', async () => {
    const fragment = fc.constantFrom(
      'steps:', '  - ', 'apply: web', 'wait: {', '}', 'pods:', '- manifest:', '    ', '\t', ': ', '"', "'", '&a ', '*a', '---',
      '[', ']', 'kind: Pod', '<<: *a', '!!binary', '? ', '#', '\n', 'timeout: 30s', 'apiVersion: crilab.dev/v1alpha1',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fragment, fc.string({ maxLength: 5 })), { maxLength: 40 }), async (parts) =>
        loadAndCheck(parts.join('')),
      ),
      { numRuns: RUNS },
    );
  });

  it('answers random YAML documents without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => loadAndCheck(stringify(value))),
      { numRuns: RUNS },
    );
  });

  it('answers mutated good scenarios: rejected with problems, or accepted and consistent', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: GOOD_VALUES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (which, mutations) => {
          const text = stringify(mutate(GOOD_VALUES[which], mutations));
          const result = await loadScenarioText(text, FILE);
          if (checkResult(result, text)) accepted++;
          else rejected++;
          if (result.ok) expect(await loadScenarioText(text, FILE)).toEqual(result);
        },
      ),
      { numRuns: RUNS },
    );
    // Both outcomes happen, so the property exercised both branches.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('answers good scenarios with lines cut, doubled or shifted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: GOOD_TEXTS.length - 1 }),
        fc.array(fc.record({ line: fc.nat(), op: fc.constantFrom('cut', 'double', 'indent', 'dedent', 'truncate') }), { minLength: 1, maxLength: 3 }),
        async (which, edits) => {
          const lines = (GOOD_TEXTS[which] ?? '').split('\n');
          for (const e of edits) {
            const i = e.line % lines.length;
            const l = lines[i] ?? '';
            if (e.op === 'cut') lines.splice(i, 1);
            else if (e.op === 'double') lines.splice(i, 0, l);
            else if (e.op === 'indent') lines[i] = `  ${l}`;
            else if (e.op === 'dedent') lines[i] = l.replace(/^ {1,2}/, '');
            else lines[i] = l.slice(0, Math.floor(l.length / 2));
          }
          await loadAndCheck(lines.join('\n'));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('loads every good scenario unchanged', async () => {
    for (const text of GOOD_TEXTS) {
      const result = await loadScenarioText(text, FILE);
      expect(result.ok).toBe(true);
    }
  });
});

describe('the command line never runs a scenario that failed validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-fuzz-cli-'));
  const stderr: string[] = [];
  let restore: (() => void) | undefined;
  beforeAll(() => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    restore = () => {
      spy.mockRestore();
      out.mockRestore();
    };
  });
  afterAll(() => {
    restore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run `crilab <args>` in-process; returns the exit code its CliError carries. */
  async function crilab(args: string[]): Promise<number> {
    const program = buildProgram().exitOverride();
    try {
      await program.parseAsync(['node', 'crilab', ...args]);
      return 0;
    } catch (err) {
      if (err instanceof CliError) return err.exitCode;
      throw err;
    }
  }

  it.each([['run'], ['record', '-o', '/dev/null'], ['test'], ['run', '--backend', 'containerd']])('crilab %s bad.yaml: exit 2, the problems on stderr, no backend opened', async (...args) => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, (GOOD_TEXTS[0] ?? '').replace('apply: web', 'apply: wbe'));
    stderr.length = 0;
    const [command, ...rest] = args;
    expect(await crilab([command!, bad, ...rest])).toBe(EXIT_BAD_INPUT);
    expect(backendSpy.opened).toBe(0);
    expect(stderr.join('')).toMatch(/bad\.yaml:\d+:\d+: unknown pod "wbe"/);
  });

  it('crilab run on mutated scenarios that do not validate: always exit 2, never a backend', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: GOOD_VALUES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, mutations) => {
        const text = stringify(mutate(GOOD_VALUES[which], mutations));
        // Only the files the loader rejects: a valid mutation would (rightly) be run.
        if ((await loadScenarioText(text, FILE)).ok) return;
        tried++;
        const file = join(dir, `m${tried}.yaml`);
        writeFileSync(file, text);
        expect(await crilab(['run', file])).toBe(EXIT_BAD_INPUT);
        expect(backendSpy.opened).toBe(0);
      }),
      { numRuns: Math.min(RUNS, 150) },
    );
    expect(tried).toBeGreaterThan(0);
  });
});
