import { forever } from '../proc.js';
import { sleepIn, type ProgramContext } from '../program.js';
import { BUSYBOX_BANNER } from './busybox-version.js';

/** busybox sleep's multipliers for the suffixes s, m, h, d (FEATURE_FANCY_SLEEP). */
const SUFFIX_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

const SLEEP_USAGE = `${BUSYBOX_BANNER}

Usage: sleep [N]...

Pause for a time equal to the total of the args given, where each arg can
have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays
`;

/**
 * `sleep N…`: waits on the container's clock (so a simulated `sleep 30` takes no real time).
 * Arguments are summed; decimals and the suffixes s/m/h/d are accepted; `inf`/`infinity`
 * sleeps until the process is killed.
 */
export async function sleepMain(ctx: ProgramContext): Promise<number> {
  const args = ctx.argv.slice(1).filter((a, i) => !(i === 0 && a === '--'));
  if (args.length === 0) {
    ctx.stderr(SLEEP_USAGE);
    return 1;
  }
  if (/^inf/i.test(args[0]!)) await forever(ctx.proc.signal);
  let seconds = 0;
  for (const a of args) {
    const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      ctx.stderr(`${ctx.appletName}: invalid number '${a}'\n`);
      return 1;
    }
    seconds += Number(m[1]) * SUFFIX_SECONDS[m[2]!]!;
  }
  await sleepIn(ctx, Math.round(seconds * 1000));
  return 0;
}
