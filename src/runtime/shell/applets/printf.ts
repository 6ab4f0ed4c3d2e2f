import type { ProgramContext } from '../program.js';
import { processEscapes, readEscape } from './escapes.js';

/**
 * busybox printf: the format is reused while arguments remain; %s %b %c %d %i %u %o %x %X
 * %e %E %f %g %G %%, flags `-+ #0`, width and precision (also `*`). A bad number prints
 * `printf: invalid number 'x'` (with the applet's name), counts as 0 and makes the status 1.
 */
export async function printfMain(ctx: ProgramContext): Promise<number> {
  const [, format, ...args] = ctx.argv;
  if (format === undefined) {
    ctx.stderr(`${ctx.appletName}: usage: printf FORMAT [ARGUMENT]...\n`);
    return 1;
  }
  let status = 0;
  let out = '';
  let argi = 0;
  const nextArg = (): string | undefined => args[argi++];
  // busybox converts with strtoll/strtod (base 0: 0x… hex, 0… octal) and insists on the whole
  // argument being a number: a missing argument is '' and is reported too (busybox 1.35).
  const toNumber = (a: string | undefined): number => {
    const text = a ?? '';
    if (/^['"]/.test(text)) return text.codePointAt(1) ?? 0;
    const t = text.trimStart();
    if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
    if (/^[+-]?0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
    if (/^[+-]?\d+$/.test(t)) return Number(t);
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
    ctx.stderr(`${ctx.appletName}: invalid number '${text}'\n`);
    status = 1;
    return 0;
  };

  for (;;) {
    const before = argi;
    const stop = formatOnce();
    if (stop || argi >= args.length || argi === before) break;
  }
  ctx.stdout(out);
  return status;

  /** One pass over the format; true when \c stopped output. */
  function formatOnce(): boolean {
    const f = format!;
    for (let i = 0; i < f.length; i++) {
      const c = f[i]!;
      if (c === '\\') {
        if (f[i + 1] === 'c') return true;
        const esc = readEscape(f, i + 1);
        if (esc) {
          out += esc.ch;
          i += esc.used;
        } else out += '\\';
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      if (f[i + 1] === '%') {
        out += '%';
        i++;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([sbcdiuoxXeEfgG])/.exec(f.slice(i));
      if (!m) {
        out += '%';
        continue;
      }
      i += m[0].length - 1;
      const flags = m[1]!;
      const width = m[2] === '*' ? toNumber(nextArg()) : m[2] !== undefined ? Number(m[2]) : undefined;
      const precision = m[3] === '*' ? toNumber(nextArg()) : m[3] !== undefined ? Number(m[3] || '0') : undefined;
      const conv = m[4]!;
      const arg = nextArg();
      let body: string;
      switch (conv) {
        case 's':
          body = arg ?? '';
          if (precision !== undefined) body = body.slice(0, precision);
          break;
        case 'b': {
          const r = processEscapes(arg ?? '', { stopAtC: true, zeroPrefixedOctal: true });
          out += pad(r.text, flags, width);
          if (r.stopped) return true;
          continue;
        }
        case 'c':
          body = (arg ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
          body = signed(Math.trunc(toNumber(arg)), flags, precision);
          break;
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
          let n = Math.trunc(toNumber(arg));
          if (n < 0) n = Number(BigInt.asUintN(64, BigInt(n)));
          const radix = conv === 'o' ? 8 : conv === 'u' ? 10 : 16;
          body = n.toString(radix);
          if (conv === 'X') body = body.toUpperCase();
          if (precision !== undefined) body = body.padStart(precision, '0');
          if (flags.includes('#') && n !== 0) body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + body;
          break;
        }
        default: {
          const n = toNumber(arg);
          const p = precision ?? 6;
          if (conv === 'f') body = n.toFixed(p);
          else if (conv === 'e' || conv === 'E') body = expo(n, p, conv);
          else body = general(n, p === 0 ? 1 : p, conv as 'g' | 'G');
          if (n >= 0 && flags.includes('+')) body = `+${body}`;
          else if (n >= 0 && flags.includes(' ')) body = ` ${body}`;
        }
      }
      out += pad(body, flags, width, conv !== 's' && conv !== 'c');
    }
    return false;
  }
}

function signed(n: number, flags: string, precision: number | undefined): string {
  let digits = Math.abs(n).toString();
  if (precision !== undefined) digits = digits.padStart(precision, '0');
  const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return sign + digits;
}

function pad(body: string, flags: string, width: number | undefined, numeric = false): string {
  if (width === undefined || body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[+\- ]/.test(body) ? body[0]! : '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width);
}

/** C's %e: mantissa, then `e`, sign and at least two exponent digits. */
function expo(n: number, p: number, conv: 'e' | 'E'): string {
  const [mant, exp] = n.toExponential(p).split('e') as [string, string];
  const e = Number(exp);
  const s = `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return conv === 'E' ? s.toUpperCase() : s;
}

/** C's %g: shortest of %e/%f at precision p, trailing zeros removed. */
function general(n: number, p: number, conv: 'g' | 'G'): string {
  if (n === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(n)));
  let s: string;
  if (e < -4 || e >= p) {
    s = expo(n, p - 1, 'e').replace(/\.?0+e/, 'e');
  } else {
    s = n.toFixed(Math.max(0, p - 1 - e));
    if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return conv === 'G' ? s.toUpperCase() : s;
}
