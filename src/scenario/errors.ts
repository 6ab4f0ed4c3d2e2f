/**
 * Problems found while loading a scenario, and the words used to describe them. Every message
 * reads "what is wrong, what was expected", and is printed as one line
 * `file:line:column: message`, the format compilers use so that editors and terminals can jump
 * to the spot.
 */
import type { z } from 'zod';

/** Exit status of a command given a scenario that does not load (as for a usage error). */
export const EXIT_INVALID_SCENARIO = 2;

export interface Problem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Sorts problems by file, then position, so output reads top to bottom. */
export function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

export type PathSegment = string | number;

/**
 * Marks an issue whose message the loader must write, because the schema that raised it does
 * not know where it sits (zod builds the path afterwards). Schemas that know better give their
 * own message.
 */
export const NEEDS_MESSAGE = '\u0000crilab:needs-message';

/** Parse options used for every scenario schema parse, nested ones included. */
export const PARSE_PARAMS = { error: () => NEEDS_MESSAGE, reportInput: true } as const;

/** Structured details schemas attach to custom issues, for the loader to phrase. */
export type IssueDetail =
  | { problem: 'unknown-key'; key: string; allowed: readonly string[]; typeName?: string }
  | { problem: 'bad-value'; expected: string }
  /** A required value is absent; the key is the last path segment. */
  | { problem: 'missing-value'; expected: string };

// ---------------------------------------------------------------------------------------------
// Words

/** How a value found in the file is named in a message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** A value quoted the way it appears in YAML, for "bad value X" messages. */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describeValue(value);
}

const EXPECTED_TYPE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
  map: 'a mapping',
  null: 'an empty value',
};

export function expectedTypePhrase(expected: string): string {
  return EXPECTED_TYPE[expected] ?? expected;
}

export function listWords(words: readonly string[]): string {
  return words.join(', ');
}

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), since
 * `wbe` for `web` is the typo people make. Small inputs only (keys, names, enum values).
 */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The allowed word closest to what was written, if it is close enough to be a typo (case and
 * a third of the letters may differ).
 */
export function closest(written: string, allowed: readonly string[]): string | undefined {
  const w = written.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(written.length / 3));
  return best !== undefined && bestDistance <= limit && best !== written ? best : undefined;
}

export function didYouMean(written: string, allowed: readonly string[]): string {
  const c = closest(written, allowed);
  return c === undefined ? '' : ` (did you mean ${JSON.stringify(c)}?)`;
}

// ---------------------------------------------------------------------------------------------
// Where an issue sits, in words

function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s);
}

/** `spec.containers[0].image`, quoting keys that are not plain words. */
export function dottedPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (isIdentifier(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `${out === '' ? '' : '.'}${JSON.stringify(seg)}`;
  }
  return out;
}

export interface LocationContext {
  /** The path is inside a pod manifest file, whose root is the Pod itself. */
  manifestFile?: boolean;
}

/** Names the mapping or list that `path` points to, as a learner would say it. */
export function describeWhere(path: readonly PathSegment[], ctx: LocationContext = {}): string {
  if (ctx.manifestFile) return path.length === 0 ? 'the Pod manifest' : dottedPath(path);
  if (path.length === 0) return 'the scenario';
  const [head, index, ...rest] = path;
  if (head === 'steps' && typeof index === 'number') {
    if (rest.length === 0) return `step ${index + 1}`;
    const [stepKey, ...inner] = rest;
    if (inner.length === 0) return `the ${String(stepKey)} step`;
    const m = inner.indexOf('manifest');
    if (m >= 0) return m === inner.length - 1 ? 'the manifest' : dottedPath(inner.slice(m + 1));
    if (stepKey === 'fault' && inner.length === 1) return `the ${String(inner[0])} fault`;
    return `${String(stepKey)}.${dottedPath(inner)}`;
  }
  if (head === 'pods' && typeof index === 'number') {
    if (rest[0] === 'manifest') return rest.length === 1 ? 'the manifest' : dottedPath(rest.slice(1));
    return dottedPath(path);
  }
  return dottedPath(path);
}

/** Names the value at `path`: `"image"`, or `containers[1]` for a list item. */
export function describeSubject(path: readonly PathSegment[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the scenario';
  if (typeof last === 'number') return `item ${last + 1}`;
  return JSON.stringify(last);
}

// ---------------------------------------------------------------------------------------------
// Zod issues → messages

/** Beyond this many allowed values a message names a few and relies on "did you mean". */
const LONG_LIST = 12;

const ROOT_EXPECTED =
  'a mapping with apiVersion, kind, metadata, title, teaches, pods and steps (see docs/scenarios.md)';

function isLeafPath(path: readonly PathSegment[]): boolean {
  return path.length > 0;
}

/**
 * Phrases one zod issue. Schemas that wrote their own message keep it; the rest (marked with
 * NEEDS_MESSAGE) are phrased here, now that the full path is known.
 */
export function messageForIssue(issue: z.core.$ZodIssue, ctx: LocationContext = {}): string {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const detail = (issue as { params?: unknown }).params as IssueDetail | undefined;
  const parent = path.slice(0, -1);
  const subject = describeSubject(path);
  const where = describeWhere(parent, ctx);
  const input = (issue as { input?: unknown }).input;

  // A schema that wrote its own message knows best.
  if (issue.message !== NEEDS_MESSAGE && issue.message !== undefined) return issue.message;
  if (issue.code === 'custom' && detail?.problem === 'missing-value') {
    return `missing key ${subject} in ${where}, expected ${detail.expected}`;
  }
  if (issue.code === 'custom' && detail?.problem === 'bad-value') {
    return `bad value ${quoteValue(input)} for ${subject} in ${where}, expected ${detail.expected}`;
  }
  if (issue.code === 'custom' && detail?.problem === 'unknown-key') {
    const here = describeWhere(parent, ctx);
    const hint = didYouMean(detail.key, detail.allowed);
    if (detail.typeName !== undefined) {
      return `unknown key ${JSON.stringify(detail.key)} in ${here}, expected a field of ${detail.typeName}${hint || ` (see kubectl explain)`}`;
    }
    return `unknown key ${JSON.stringify(detail.key)} in ${here}, expected one of: ${listWords(detail.allowed)}${hint}`;
  }

  switch (issue.code) {
    case 'invalid_type': {
      const expected = expectedTypePhrase(issue.expected);
      if (!isLeafPath(path) && !ctx.manifestFile) {
        return `the scenario file holds ${describeValue(input)}, expected ${ROOT_EXPECTED}`;
      }
      if (!isLeafPath(path)) return `the manifest file holds ${describeValue(input)}, expected a v1 Pod mapping`;
      if (input === undefined) return `missing key ${subject} in ${where}, expected ${expected}`;
      return `wrong type for ${subject} in ${where}: got ${describeValue(input)}, expected ${expected}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      if (input === undefined) return `missing key ${subject} in ${where}, expected ${listWords(allowed)}`;
      const hint = typeof input === 'string' ? didYouMean(input, allowed) : '';
      const expected =
        allowed.length === 1
          ? (allowed[0] ?? '')
          : allowed.length > LONG_LIST
            ? `one of ${allowed.length} values such as ${listWords(allowed.slice(0, 3))}`
            : `one of: ${listWords(allowed)}`;
      return `bad value ${quoteValue(input)} for ${subject} in ${where}, expected ${expected}${hint}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `${subject} in ${where} is empty, expected at least ${min} item${min === 1 ? '' : 's'}`;
      }
      if (issue.origin === 'string') return `${subject} in ${where} is empty, expected some text`;
      return `${subject} in ${where} is ${quoteValue(input)}, expected ${issue.inclusive ? 'at least' : 'more than'} ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `${subject} in ${where} has too many items, expected at most ${max}`;
      }
      if (issue.origin === 'string') return `${subject} in ${where} is too long, expected at most ${max} characters`;
      return `${subject} in ${where} is ${quoteValue(input)}, expected ${issue.inclusive ? 'at most' : 'less than'} ${max}`;
    }
    case 'not_multiple_of':
      return `${subject} in ${where} is ${quoteValue(input)}, expected a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return `bad value ${quoteValue(input)} for ${subject} in ${where}, expected ${issue.format}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} in ${describeWhere(path, ctx)}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
    default:
      return `bad value ${quoteValue(input)} for ${subject} in ${where}`;
  }
}
