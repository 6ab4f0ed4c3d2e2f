import { normalizePath } from './container-fs.js';
import type { ProgramContext } from './program.js';
import { Shell } from './shell.js';

/**
 * The `sh` applet: `sh -c 'CMD' [NAME [ARG…]]`, `sh SCRIPT [ARG…]`, or `sh` reading its
 * script from stdin. Options -e (errexit) is honoured; -x, -u, -f, -v, -s are accepted.
 */
export async function shellMain(ctx: ProgramContext): Promise<number> {
  const invokedAs = ctx.argv[0] ?? 'sh';
  const args = ctx.argv.slice(1);
  let wantC = false;
  let errexit = false;
  while (args.length > 0 && /^[-+][a-zA-Z]+$/.test(args[0]!)) {
    const opt = args.shift()!;
    for (const f of opt.slice(1)) {
      if (f === 'c') wantC = true;
      else if (f === 'e') errexit = opt.startsWith('-');
      else if (!'xufvsil'.includes(f)) {
        ctx.stderr(`${ctx.appletName}: illegal option -${f}\n`);
        return 2;
      }
    }
  }
  if (args[0] === '--' || args[0] === '-') args.shift();

  if (wantC) {
    const script = args.shift();
    if (script === undefined) {
      ctx.stderr(`${ctx.appletName}: -c requires an argument\n`);
      return 2;
    }
    // POSIX: the first argument after the command string is $0 (and ash's commandname).
    const name = args.shift();
    const sh = new Shell(ctx.proc, ctx, { arg0: name ?? invokedAs, ...(name !== undefined ? { commandName: name } : {}), positional: args, errexit });
    return sh.runScript(script, true);
  }
  const file = args.shift();
  if (file === undefined) {
    const sh = new Shell(ctx.proc, { ...ctx, stdin: '' }, { arg0: invokedAs, positional: args, errexit });
    return sh.runScript(ctx.stdin, false);
  }
  const src = ctx.fs.read(normalizePath(file, ctx.cwd));
  if (src === undefined) {
    ctx.stderr(`${ctx.appletName}: can't open '${file}': No such file or directory\n`);
    return 2;
  }
  const sh = new Shell(ctx.proc, ctx, { arg0: file, commandName: file, positional: args, errexit });
  return sh.runScript(src, false); // a `#!` line is a comment to the shell
}
