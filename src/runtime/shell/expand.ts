import type { List, Word, WordPart } from './ast.js';
import { ArithError, evaluateArithmetic } from './arith.js';

/** What word expansion needs from the shell. */
export interface ExpandHost {
  /** A parameter's value; undefined when unset. Handles $?, $$, $1… and variables. */
  param(name: string): string | undefined;
  /** The positional parameters ($1 …), for "$@" and $*. */
  positional(): string[];
  setVar(name: string, value: string): void;
  /** Run `body` in a subshell and return its standard output. */
  commandSubstitution(body: List): Promise<string>;
  /** An expansion error: ash prints it and a non-interactive shell exits with status 2. */
  fatal(message: string): never;
}

type Segment = { kind: 'text'; text: string; split: boolean; quoted: boolean } | { kind: 'break' };

const IFS_WHITESPACE = /[ \t\n]/;

/** Expand a word into fields (parameter, command and arithmetic expansion, then field splitting). No globbing. */
export async function expandFields(word: Word, host: ExpandHost): Promise<string[]> {
  const segs = await segments(word.parts, host);
  const fields: string[] = [];
  let cur = '';
  let started = false;
  for (const s of segs) {
    if (s.kind === 'break') {
      fields.push(cur);
      cur = '';
      started = true;
      continue;
    }
    if (!s.split) {
      cur += s.text;
      if (s.quoted || s.text !== '') started = true;
      continue;
    }
    for (const ch of s.text) {
      if (IFS_WHITESPACE.test(ch)) {
        if (started) fields.push(cur);
        cur = '';
        started = false;
      } else {
        cur += ch;
        started = true;
      }
    }
  }
  if (started) fields.push(cur);
  else if (fields.length === 0 && word.hasQuotes && !onlyQuotedAt(word)) fields.push('');
  return fields;
}

/** Expand a word to one string (assignments, redirection targets): no field splitting. */
export async function expandString(word: Word, host: ExpandHost): Promise<string> {
  const segs = await segments(word.parts, host);
  return segs.map((s) => (s.kind === 'break' ? ' ' : s.text)).join('');
}

function onlyQuotedAt(word: Word): boolean {
  return word.parts.length > 0 && word.parts.every((p) => p.kind === 'param' && p.quoted && (p.name === '@'));
}

async function segments(parts: WordPart[], host: ExpandHost): Promise<Segment[]> {
  const out: Segment[] = [];
  for (const p of parts) {
    switch (p.kind) {
      case 'lit':
        out.push({ kind: 'text', text: p.value, split: false, quoted: p.quoted });
        break;
      case 'cmdsub': {
        const text = (await host.commandSubstitution(p.body)).replace(/\n+$/, '');
        out.push({ kind: 'text', text, split: !p.quoted, quoted: p.quoted });
        break;
      }
      case 'arith': {
        const expr = await expandString(p.expr, host);
        let value: number;
        try {
          value = evaluateArithmetic(expr, { get: (n) => host.param(n), set: (n, v) => host.setVar(n, v) });
        } catch (e) {
          if (e instanceof ArithError) host.fatal(e.message);
          throw e;
        }
        out.push({ kind: 'text', text: String(value), split: !p.quoted, quoted: p.quoted });
        break;
      }
      case 'param':
        if ((p.name === '@' || p.name === '*') && !p.op && !p.length) {
          const args = host.positional();
          if (p.quoted && p.name === '@') {
            args.forEach((a, i) => {
              if (i > 0) out.push({ kind: 'break' });
              out.push({ kind: 'text', text: a, split: false, quoted: true });
            });
          } else {
            out.push({ kind: 'text', text: args.join(' '), split: !p.quoted, quoted: p.quoted });
          }
          break;
        }
        out.push({ kind: 'text', text: await paramValue(p, host), split: !p.quoted, quoted: p.quoted });
        break;
    }
  }
  return out;
}

async function paramValue(p: Extract<WordPart, { kind: 'param' }>, host: ExpandHost): Promise<string> {
  const value = p.name === '@' || p.name === '*' ? host.positional().join(' ') : host.param(p.name);
  if (p.length) return String((value ?? '').length);
  if (!p.op) return value ?? '';
  const colon = p.op.startsWith(':');
  const missing = value === undefined || (colon && value === '');
  const arg = async (): Promise<string> => (p.arg ? expandString(p.arg, host) : '');
  switch (p.op) {
    case ':-':
    case '-':
      return missing ? arg() : (value ?? '');
    case ':=':
    case '=': {
      if (!missing) return value ?? '';
      const v = await arg();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) host.fatal(`${p.name}: bad variable name`);
      host.setVar(p.name, v);
      return v;
    }
    case ':+':
    case '+':
      return missing ? '' : arg();
    case ':?':
    case '?': {
      if (!missing) return value ?? '';
      const msg = await arg();
      host.fatal(`${p.name}: ${msg || (colon ? 'parameter not set or null' : 'parameter not set')}`);
    }
    // falls through (fatal never returns)
    case '#':
    case '##':
    case '%':
    case '%%':
      return removePattern(value ?? '', await arg(), p.op);
  }
}

/** `${x#pat}`, `${x##pat}`, `${x%pat}`, `${x%%pat}` with glob patterns (* ? [..]). */
function removePattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  const re = globToRegExp(pattern);
  const n = value.length;
  if (op === '#') {
    for (let i = 0; i <= n; i++) if (re.test(value.slice(0, i))) return value.slice(i);
  } else if (op === '##') {
    for (let i = n; i >= 0; i--) if (re.test(value.slice(0, i))) return value.slice(i);
  } else if (op === '%') {
    for (let i = n; i >= 0; i--) if (re.test(value.slice(i))) return value.slice(0, i);
  } else {
    for (let i = 0; i <= n; i++) if (re.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
