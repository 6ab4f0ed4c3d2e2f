import type { ProgramContext } from '../program.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** busybox date's default format (C locale): `Thu Jan  1 00:00:00 UTC 2026`. */
export const DATE_DEFAULT_FORMAT = '%a %b %e %H:%M:%S %Z %Y';

const p2 = (n: number) => String(n).padStart(2, '0');

/** strftime for the conversions scripts use, always in UTC (containers have no TZ set here). */
export function strftimeUtc(format: string, ms: number): string {
  const d = new Date(ms);
  const conv: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!,
    h: () => MONTHS[d.getUTCMonth()]!,
    d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '),
    H: () => p2(d.getUTCHours()),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    m: () => p2(d.getUTCMonth() + 1),
    y: () => p2(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    Z: () => 'UTC',
    z: () => '+0000',
    s: () => String(Math.floor(ms / 1000)),
    N: () => String((ms % 1000) * 1_000_000).padStart(9, '0'),
    T: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    F: () => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    D: () => `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCFullYear() % 100)}`,
    R: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
    j: () => String(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
    u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (m, c: string) => conv[c]?.() ?? m);
}

/** `date [-u] [-I] [+FORMAT]`: the container's clock (simulated or real), in UTC. */
export async function dateMain(ctx: ProgramContext): Promise<number> {
  let format = DATE_DEFAULT_FORMAT;
  for (const a of ctx.argv.slice(1)) {
    if (a === '-u' || a === '--utc') continue;
    if (a === '-I' || a === '-Idate') format = '%F';
    else if (a.startsWith('+')) format = a.slice(1);
    else {
      ctx.stderr(`${ctx.appletName}: invalid date '${a}'\n`);
      return 1;
    }
  }
  ctx.stdout(`${strftimeUtc(format, ctx.clock.now())}\n`);
  return 0;
}
