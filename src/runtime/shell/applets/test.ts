import { normalizePath } from '../container-fs.js';
import type { ProgramContext } from '../program.js';

const UNARY_FILE = new Set(['-e', '-f', '-d', '-s', '-r', '-w', '-x', '-h', '-L', '-b', '-c', '-p', '-S', '-t', '-g', '-u', '-k', '-O', '-G']);
const UNARY_STRING = new Set(['-z', '-n']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

class TestError extends Error {}

/**
 * `test` and `[` after busybox's test.c: the POSIX special cases for one to three arguments,
 * otherwise the classic grammar (-o below -a below ! below primaries, parentheses). Status 0
 * true, 1 false, 2 on error (`sh: a: bad number`, `sh: missing ]`, `sh: x: unknown operand`).
 */
export async function testMain(ctx: ProgramContext): Promise<number> {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[' || ctx.argv[0]?.endsWith('/[')) {
    if (args[args.length - 1] !== ']') {
      ctx.stderr(`${ctx.appletName}: missing ]\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evaluate(args, ctx) ? 0 : 1;
  } catch (e) {
    if (e instanceof TestError) {
      ctx.stderr(`${ctx.appletName}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function evaluate(args: string[], ctx: ProgramContext): boolean {
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2 && args[0] === '!') return args[1] === '';
  if (args.length === 3 && BINARY.has(args[1]!)) return binary(args[0]!, args[1]!, args[2]!, ctx);
  if (args.length === 3 && args[0] === '!') return !evaluate(args.slice(1), ctx);
  if (args.length === 3 && args[0] === '(' && args[2] === ')') return args[1] !== '';

  let pos = 0;
  const peek = (): string | undefined => args[pos];
  const oexpr = (): boolean => {
    const left = aexpr();
    if (peek() === '-o') {
      pos++;
      return oexpr() || left;
    }
    return left;
  };
  const aexpr = (): boolean => {
    const left = nexpr();
    if (peek() === '-a') {
      pos++;
      return aexpr() && left;
    }
    return left;
  };
  const nexpr = (): boolean => {
    if (peek() === '!') {
      pos++;
      return !nexpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const t = args[pos++];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(') {
      const v = oexpr();
      if (args[pos++] !== ')') throw new TestError('closing paren expected');
      return v;
    }
    const next = args[pos];
    if ((UNARY_FILE.has(t) || UNARY_STRING.has(t)) && next !== undefined && !(BINARY.has(next) && args[pos + 1] !== undefined)) {
      pos++;
      return unary(t, next, ctx);
    }
    if (next !== undefined && BINARY.has(next)) {
      const right = args[pos + 1];
      if (right === undefined) throw new TestError(`${next}: argument expected`);
      pos += 2;
      return binary(t, next, right, ctx);
    }
    return t !== '';
  };
  const result = oexpr();
  if (pos < args.length) throw new TestError(`${args[pos]}: unknown operand`);
  return result;
}

function unary(op: string, operand: string, ctx: ProgramContext): boolean {
  if (op === '-z') return operand === '';
  if (op === '-n') return operand !== '';
  if (op === '-t') return false; // no terminal in a container here
  const path = normalizePath(operand, ctx.cwd);
  const fs = ctx.fs;
  switch (op) {
    case '-e':
    case '-r':
    case '-w':
      return operand !== '' && fs.exists(path);
    case '-x':
      return operand !== '' && fs.exists(path); // every file is executable here (no mode bits)
    case '-f':
      return operand !== '' && fs.exists(path) && !fs.isDir(path) && path !== '/dev/null';
    case '-d':
      return operand !== '' && fs.isDir(path);
    case '-s':
      return (fs.read(path) ?? '').length > 0 || (fs.isDir(path) && operand !== '');
    case '-c':
      return path === '/dev/null';
    default:
      return false; // no symlinks, sockets, pipes, setuid bits in the simulated fs
  }
}

function number(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new TestError(`${s}: bad number`);
  return Number(t);
}

function binary(a: string, op: string, b: string, _ctx: ProgramContext): boolean {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-eq':
      return number(a) === number(b);
    case '-ne':
      return number(a) !== number(b);
    case '-lt':
      return number(a) < number(b);
    case '-le':
      return number(a) <= number(b);
    case '-gt':
      return number(a) > number(b);
    case '-ge':
      return number(a) >= number(b);
    default:
      return false; // -nt -ot -ef: no timestamps or inodes in the simulated fs
  }
}
