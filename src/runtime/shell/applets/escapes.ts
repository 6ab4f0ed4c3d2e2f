/**
 * Backslash escapes as busybox's bb_process_escape_sequence reads them (echo -e, printf,
 * printf %b): \\ \a \b \e \f \n \r \t \v, octal \NNN (up to 3 digits), hex \xHH (up to 2).
 * Returns the character and how many source characters after the backslash were used, or
 * undefined when the backslash does not start an escape (it is then printed as is).
 */
const SIMPLE: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function readEscape(s: string, i: number): { ch: string; used: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE[c];
  if (simple !== undefined) return { ch: simple, used: 1 };
  const oct = /^[0-7]{1,3}/.exec(s.slice(i, i + 3));
  if (oct) return { ch: String.fromCharCode(parseInt(oct[0], 8) & 0xff), used: oct[0].length };
  if (c === 'x') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1, i + 3));
    if (hex) return { ch: String.fromCharCode(parseInt(hex[0], 16)), used: 1 + hex[0].length };
  }
  return undefined;
}

/**
 * Process escapes in `s`. `stopAtC`: `\c` ends all output (echo -e, %b); returns `stopped`.
 * `zeroPrefixedOctal`: echo -e and %b accept `\0NNN` (the 0 does not count as a digit).
 */
export function processEscapes(s: string, opts: { stopAtC: boolean; zeroPrefixedOctal: boolean }): { text: string; stopped: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (opts.stopAtC && s[i + 1] === 'c') return { text: out, stopped: true };
    let j = i + 1;
    if (opts.zeroPrefixedOctal && s[j] === '0' && /[0-7]/.test(s[j + 1] ?? '')) j++;
    const esc = readEscape(s, j);
    if (!esc) {
      out += '\\';
      continue;
    }
    out += esc.ch;
    i = j + esc.used - 1;
  }
  return { text: out, stopped: false };
}
