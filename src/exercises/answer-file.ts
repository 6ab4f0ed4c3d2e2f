import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CRI_METHODS } from '../scenario/schema/cri-methods.js';

/** Reading an answer file failed in a way the learner must fix before anything is checked. */
export class AnswerFileError extends Error {}

export async function readAnswerText(file: string | undefined): Promise<string> {
  if (file === undefined) throw new AnswerFileError('this exercise needs an answer file: crilab exercise check N ANSWER-FILE');
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AnswerFileError(`${file}: no such file`);
    if (code === 'EISDIR') throw new AnswerFileError(`${file}: is a directory, expected a file`);
    throw new AnswerFileError(`${file}: cannot be read (${code ?? String(err)})`);
  }
}

/** Lines without comments (`#` to the end of the line) and blank lines, trimmed. */
export function answerLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
}

/**
 * A list of words from an answer file: one per line, or a YAML list (`- RunPodSandbox` or
 * `[a, b]`), or separated by commas or blanks on one line.
 */
export function parseWordList(text: string): string[] {
  const lines = answerLines(text);
  if (lines.length === 0) return [];
  try {
    const y: unknown = parse(text);
    if (Array.isArray(y)) return y.map((v) => String(v).trim()).filter((v) => v !== '');
  } catch {
    // Not YAML: fall through to the plain forms.
  }
  return lines.flatMap((l) => l.replace(/^-\s+/, '').split(/[\s,]+/)).filter((w) => w !== '');
}

/** A list of CRI method names; a word that is not one is a bad answer, with a suggestion. */
export function parseRpcList(file: string, text: string): string[] {
  const words = parseWordList(text);
  if (words.length === 0) throw new AnswerFileError(`${file}: no RPC names found, expected one CRI method name per line (RunPodSandbox, …)`);
  const known = new Map(CRI_METHODS.map((m) => [m.toLowerCase(), m as string]));
  return words.map((w, i) => {
    const bare = w.replace(/^runtime\.v1\.(RuntimeService|ImageService)\//, '').replace(/\(\)$/, '');
    const m = known.get(bare.toLowerCase());
    if (!m) {
      const near = closest(bare, [...known.values()]);
      throw new AnswerFileError(`${file}: item ${i + 1} "${w}" is not a CRI method${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    return m;
  });
}

/** A single choice such as `b` or `(b)` or `answer: b`. */
export function parseChoice(file: string, text: string, options: readonly string[]): string {
  const lines = answerLines(text);
  const first = lines[0]?.replace(/^answer\s*[:=]\s*/i, '').replace(/[()[\].]/g, '').trim().toLowerCase();
  if (!first) throw new AnswerFileError(`${file}: empty, expected one of ${options.join(', ')}`);
  if (!options.includes(first)) throw new AnswerFileError(`${file}: "${lines[0]}" is not one of the choices ${options.join(', ')}`);
  return first;
}

/** A list of numbers (seconds), e.g. `0 10 20` or one per line; `10s` is accepted. */
export function parseNumberList(file: string, text: string): number[] {
  const words = parseWordList(text);
  if (words.length === 0) throw new AnswerFileError(`${file}: no numbers found`);
  return words.map((w, i) => {
    const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(w);
    if (!m) throw new AnswerFileError(`${file}: item ${i + 1} "${w}" is not a number of seconds`);
    return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  });
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word, c);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
