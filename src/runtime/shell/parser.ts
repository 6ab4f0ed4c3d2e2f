import type { AndOr, Assign, Command, List, ListEntry, Pipeline, Redir, SimpleCommand, Word } from './ast.js';
import { ShellSyntaxError } from './errors.js';
import { Lexer, plainText, type Token } from './lexer.js';

/** ash's reserved words. */
const RESERVED = new Set(['!', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while', '{', '}']);
/** Tokens that end an inner list (ash's `tokendlist`). */
const LIST_END_WORDS = new Set(['do', 'done', 'elif', 'else', 'esac', 'fi', 'then', '}']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** How ash names a token in "unexpected …": bare for end of file/newline/redirection/word, quoted otherwise. */
function tokenName(tok: Token): string {
  switch (tok.t) {
    case 'eof':
      return 'end of file';
    case 'nl':
      return 'newline';
    case 'redir':
      return 'redirection';
    case 'op':
      return `"${tok.op}"`;
    case 'word': {
      const text = plainText(tok.word);
      return text !== undefined && RESERVED.has(text) ? `"${text}"` : 'word';
    }
  }
}

function keyword(tok: Token): string | undefined {
  if (tok.t !== 'word') return undefined;
  const text = plainText(tok.word);
  return text !== undefined && RESERVED.has(text) ? text : undefined;
}

export interface TopLevelCommand {
  list: List;
  /** Parsing stopped at the end of the input (ash's parser_eof): the last command may be exec'd in place. */
  atEof: boolean;
}

/**
 * A recursive-descent parser after ash's (list / andor / pipeline / command / simplecmd).
 * The top level is parsed one line at a time, like ash's evalstring: lines before a syntax
 * error have already run when the error is reported.
 */
export class Parser {
  private readonly lexer: Lexer;
  private pushed: Token | undefined;

  constructor(src: string, pos = 0, line = 1) {
    this.lexer = new Lexer(src, subParse, parseString, pos, line);
  }

  /** The next complete top-level command line, or undefined at end of input. */
  nextCommand(): TopLevelCommand | undefined {
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'eof') return undefined;
      const list = this.list(true);
      if (list.length === 0 && this.peek().t !== 'eof') continue; // blank line
      return { list, atEof: this.peek().t === 'eof' };
    }
  }

  /** Parse everything (used for `$(…)` bodies given as strings and for tests). */
  parseAll(): List {
    const all: List = [];
    for (let c = this.nextCommand(); c; c = this.nextCommand()) all.push(...c.list);
    return all;
  }

  /** After `$(`: a list and the closing `)`. */
  parseSubstitution(): { body: List; end: number; line: number } {
    const body = this.list(false);
    const tok = this.next();
    if (!(tok.t === 'op' && tok.op === ')')) this.unexpected(tok, ')');
    return { body, end: this.lexer.pos, line: this.lexer.line };
  }

  private next(): Token {
    if (this.pushed) {
      const t = this.pushed;
      this.pushed = undefined;
      return t;
    }
    return this.lexer.next();
  }

  private peek(): Token {
    this.pushed ??= this.lexer.next();
    return this.pushed;
  }

  private skipNewlines(): void {
    while (this.peek().t === 'nl') this.next();
  }

  private unexpected(tok: Token, expecting?: string): never {
    const exp = expecting === undefined ? '' : ` (expecting "${expecting}")`;
    throw new ShellSyntaxError(`unexpected ${tokenName(tok)}${exp}`, tok.line);
  }

  private list(top: boolean): List {
    const items: ListEntry[] = [];
    for (;;) {
      if (!top) this.skipNewlines();
      const tok = this.peek();
      if (tok.t === 'nl') {
        this.next();
        return items;
      }
      if (tok.t === 'eof') return items;
      if (!top && items.length > 0 && this.endsList(tok)) return items;
      const andOr = this.andOr();
      const sep = this.next();
      if (sep.t === 'op' && (sep.op === ';' || sep.op === '&')) {
        items.push({ andOr, background: sep.op === '&' });
        continue;
      }
      items.push({ andOr, background: false });
      if (sep.t === 'nl') {
        if (top) return items;
        continue;
      }
      if (sep.t === 'eof') {
        this.pushed = sep;
        return items;
      }
      if (top) this.unexpected(sep);
      this.pushed = sep;
      return items;
    }
  }

  private endsList(tok: Token): boolean {
    if (tok.t === 'eof') return true;
    if (tok.t === 'op') return tok.op === ')' || tok.op === ';;';
    const kw = keyword(tok);
    return kw !== undefined && LIST_END_WORDS.has(kw);
  }

  private andOr(): AndOr {
    const head = this.pipeline();
    const tail: AndOr['tail'] = [];
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'op' && (tok.op === '&&' || tok.op === '||')) {
        this.next();
        this.skipNewlines();
        tail.push({ op: tok.op, pipeline: this.pipeline() });
      } else return { head, tail };
    }
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (keyword(this.peek()) === '!') {
      this.next();
      negate = true;
    }
    const commands = [this.command()];
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'op' && tok.op === '|') {
        this.next();
        this.skipNewlines();
        commands.push(this.command());
      } else return { negate, commands };
    }
  }

  private expect(word: string): void {
    const tok = this.next();
    if (keyword(tok) !== word) this.unexpected(tok, word);
  }

  private command(): Command {
    const tok = this.next();
    const line = tok.line;
    let cmd: Command;
    const kw = keyword(tok);
    if (kw === 'if') {
      const clauses: { cond: List; body: List }[] = [];
      let elseBody: List | undefined;
      for (;;) {
        const cond = this.list(false);
        this.expect('then');
        clauses.push({ cond, body: this.list(false) });
        const t = this.next();
        const k = keyword(t);
        if (k === 'elif') continue;
        if (k === 'else') {
          elseBody = this.list(false);
          this.expect('fi');
        } else if (k !== 'fi') this.unexpected(t, 'fi');
        break;
      }
      cmd = { type: 'if', clauses, ...(elseBody ? { elseBody } : {}), redirs: [], line };
    } else if (kw === 'while' || kw === 'until') {
      const cond = this.list(false);
      this.expect('do');
      const body = this.list(false);
      this.expect('done');
      cmd = { type: kw, cond, body, redirs: [], line };
    } else if (kw === 'for') {
      cmd = this.forCommand(line);
    } else if (kw === '{') {
      const body = this.list(false);
      this.expect('}');
      cmd = { type: 'group', body, redirs: [], line };
    } else if (tok.t === 'op' && tok.op === '(') {
      const body = this.list(false);
      const t = this.next();
      if (!(t.t === 'op' && t.op === ')')) this.unexpected(t, ')');
      cmd = { type: 'subshell', body, redirs: [], line };
    } else if (kw === 'case') {
      throw new ShellSyntaxError('"case" is not supported by crilab\'s shell', line);
    } else if ((tok.t === 'word' && kw === undefined) || tok.t === 'redir') {
      this.pushed = tok;
      return this.simpleCommand();
    } else {
      this.unexpected(tok);
    }
    // Redirections after a compound command apply to all of it.
    while (this.peek().t === 'redir') cmd.redirs.push(this.redirection());
    return cmd;
  }

  private forCommand(line: number): Command {
    const nameTok = this.next();
    const name = nameTok.t === 'word' ? plainText(nameTok.word) : undefined;
    if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ShellSyntaxError('bad for loop variable', nameTok.line);
    }
    this.skipNewlines();
    let items: Word[] | undefined;
    if (keyword(this.peek()) === 'in') {
      this.next();
      items = [];
      let t = this.next();
      while (t.t === 'word') {
        items.push(t.word);
        t = this.next();
      }
      if (!(t.t === 'nl' || (t.t === 'op' && t.op === ';'))) this.unexpected(t);
    } else {
      const t = this.peek();
      if (t.t === 'op' && t.op === ';') this.next();
    }
    this.skipNewlines();
    this.expect('do');
    const body = this.list(false);
    this.expect('done');
    return { type: 'for', name, ...(items ? { items } : {}), body, redirs: [], line };
  }

  private redirection(): Redir {
    const tok = this.next();
    if (tok.t !== 'redir') this.unexpected(tok);
    const target = this.next();
    if (target.t !== 'word') this.unexpected(target);
    const fd = tok.fd ?? (tok.op === '<' || tok.op === '<&' || tok.op === '<>' ? 0 : 1);
    return { fd, op: tok.op, target: target.word };
  }

  private simpleCommand(): SimpleCommand {
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    const line = this.peek().line;
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'redir') {
        redirs.push(this.redirection());
        continue;
      }
      if (tok.t !== 'word') break;
      this.next();
      const assign = words.length === 0 ? asAssignment(tok.word) : undefined;
      if (assign) assigns.push(assign);
      else words.push(tok.word);
    }
    const after = this.peek();
    if (after.t === 'op' && after.op === '(' && words.length === 1) {
      throw new ShellSyntaxError('function definitions are not supported by crilab\'s shell', after.line);
    }
    return { type: 'simple', assigns, words, redirs, line };
  }
}

/** `NAME=value` with an unquoted NAME: an assignment, not a command word. */
function asAssignment(word: Word): Assign | undefined {
  const first = word.parts[0];
  if (!first || first.kind !== 'lit' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.value);
  if (!m) return undefined;
  const rest = first.value.slice(m[0].length);
  const parts = [...(rest ? [{ ...first, value: rest }] : []), ...word.parts.slice(1)];
  return { name: m[1]!, value: { parts, raw: word.raw.slice(m[0].length), hasQuotes: word.hasQuotes } };
}

function subParse(src: string, pos: number, line: number): { body: List; end: number; line: number } {
  return new Parser(src, pos, line).parseSubstitution();
}

function parseString(src: string, line: number): List {
  return new Parser(src, 0, line).parseAll();
}

/** Parse a whole script at once (throws ShellSyntaxError). */
export function parseScript(src: string): List {
  return new Parser(src).parseAll();
}
