import { execProgram, lookupCommand } from '../launcher.js';
import type { ProgramContext } from '../program.js';

/** `env [-i] [-u NAME] [NAME=VALUE]… [COMMAND [ARG]…]`: print the environment or exec COMMAND in a changed one. */
export async function envMain(ctx: ProgramContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let env: Record<string, string> = { ...ctx.env };
  while (args.length > 0) {
    const a = args[0]!;
    if (a === '-i' || a === '-') {
      env = {};
      args.shift();
    } else if (a === '-u' && args[1] !== undefined) {
      delete env[args[1]];
      args.splice(0, 2);
    } else if (a === '--') {
      args.shift();
      break;
    } else break;
  }
  while (args.length > 0 && /^[^=]+=/.test(args[0]!)) {
    const a = args.shift()!;
    const i = a.indexOf('=');
    env[a.slice(0, i)] = a.slice(i + 1);
  }
  if (args.length === 0) {
    ctx.stdout(Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  const found = lookupCommand(args, ctx.fs, env, ctx.cwd);
  if (!found.ok) {
    ctx.stderr(`${ctx.appletName}: can't execute '${args[0]}': ${found.errno === 'EACCES' ? 'Permission denied' : 'No such file or directory'}\n`);
    return found.errno === 'EACCES' ? 126 : 127;
  }
  return execProgram(ctx, found.target, env);
}

/** `printenv [NAME]…`. */
export async function printenvMain(ctx: ProgramContext): Promise<number> {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    ctx.stdout(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env[n];
    if (v === undefined) status = 1;
    else ctx.stdout(`${v}\n`);
  }
  return status;
}

/**
 * `hostname [-s]`: the UTS hostname. A pod's containers share the sandbox's UTS namespace
 * and containerd bind-mounts the same name as /etc/hostname, which is where it is read here.
 */
export async function hostnameMain(ctx: ProgramContext): Promise<number> {
  const name = (ctx.fs.read('/etc/hostname') ?? '').split('\n')[0]!.trim() || ctx.env.HOSTNAME || 'localhost';
  ctx.stdout(`${ctx.argv.includes('-s') ? name.split('.')[0] : name}\n`);
  return 0;
}

export async function trueMain(): Promise<number> {
  return 0;
}

export async function falseMain(): Promise<number> {
  return 1;
}

/** `seq [FIRST [INC]] LAST`. */
export async function seqMain(ctx: ProgramContext): Promise<number> {
  const nums = ctx.argv.slice(1).map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => Number.isNaN(n))) {
    ctx.stderr(`${ctx.appletName}: invalid number '${ctx.argv.slice(1).find((a) => Number.isNaN(Number(a))) ?? ''}'\n`);
    return 1;
  }
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  let out = '';
  // Bounded so that a mistyped range cannot fill memory.
  for (let n = first, i = 0; inc > 0 ? n <= last : n >= last; n += inc, i++) {
    if (inc === 0 || i >= 1_000_000) break;
    out += `${n}\n`;
  }
  ctx.stdout(out);
  return 0;
}
