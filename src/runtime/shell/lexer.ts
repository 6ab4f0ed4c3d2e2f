import type { List, ParamOp, RedirOp, Word, WordPart } from './ast.js';
import { ShellSyntaxError } from './errors.js';

export type OpText = ';' | '&' | '&&' | '||' | '|' | '(' | ')' | ';;';

export type Token =
  | { t: 'word'; word: Word; line: number }
  | { t: 'op'; op: OpText; line: number }
  | { t: 'redir'; fd: number | undefined; op: RedirOp; line: number }
  | { t: 'nl'; line: number }
  | { t: 'eof'; line: number };

/** Parses the body of `$(…)` starting at `pos`; returns where the closing `)` ended. */
export type SubParser = (src: string, pos: number, line: number) => { body: List; end: number; line: number };
/** Parses a whole string (the inside of backquotes). */
export type StringParser = (src: string, line: number) => List;

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMS = new Set(['?', '$', '!', '#', '@', '*', '-', '0']);

/** Accumulates the parts of one word, merging adjacent literals of the same quoting. */
class WordBuilder {
  parts: WordPart[] = [];
  hasQuotes = false;

  lit(value: string, quoted: boolean): void {
    const last = this.parts[this.parts.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.value += value;
    else this.parts.push({ kind: 'lit', value, quoted });
  }

  push(part: WordPart): void {
    this.parts.push(part);
  }

  get empty(): boolean {
    return this.parts.length === 0 && !this.hasQuotes;
  }
}

/**
 * The tokenizer. Quoting follows POSIX as ash implements it: single quotes are literal,
 * double quotes allow `$`, backquotes and the escapes \$ \` \" \\ \<newline>; an unquoted
 * backslash quotes the next character; `#` at the start of a word begins a comment.
 */
export class Lexer {
  pos: number;
  line: number;

  constructor(
    readonly src: string,
    private readonly parseSub: SubParser,
    private readonly parseString: StringParser,
    pos = 0,
    line = 1,
  ) {
    this.pos = pos;
    this.line = line;
  }

  private error(msg: string): never {
    throw new ShellSyntaxError(msg, this.line);
  }

  next(): Token {
    this.skipBlanks();
    const line = this.line;
    const c = this.src[this.pos];
    if (c === undefined) return { t: 'eof', line };
    if (c === '\n') {
      this.pos++;
      this.line++;
      return { t: 'nl', line };
    }
    const two = this.src.slice(this.pos, this.pos + 2);
    if (two === '&&' || two === '||' || two === ';;') {
      this.pos += 2;
      return { t: 'op', op: two, line };
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      this.pos++;
      return { t: 'op', op: c, line };
    }
    // An io-number: digits immediately followed by < or >.
    const io = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (io) {
      this.pos += io[1]!.length;
      return this.redir(Number(io[1]), line);
    }
    if (c === '<' || c === '>') return this.redir(undefined, line);
    return { t: 'word', word: this.word(), line };
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private redir(fd: number | undefined, line: number): Token {
    const rest = this.src.slice(this.pos, this.pos + 2);
    const ops: RedirOp[] = ['>>', '>&', '<&', '<>', '>|', '>', '<'];
    for (const op of ops) {
      if (rest.startsWith(op)) {
        this.pos += op.length;
        return { t: 'redir', fd, op, line };
      }
    }
    return this.error('unexpected redirection');
  }

  private word(): Word {
    const start = this.pos;
    const b = new WordBuilder();
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || META.has(c)) break;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          this.line++;
          continue;
        }
        this.pos += 2;
        if (n === undefined) {
          this.pos--;
          b.lit('\\', false);
        } else {
          b.lit(n, true);
          b.hasQuotes = true;
        }
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.error('unterminated quoted string');
        const text = this.src.slice(this.pos + 1, end);
        this.countLines(text);
        b.lit(text, true);
        b.hasQuotes = true;
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        b.hasQuotes = true;
        this.doubleQuoted(b);
        continue;
      }
      if (c === '$') {
        this.dollar(b, false);
        continue;
      }
      if (c === '`') {
        b.push({ kind: 'cmdsub', body: this.backquote(), quoted: false });
        continue;
      }
      b.lit(c, false);
      this.pos++;
    }
    return { parts: b.parts, raw: this.src.slice(start, this.pos), hasQuotes: b.hasQuotes };
  }

  private countLines(text: string): void {
    for (const ch of text) if (ch === '\n') this.line++;
  }

  /** After an opening `"`: up to and including the closing `"`. */
  private doubleQuoted(b: WordBuilder): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.error('unterminated quoted string');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          this.line++;
          continue;
        }
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          b.lit(n, true);
          this.pos += 2;
          continue;
        }
        b.lit('\\', true);
        this.pos++;
        continue;
      }
      if (c === '$') {
        this.dollar(b, true);
        continue;
      }
      if (c === '`') {
        b.push({ kind: 'cmdsub', body: this.backquote(), quoted: true });
        continue;
      }
      if (c === '\n') this.line++;
      b.lit(c, true);
      this.pos++;
    }
  }

  /** At a `$`. */
  private dollar(b: WordBuilder, quoted: boolean): void {
    const n = this.src[this.pos + 1];
    if (n === '(' && this.src[this.pos + 2] === '(') {
      b.push({ kind: 'arith', expr: this.arith(), quoted });
      return;
    }
    if (n === '(') {
      const sub = this.parseSub(this.src, this.pos + 2, this.line);
      this.pos = sub.end;
      this.line = sub.line;
      b.push({ kind: 'cmdsub', body: sub.body, quoted });
      return;
    }
    if (n === '{') {
      this.pos += 2;
      b.push(this.braced(quoted));
      return;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let end = this.pos + 1;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      b.push({ kind: 'param', name: this.src.slice(this.pos + 1, end), quoted });
      this.pos = end;
      return;
    }
    if (n !== undefined && (/[0-9]/.test(n) || SPECIAL_PARAMS.has(n))) {
      b.push({ kind: 'param', name: n, quoted });
      this.pos += 2;
      return;
    }
    b.lit('$', quoted);
    this.pos++;
  }

  /** After `${`: `name}`, `#name}`, `name<op>word}`. */
  private braced(quoted: boolean): WordPart {
    let length = false;
    if (this.src[this.pos] === '#' && this.src[this.pos + 1] !== '}') {
      length = true;
      this.pos++;
    }
    let name: string;
    const c = this.src[this.pos];
    if (c !== undefined && NAME_START.test(c)) {
      let end = this.pos;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      name = this.src.slice(this.pos, end);
      this.pos = end;
    } else if (c !== undefined && /[0-9]/.test(c)) {
      let end = this.pos;
      while (end < this.src.length && /[0-9]/.test(this.src[end]!)) end++;
      name = this.src.slice(this.pos, end);
      this.pos = end;
    } else if (c !== undefined && SPECIAL_PARAMS.has(c)) {
      name = c;
      this.pos++;
    } else {
      if (c === undefined) this.error("missing '}'");
      this.error('bad substitution');
    }
    if (this.src[this.pos] === '}') {
      this.pos++;
      return { kind: 'param', name, quoted, ...(length ? { length } : {}) };
    }
    if (length) this.error(this.src[this.pos] === undefined ? "missing '}'" : 'bad substitution');
    const ops: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];
    const op = ops.find((o) => this.src.startsWith(o, this.pos));
    if (!op) this.error(this.src[this.pos] === undefined ? "missing '}'" : 'bad substitution');
    this.pos += op.length;
    const arg = this.braceArg(quoted);
    return { kind: 'param', name, op, arg, quoted };
  }

  /** The word inside `${name:-word}` up to the closing `}`. */
  private braceArg(quoted: boolean): Word {
    const start = this.pos;
    const b = new WordBuilder();
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.error("missing '}'");
      if (c === '}') {
        const raw = this.src.slice(start, this.pos);
        this.pos++;
        return { parts: b.parts, raw, hasQuotes: b.hasQuotes };
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === undefined) this.error("missing '}'");
        b.lit(n, true);
        this.pos += 2;
        continue;
      }
      if (c === "'" && !quoted) {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.error('unterminated quoted string');
        b.lit(this.src.slice(this.pos + 1, end), true);
        b.hasQuotes = true;
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        b.hasQuotes = true;
        this.doubleQuoted(b);
        continue;
      }
      if (c === '$') {
        this.dollar(b, quoted);
        continue;
      }
      if (c === '`') {
        b.push({ kind: 'cmdsub', body: this.backquote(), quoted });
        continue;
      }
      if (c === '\n') this.line++;
      b.lit(c, quoted);
      this.pos++;
    }
  }

  /** At `$((`: the expression up to the matching `))`, lexed like a double-quoted string. */
  private arith(): Word {
    let depth = 0;
    let i = this.pos + 3;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (i >= this.src.length || this.src[i + 1] !== ')') this.error("missing '))'");
    const inner = this.src.slice(this.pos + 3, i);
    const sub = new Lexer(inner + '"', this.parseSub, this.parseString, 0, this.line);
    const b = new WordBuilder();
    sub.doubleQuoted(b);
    this.countLines(inner);
    this.pos = i + 2;
    return { parts: b.parts, raw: inner, hasQuotes: false };
  }

  /** At a backquote: the command inside, with \` \\ \$ unescaped, parsed as a script. */
  private backquote(): List {
    const startLine = this.line;
    let text = '';
    let i = this.pos + 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) this.error('EOF in backquote substitution');
      if (c === '`') break;
      if (c === '\\') {
        const n = this.src[i + 1];
        if (n === '`' || n === '\\' || n === '$') {
          text += n;
          i += 2;
          continue;
        }
      }
      if (c === '\n') this.line++;
      text += c;
      i++;
    }
    this.pos = i + 1;
    return this.parseString(text, startLine);
  }
}

/** The literal text of a word with no quoting and no expansions (a possible reserved word). */
export function plainText(word: Word): string | undefined {
  if (word.hasQuotes) return undefined;
  if (word.parts.length !== 1) return undefined;
  const p = word.parts[0]!;
  return p.kind === 'lit' && !p.quoted ? p.value : undefined;
}
