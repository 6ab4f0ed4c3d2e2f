import type { ProgramContext } from '../program.js';
import { processEscapes } from './escapes.js';

/**
 * busybox echo: leading arguments made only of the letters n, e, E are options (-n: no
 * newline, -e: escapes, -E: no escapes, the default); anything else, `--` included, is text.
 */
export async function echoMain(ctx: ProgramContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
    for (const f of args.shift()!.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const r = processEscapes(text, { stopAtC: true, zeroPrefixedOctal: true });
    text = r.text;
    if (r.stopped) newline = false;
  }
  ctx.stdout(newline ? `${text}\n` : text);
  return 0;
}
