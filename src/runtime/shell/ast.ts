/**
 * The syntax tree of the shell subset, shaped like busybox ash's parse nodes (NCMD, NPIPE,
 * NAND/NOR, NSEMI, NIF, NWHILE/NUNTIL, NFOR, NSUBSHELL, NBACKGND) so the interpreter can follow
 * ash's evaluation rules (which command may be exec'd in place, when traps run).
 */

export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%';

export type WordPart =
  /** Literal text. `quoted` text never undergoes field splitting. */
  | { kind: 'lit'; value: string; quoted: boolean }
  /** `$name`, `${name}`, `${name:-word}`, `${#name}` (`length`). */
  | { kind: 'param'; name: string; op?: ParamOp; arg?: Word; length?: boolean; quoted: boolean }
  /** `$(list)` or backquotes. */
  | { kind: 'cmdsub'; body: List; quoted: boolean }
  /** `$((expr))`: `expr` is expanded like a double-quoted string, then evaluated. */
  | { kind: 'arith'; expr: Word; quoted: boolean };

export interface Word {
  parts: WordPart[];
  /** The source text, for messages. */
  raw: string;
  /** Did any quoting appear (so `""` still makes an empty field)? */
  hasQuotes: boolean;
}

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '<>' | '>|';

export interface Redir {
  /** The fd being redirected; defaults to 1 for output and 0 for input. */
  fd: number;
  op: RedirOp;
  target: Word;
}

export interface Assign {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assign[];
  words: Word[];
  redirs: Redir[];
  line: number;
}

export interface IfCommand {
  type: 'if';
  clauses: { cond: List; body: List }[];
  elseBody?: List;
  redirs: Redir[];
  line: number;
}

export interface LoopCommand {
  type: 'while' | 'until';
  cond: List;
  body: List;
  redirs: Redir[];
  line: number;
}

export interface ForCommand {
  type: 'for';
  name: string;
  /** undefined: `for x; do` iterates over "$@". */
  items?: Word[];
  body: List;
  redirs: Redir[];
  line: number;
}

export interface GroupCommand {
  type: 'group' | 'subshell';
  body: List;
  redirs: Redir[];
  line: number;
}

export type Command = SimpleCommand | IfCommand | LoopCommand | ForCommand | GroupCommand;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  head: Pipeline;
  tail: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface ListEntry {
  andOr: AndOr;
  background: boolean;
}

export type List = ListEntry[];
