import type { ProgramContext } from '../program.js';
import { parseSignal, SIGNAL_NUMBERS, type SignalName } from '../signals.js';

/**
 * `kill [-s SIG | -SIG | -N] PID…` and `kill -l [N]`, within the container's PID namespace.
 * Wording from busybox: `can't kill pid N: No such process`, `bad signal name 'X'`.
 */
export async function killMain(ctx: ProgramContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const name = ctx.appletName;
  if (args[0] === '-l') {
    if (args[1] !== undefined) {
      const sig = parseSignal(args[1]);
      if (!sig) {
        ctx.stderr(`${name}: bad signal name '${args[1]}'\n`);
        return 1;
      }
      ctx.stdout(/^\d+$/.test(args[1]) ? `${sig.slice(3)}\n` : `${SIGNAL_NUMBERS[sig]}\n`);
      return 0;
    }
    const list = Object.entries(SIGNAL_NUMBERS).map(([s, n]) => `${String(n).padStart(2)}) ${s.slice(3)}\n`);
    ctx.stdout(list.join(''));
    return 0;
  }
  let sig: SignalName = 'SIGTERM';
  if (args[0] === '-s' || args[0] === '-n') {
    const s = args[1] === undefined ? undefined : parseSignal(args[1]);
    if (!s) {
      ctx.stderr(`${name}: bad signal name '${args[1] ?? ''}'\n`);
      return 1;
    }
    sig = s;
    args.splice(0, 2);
  } else if (args[0]?.startsWith('-') && args[0] !== '--') {
    const s = parseSignal(args[0].slice(1));
    if (!s) {
      ctx.stderr(`${name}: bad signal name '${args[0].slice(1)}'\n`);
      return 1;
    }
    sig = s;
    args.shift();
  }
  if (args[0] === '--') args.shift();
  if (args.length === 0) {
    ctx.stderr(`${name}: you need to specify whom to kill\n`);
    return 1;
  }
  let status = 0;
  for (const a of args) {
    if (!/^\d+$/.test(a)) {
      ctx.stderr(`${name}: invalid number '${a}'\n`);
      status = 1;
      continue;
    }
    const target = ctx.proc.ns.get(Number(a));
    if (!target || !target.deliver(sig)) {
      ctx.stderr(`${name}: can't kill pid ${a}: No such process\n`);
      status = 1;
    }
  }
  return status;
}
