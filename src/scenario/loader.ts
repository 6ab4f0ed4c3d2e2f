/**
 * Loads a scenario file: YAML with positions (the `yaml` package), then the zod schema, then
 * the checks across the scenario, then the manifest files it points to. Every failure becomes
 * a Problem at the file, line and column of the value at fault; the loader never throws and
 * never returns a scenario that failed any check, so nothing runs from a bad file.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { z } from 'zod';
import { formatDuration } from './duration.js';
import {
  compareProblems,
  formatProblem,
  messageForIssue,
  PARSE_PARAMS,
  type IssueDetail,
  type LocationContext,
  type PathSegment,
  type Problem,
} from './errors.js';
import { isPlainObject } from './schema/common.js';
import { crossCheck, type CheckedPod, type PathProblem } from './schema/cross-checks.js';
import { podManifestSchema } from './schema/pod-manifest.js';
import { nodeSchema, podsSchema, registrySchema, scenarioSchema, type SchemaPod, type SchemaScenario } from './schema/scenario.js';
import { stepSchema, type SchemaStep } from './schema/steps.js';
import type { Scenario, ScenarioPod, SourcePosition, Step, V1Pod } from './types.js';

export { formatProblem, type Problem } from './errors.js';

export type LoadResult = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

export interface LoadOptions {
  /** Reads a file the scenario refers to (manifestFile); defaults to the filesystem. */
  readFile?: (path: string) => Promise<string>;
}

/** Most aliases a scenario may expand, against "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

// ---------------------------------------------------------------------------------------------
// YAML with positions

interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

function positionAt(lines: LineCounter, offset: number): SourcePosition {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** Rewrites the yaml library's messages as "what is wrong, what was expected". */
function yamlMessage(code: string, message: string, text: string, pos: [number, number]): string {
  const plain = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  switch (code) {
    case 'DUPLICATE_KEY': {
      const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:,{}[\]\n]+))/.exec(text.slice(pos[0]));
      const key = (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim();
      return `duplicate key ${JSON.stringify(key)}, expected each key once in a mapping`;
    }
    case 'MULTIPLE_DOCS':
      return 'a second YAML document starts here, expected one document per file';
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation, expected spaces';
    default: {
      const first = plain.charAt(0).toLowerCase() + plain.slice(1);
      return `bad YAML: ${first.replace(/\.$/, '')}`;
    }
  }
}

function parseYaml(text: string, file: string): { yaml?: ParsedYaml; problems: Problem[] } {
  const lines = new LineCounter();
  const problems: Problem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    return { problems: [{ file, line: 1, column: 1, message: `cannot parse YAML: ${errorText(err)}` }] };
  }
  // One YAML mistake often trips several errors on the same line; the first names it best.
  const linesSeen = new Set<number>();
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = positionAt(lines, e.pos[0]);
    if (linesSeen.has(p.line)) continue;
    linesSeen.add(p.line);
    problems.push({ file, ...p, message: yamlMessage(e.code, e.message, text, e.pos) });
  }
  if (problems.length > 0) return { problems };
  // A mapping, list or binary used as a key (`? [a, b]: c`) has no JSON form; yaml would
  // stringify it with a process warning. No scenario field takes one, so say so at the key.
  visit(doc, {
    Pair(_, pair) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      const binaryKey = isScalar(key) && typeof key.value === 'object' && key.value !== null;
      if ((isCollection(key) || binaryKey) && isNode(pair.key)) {
        problems.push({ file, ...rangeStartIn(lines, pair.key), message: 'a mapping, list or binary value is used as a key, expected a plain word' });
      }
      // JavaScript would take `__proto__` as the object's prototype instead of a key.
      if (isScalar(key) && key.value === '__proto__' && isNode(pair.key)) {
        problems.push({ file, ...rangeStartIn(lines, pair.key), message: 'the key "__proto__" is not allowed, expected a field name' });
      }
    },
  });
  if (problems.length > 0) return { problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { problems: [{ file, line: 1, column: 1, message: `cannot read the YAML: ${errorText(err)}` }] };
  }
  return { yaml: { file, doc, lines, value }, problems };
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return String(key);
}

/**
 * The position of the node at `path`: its value, or its key when `at` is 'key'. A path that
 * leads nowhere (a missing key) gives the deepest mapping or list on the way.
 */
function locate(yaml: ParsedYaml, path: readonly PathSegment[], at?: 'key'): SourcePosition {
  const { doc, lines } = yaml;
  let node: unknown = doc.contents;
  let deepest: Node | undefined = isNode(node) ? node : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(seg));
      if (pair === undefined) break;
      node = pair.value;
      if (i === path.length - 1) {
        if (at === 'key' && isNode(pair.key)) return rangeStart(yaml, pair.key);
        // `key:` with nothing after it: point at the key, the empty value has no useful place.
        if (!isNode(node) || (isScalar(node) && node.value === null && node.source === '')) {
          return isNode(pair.key) ? rangeStart(yaml, pair.key) : positionAt(lines, 0);
        }
        return rangeStart(yaml, node);
      }
      if (isNode(node)) deepest = node;
      else if (isNode(pair.key)) return rangeStart(yaml, pair.key);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!isNode(item)) break;
      node = item;
      deepest = item;
      if (i === path.length - 1) return rangeStart(yaml, item);
    } else {
      break;
    }
  }
  if (path.length === 0 && isNode(node)) return rangeStart(yaml, node);
  return deepest ? rangeStart(yaml, deepest) : positionAt(lines, 0);
}

function isNode(x: unknown): x is Node {
  return (isScalar(x) || isMap(x) || isSeq(x) || isAlias(x)) && !isPair(x);
}

function rangeStart(yaml: ParsedYaml, node: Node): SourcePosition {
  return rangeStartIn(yaml.lines, node);
}

function rangeStartIn(lines: LineCounter, node: Node): SourcePosition {
  return positionAt(lines, node.range?.[0] ?? 0);
}

function issuesToProblems(yaml: ParsedYaml, issues: readonly z.core.$ZodIssue[], ctx: LocationContext = {}): Problem[] {
  return issues.map((issue) => {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const detail = (issue as { params?: IssueDetail }).params;
    const isKey = issue.code === 'custom' && detail?.problem === 'unknown-key';
    const pos = locate(yaml, path, isKey ? 'key' : undefined);
    return { file: yaml.file, ...pos, message: messageForIssue(issue, ctx) };
  });
}

function pathProblems(yaml: ParsedYaml, problems: readonly PathProblem[]): Problem[] {
  return problems.map((p) => ({ file: yaml.file, ...locate(yaml, p.path, p.at), message: p.message }));
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function readError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return errorText(err);
}

// ---------------------------------------------------------------------------------------------
// Manifest files

type ManifestLoad = { manifest: V1Pod; file: string } | { problems: Problem[] };

async function loadManifestFile(
  yaml: ParsedYaml,
  ref: string,
  refPath: PathSegment[],
  read: (path: string) => Promise<string>,
): Promise<ManifestLoad> {
  const file = isAbsolute(ref) ? ref : join(dirname(yaml.file), ref);
  let text: string;
  try {
    text = await read(file);
  } catch (err) {
    return {
      problems: [
        { file: yaml.file, ...locate(yaml, refPath), message: `cannot read manifestFile ${JSON.stringify(ref)} (${file}): ${readError(err)}, expected a v1 Pod YAML file` },
      ],
    };
  }
  const parsed = parseYaml(text, file);
  if (parsed.yaml === undefined) return { problems: parsed.problems };
  const result = podManifestSchema.safeParse(parsed.yaml.value, PARSE_PARAMS);
  if (!result.success) return { problems: issuesToProblems(parsed.yaml, result.error.issues, { manifestFile: true }) };
  return { manifest: result.data, file };
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Reads and loads a scenario file. Problems name `path` as given (relative stays relative). */
export async function loadScenarioFile(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const read = options.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  let text: string;
  try {
    text = await read(path);
  } catch (err) {
    return { ok: false, problems: [{ file: path, line: 1, column: 1, message: `cannot read the scenario: ${readError(err)}` }] };
  }
  return loadScenarioText(text, path, options);
}

/**
 * Loads scenario text. `fileName` names the text in problems and anchors relative
 * `manifestFile` paths (they are read through `options.readFile`). Never throws.
 */
export async function loadScenarioText(text: string, fileName: string, options: LoadOptions = {}): Promise<LoadResult> {
  try {
    return await load(text, fileName, options);
  } catch (err) {
    // A bug in crilab, not in the scenario; still a problem, never a crash mid-command.
    return {
      ok: false,
      problems: [{ file: fileName, line: 1, column: 1, message: `internal error while loading the scenario: ${errorText(err)}` }],
    };
  }
}

async function load(text: string, file: string, options: LoadOptions): Promise<LoadResult> {
  const read = options.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const parsed = parseYaml(text, file);
  if (parsed.yaml === undefined) return fail(parsed.problems);
  const yaml = parsed.yaml;
  const raw = yaml.value;
  const problems: Problem[] = [];

  const whole = scenarioSchema.safeParse(raw, PARSE_PARAMS);
  let scenario: SchemaScenario | undefined;
  if (whole.success) scenario = whole.data;
  else problems.push(...issuesToProblems(yaml, whole.error.issues));

  // When the whole did not parse, check what did, so one run reports as much as it can.
  const rawObj = isPlainObject(raw) ? raw : {};
  const pods: SchemaPod[] | undefined =
    scenario?.pods ?? (() => {
      const r = podsSchema.safeParse(rawObj.pods ?? [], PARSE_PARAMS);
      return r.success ? r.data : undefined;
    })();
  const steps: (SchemaStep | undefined)[] =
    scenario?.steps ??
    (Array.isArray(rawObj.steps)
      ? rawObj.steps.map((s) => {
          const r = stepSchema.safeParse(s, PARSE_PARAMS);
          return r.success ? r.data : undefined;
        })
      : []);
  const nodeAndRegistry = scenario ?? partialSettings(rawObj);

  // Manifest files: load each once, report its problems in its own file.
  const loaded = new Map<string, Promise<ManifestLoad>>();
  const loadOnce = (ref: string, refPath: PathSegment[]) => {
    let p = loaded.get(ref);
    if (p === undefined) {
      p = loadManifestFile(yaml, ref, refPath, read);
      loaded.set(ref, p);
    }
    return p;
  };
  const reported = new Set<Promise<ManifestLoad>>();
  const take = async (ref: string, refPath: PathSegment[]): Promise<{ manifest: V1Pod; file: string } | undefined> => {
    const promise = loadOnce(ref, refPath);
    const r = await promise;
    if ('problems' in r) {
      if (!reported.has(promise)) problems.push(...r.problems);
      reported.add(promise);
      return undefined;
    }
    return r;
  };

  const checkedPods: (CheckedPod & { manifestFile?: string })[] | undefined = pods
    ? await Promise.all(
        pods.map(async (p, i) => {
          let manifest = p.manifest;
          let manifestFile: string | undefined;
          if (p.manifestFile !== undefined) {
            const r = await take(p.manifestFile, ['pods', i, 'manifestFile']);
            manifest = r?.manifest;
            manifestFile = r?.file;
          }
          const name = p.name ?? manifest?.metadata?.name;
          const namePath: PathSegment[] =
            p.name !== undefined ? ['pods', i, 'name'] : p.manifestFile !== undefined ? ['pods', i, 'manifestFile'] : ['pods', i, 'manifest', 'metadata', 'name'];
          return { name, source: p.source, manifest, namePath, ...(manifestFile !== undefined && { manifestFile }) };
        }),
      )
    : undefined;

  const resolvedSteps: (SchemaStep | undefined)[] = await Promise.all(
    steps.map(async (s, i) => {
      if (s?.kind !== 'update' || s.manifestFile === undefined) return s;
      const r = await take(s.manifestFile, ['steps', i, 'update', 'manifestFile']);
      return r ? { ...s, manifest: r.manifest, manifestFile: r.file } : undefined;
    }),
  );

  problems.push(
    ...pathProblems(
      yaml,
      crossCheck({ node: nodeAndRegistry.node, registry: nodeAndRegistry.registry, pods: checkedPods, steps: resolvedSteps }),
    ),
  );

  if (problems.length > 0 || scenario === undefined || checkedPods === undefined) return fail(problems);
  return { ok: true, scenario: finish(yaml, scenario, checkedPods, resolvedSteps) };
}

function partialSettings(raw: Record<string, unknown>): Pick<Partial<SchemaScenario>, 'node' | 'registry'> {
  // The cross-checks need the node's pod CIDR and images and the registry; parse them alone.
  const node = nodeSchema.safeParse(raw.node ?? {}, PARSE_PARAMS);
  const registry = registrySchema.safeParse(raw.registry ?? {}, PARSE_PARAMS);
  return { ...(node.success && { node: node.data }), ...(registry.success && { registry: registry.data }) };
}

function fail(problems: Problem[]): LoadResult {
  const unique = new Map<string, Problem>();
  for (const p of problems) unique.set(formatProblem(p), p);
  return { ok: false, problems: [...unique.values()].sort(compareProblems) };
}

function finish(
  yaml: ParsedYaml,
  s: SchemaScenario,
  pods: (CheckedPod & { manifestFile?: string })[],
  steps: (SchemaStep | undefined)[],
): Scenario {
  const scenarioPods: ScenarioPod[] = pods.map((p, i) => ({
    name: p.name ?? '',
    source: p.source,
    manifest: p.manifest ?? {},
    ...(p.manifestFile !== undefined && { manifestFile: p.manifestFile }),
    position: locate(yaml, ['pods', i]),
  }));
  const sourceOf = new Map(scenarioPods.map((p) => [p.name, p.source]));
  const finalSteps: Step[] = steps.map((step, i) => {
    const position = locate(yaml, ['steps', i]);
    if (step === undefined) throw new Error(`step ${i + 1} did not parse`);
    switch (step.kind) {
      case 'apply':
        return { kind: 'apply', pod: step.pod, source: step.source ?? sourceOf.get(step.pod) ?? 'file', position };
      case 'update':
        return {
          kind: 'update',
          pod: step.pod,
          manifest: step.manifest ?? {},
          ...(step.manifestFile !== undefined && { manifestFile: step.manifestFile }),
          position,
        };
      default:
        return { ...step, position };
    }
  });
  return {
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: s.metadata,
    title: s.title,
    teaches: s.teaches,
    seed: s.seed,
    node: s.node,
    registry: s.registry,
    pods: scenarioPods,
    steps: finalSteps,
    file: yaml.file,
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries

/** One line describing a step, for the step trace event and the UI's step list. */
export function stepSummary(step: Step): string {
  switch (step.kind) {
    case 'narrate':
      return step.text.length > 60 ? `${step.text.slice(0, 57)}...` : step.text;
    case 'apply':
      return `apply pod ${step.pod} (${step.source} source)`;
    case 'update':
      return `update pod ${step.pod}`;
    case 'delete':
      return `delete pod ${step.pod}${step.gracePeriodSeconds !== undefined ? ` (grace ${step.gracePeriodSeconds}s)` : ''}`;
    case 'advance':
      return `advance the clock ${formatDuration(step.durationMs)}`;
    case 'wait':
      return `wait until ${describeCondition(step.condition)} (timeout ${formatDuration(step.timeoutMs)})`;
    case 'fault':
      return `fault: ${describeFault(step.fault)}`;
    case 'expect':
      return `expect ${describeExpectation(step.expectation)}`;
  }
}

function describeCondition(c: Extract<Step, { kind: 'wait' }>['condition']): string {
  switch (c.kind) {
    case 'pod':
      return `pod ${c.pod}${c.phase ? ` is ${c.phase}` : ''}${c.ready !== undefined ? `${c.phase ? ' and' : ''} ${c.ready ? 'ready' : 'not ready'}` : ''}`;
    case 'container':
      return `container ${c.pod}/${c.container} ${containerChecks(c)}`;
    case 'call':
      return `${c.count > 1 ? `call #${c.count} of ` : ''}${c.call}${c.pod ? ` for ${c.pod}${c.container ? `/${c.container}` : ''}` : ''}${c.failed === true ? ' fails' : c.failed === false ? ' succeeds' : ' is seen'}`;
    case 'machine':
      return `${c.machine} machine of ${c.image ?? `${c.pod ?? ''}${c.container ? `/${c.container}` : ''}`} is ${c.state}`;
    case 'event':
      return `event ${c.reason}${c.pod ? ` for ${c.pod}` : ''}`;
  }
}

function containerChecks(c: { state?: string; reason?: string; restartCount?: number; exitCode?: number; ready?: boolean }): string {
  const parts: string[] = [];
  if (c.state) parts.push(c.state);
  if (c.reason) parts.push(`reason ${c.reason}`);
  if (c.restartCount !== undefined) parts.push(`restartCount ${c.restartCount}`);
  if (c.exitCode !== undefined) parts.push(`exit code ${c.exitCode}`);
  if (c.ready !== undefined) parts.push(c.ready ? 'ready' : 'not ready');
  return parts.join(', ');
}

function describeFault(f: Extract<Step, { kind: 'fault' }>['fault']): string {
  switch (f.kind) {
    case 'crash':
      return `container ${f.pod}/${f.container} crashes with exit code ${f.exitCode}`;
    case 'oomKill':
      return `container ${f.pod}/${f.container} is OOM-killed`;
    case 'killPause':
      return `the pause container of ${f.pod} dies`;
    case 'cniAddFails':
      return `CNI ADD fails ${f.times}×${f.pod ? ` for ${f.pod}` : ''}`;
    case 'imagePullFails':
      return `pulling ${f.image} fails ${f.times}×`;
    case 'imagePullSlow':
      return `pulling ${f.image} takes ${formatDuration(f.pullTimeMs)}`;
    case 'runtimeStop':
      return 'the runtime stops';
    case 'runtimeStart':
      return 'the runtime starts';
    case 'runtimeRestart':
      return `the runtime restarts${f.downForMs ? ` after ${formatDuration(f.downForMs)} down` : ''}`;
    case 'kubeletStop':
      return 'the kubelet stops';
    case 'kubeletStart':
      return 'the kubelet starts';
    case 'kubeletRestart':
      return `the kubelet restarts${f.downForMs ? ` after ${formatDuration(f.downForMs)} down` : ''}`;
    case 'probeFails':
      return `the ${f.probe} probe of ${f.pod}/${f.container} fails${f.times !== undefined ? ` ${f.times}×` : ''}`;
  }
}

function describeExpectation(e: Extract<Step, { kind: 'expect' }>['expectation']): string {
  switch (e.kind) {
    case 'pod': {
      const parts: string[] = [];
      if (e.phase) parts.push(e.phase);
      if (e.ready !== undefined) parts.push(e.ready ? 'ready' : 'not ready');
      if (e.restartCount !== undefined) {
        parts.push(
          typeof e.restartCount === 'number'
            ? `${e.restartCount} restarts`
            : Object.entries(e.restartCount).map(([c, n]) => `${c} restarted ${n}×`).join(', '),
        );
      }
      if (e.ip) parts.push(e.ip.kind === 'equals' ? `IP ${e.ip.ip}` : `IP ${e.ip.kind}`);
      if (e.netns) parts.push(`netns ${e.netns}`);
      return `pod ${e.pod}: ${parts.join(', ')}`;
    }
    case 'container':
      return `container ${e.pod}/${e.container}: ${containerChecks(e)}${e.started !== undefined ? `, ${e.started ? 'started' : 'not started'}` : ''}`;
    case 'calls': {
      const parts: string[] = [];
      if (e.calls.length) parts.push(`${e.order === 'set' ? 'calls' : `calls in ${e.order} order`}: ${e.calls.join(', ')}`);
      if (e.absent.length) parts.push(`no ${e.absent.join(', ')}`);
      return `${parts.join('; ')}${e.pod ? ` for ${e.pod}` : ''}`;
    }
    case 'machine':
      return `${e.machine} machine of ${e.image ?? `${e.pod ?? ''}${e.container ? `/${e.container}` : ''}`} in ${e.state}`;
    case 'event':
      return e.count === 0 ? `no ${e.reason} event` : `event ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}${e.pod ? ` for ${e.pod}` : ''}`;
  }
}

export interface ScenarioSummary {
  name: string;
  title: string;
  pods: string[];
  steps: number;
  /** Steps per kind, e.g. `{ wait: 3, expect: 4 }`. */
  stepKinds: Partial<Record<Step['kind'], number>>;
  faults: string[];
  /** Simulated time the `advance` steps add (waits come on top). */
  advancedMs: number;
  /** One line: `first-pod: The first pod — 1 pod, 9 steps, 2 faults`. */
  text: string;
}

export function scenarioSummary(scenario: Scenario): ScenarioSummary {
  const stepKinds: Partial<Record<Step['kind'], number>> = {};
  const faults: string[] = [];
  let advancedMs = 0;
  for (const step of scenario.steps) {
    stepKinds[step.kind] = (stepKinds[step.kind] ?? 0) + 1;
    if (step.kind === 'fault') faults.push(step.fault.kind);
    if (step.kind === 'advance') advancedMs += step.durationMs;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const text = `${scenario.metadata.name}: ${scenario.title} — ${plural(scenario.pods.length, 'pod')}, ${plural(scenario.steps.length, 'step')}, ${plural(faults.length, 'fault')}`;
  return {
    name: scenario.metadata.name,
    title: scenario.title,
    pods: scenario.pods.map((p) => p.name),
    steps: scenario.steps.length,
    stepKinds,
    faults,
    advancedMs,
    text,
  };
}
