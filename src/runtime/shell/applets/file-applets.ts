import { normalizePath, parentPath } from '../container-fs.js';
import type { ProgramContext } from '../program.js';

/** Split leading `-abc` option clusters from operands (stops at `--` or the first operand). */
export function options(args: string[], allowed: string): { flags: Set<string>; operands: string[]; bad?: string } {
  const flags = new Set<string>();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (const f of a.slice(1)) {
      if (!allowed.includes(f)) return { flags, operands: [], bad: f };
      flags.add(f);
    }
  }
  return { flags, operands: args.slice(i) };
}

function badOption(ctx: ProgramContext, f: string): number {
  ctx.stderr(`${ctx.appletName}: unrecognized option '${f}'\n`);
  return 1;
}

/** `cat [FILE|-]…`: busybox wording `cat: can't open 'X': No such file or directory`. */
export async function catMain(ctx: ProgramContext): Promise<number> {
  const { operands, bad } = options(ctx.argv.slice(1), 'uvetAn');
  if (bad) return badOption(ctx, bad);
  const files = operands.length > 0 ? operands : ['-'];
  let status = 0;
  for (const f of files) {
    if (f === '-') {
      ctx.stdout(ctx.stdin);
      continue;
    }
    const path = normalizePath(f, ctx.cwd);
    if (ctx.fs.isDir(path)) {
      ctx.stderr(`${ctx.appletName}: read error: Is a directory\n`);
      status = 1;
      continue;
    }
    const data = ctx.fs.read(path);
    if (data === undefined) {
      ctx.stderr(`${ctx.appletName}: can't open '${f}': No such file or directory\n`);
      status = 1;
      continue;
    }
    ctx.stdout(data);
  }
  return status;
}

/** `touch [-c] FILE…`: creates empty files; the parent directory must exist. */
export async function touchMain(ctx: ProgramContext): Promise<number> {
  const { flags, operands, bad } = options(ctx.argv.slice(1), 'cham');
  if (bad) return badOption(ctx, bad);
  let status = 0;
  for (const f of operands) {
    const path = normalizePath(f, ctx.cwd);
    if (ctx.fs.exists(path)) continue;
    if (flags.has('c')) continue;
    if (!ctx.fs.isDir(parentPath(path))) {
      ctx.stderr(`${ctx.appletName}: ${f}: No such file or directory\n`);
      status = 1;
      continue;
    }
    ctx.fs.write(path, '');
  }
  return status;
}

/** `rm [-f] [-r|-R] FILE…`. */
export async function rmMain(ctx: ProgramContext): Promise<number> {
  const { flags, operands, bad } = options(ctx.argv.slice(1), 'fiRrv');
  if (bad) return badOption(ctx, bad);
  const force = flags.has('f');
  const recursive = flags.has('r') || flags.has('R');
  let status = 0;
  for (const f of operands) {
    const path = normalizePath(f, ctx.cwd);
    if (!ctx.fs.exists(path) || path === '/dev/null') {
      if (!force) {
        ctx.stderr(`${ctx.appletName}: can't remove '${f}': No such file or directory\n`);
        status = 1;
      }
      continue;
    }
    if (ctx.fs.isDir(path) && !recursive) {
      ctx.stderr(`${ctx.appletName}: '${f}' is a directory\n`);
      status = 1;
      continue;
    }
    ctx.fs.remove(path);
  }
  return status;
}

/** `mkdir [-p] DIR…`. */
export async function mkdirMain(ctx: ProgramContext): Promise<number> {
  const { flags, operands, bad } = options(ctx.argv.slice(1), 'pm');
  if (bad) return badOption(ctx, bad);
  let status = 0;
  for (const d of operands) {
    const path = normalizePath(d, ctx.cwd);
    if (flags.has('p')) {
      if (ctx.fs.exists(path) && !ctx.fs.isDir(path)) {
        ctx.stderr(`${ctx.appletName}: can't create directory '${d}': File exists\n`);
        status = 1;
      } else ctx.fs.mkdir(path);
      continue;
    }
    if (ctx.fs.exists(path)) {
      ctx.stderr(`${ctx.appletName}: can't create directory '${d}': File exists\n`);
      status = 1;
    } else if (!ctx.fs.isDir(parentPath(path))) {
      ctx.stderr(`${ctx.appletName}: can't create directory '${d}': No such file or directory\n`);
      status = 1;
    } else ctx.fs.mkdir(path);
  }
  return status;
}

/** `ls [PATH…]`: one name per line (output is not a terminal). No long format. */
export async function lsMain(ctx: ProgramContext): Promise<number> {
  const { flags, operands, bad } = options(ctx.argv.slice(1), '1aAlF');
  if (bad) return badOption(ctx, bad);
  const targets = operands.length > 0 ? operands : ['.'];
  let status = 0;
  const showAll = flags.has('a') || flags.has('A');
  targets.forEach((t, i) => {
    const path = normalizePath(t, ctx.cwd);
    if (!ctx.fs.exists(path)) {
      ctx.stderr(`${ctx.appletName}: ${t}: No such file or directory\n`);
      status = 1;
      return;
    }
    if (!ctx.fs.isDir(path)) {
      ctx.stdout(`${t}\n`);
      return;
    }
    const names = (ctx.fs.list(path) ?? []).filter((n) => showAll || !n.startsWith('.'));
    if (targets.length > 1) ctx.stdout(`${i > 0 ? '\n' : ''}${t}:\n`);
    for (const n of names) ctx.stdout(`${n}\n`);
  });
  return status;
}

/**
 * `wc [-lwc] [FILE…]`. With one count and no file name the number is printed bare; otherwise
 * each count is right-aligned in 9 columns, as busybox prints them.
 */
export async function wcMain(ctx: ProgramContext): Promise<number> {
  const { flags, operands, bad } = options(ctx.argv.slice(1), 'lwcmL');
  if (bad) return badOption(ctx, bad);
  const which = (['l', 'w', 'c'] as const).filter((f) => flags.has(f) || (f === 'c' && flags.has('m')));
  const cols = which.length > 0 ? which : (['l', 'w', 'c'] as const);
  const count = (text: string) => ({
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(text),
  });
  const line = (text: string, name?: string): string => {
    const c = count(text);
    const nums = cols.map((k) => c[k]);
    if (nums.length === 1 && name === undefined) return `${nums[0]}\n`;
    const body = nums.map((n, i) => (nums.length === 1 ? String(n) : String(n).padStart(i === 0 ? 9 : 9))).join(' ');
    return name === undefined ? `${body}\n` : `${body} ${name}\n`;
  };
  if (operands.length === 0) {
    ctx.stdout(line(ctx.stdin));
    return 0;
  }
  let status = 0;
  for (const f of operands) {
    const data = f === '-' ? ctx.stdin : ctx.fs.read(normalizePath(f, ctx.cwd));
    if (data === undefined) {
      ctx.stderr(`${ctx.appletName}: can't open '${f}': No such file or directory\n`);
      status = 1;
      continue;
    }
    ctx.stdout(line(data, f));
  }
  return status;
}
