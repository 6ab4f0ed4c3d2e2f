/**
 * `$((…))`: integer arithmetic as ash does it (64-bit in ash; JS doubles truncated here, exact
 * up to 2^53). Variables are read by name (unset or empty → 0); `=`, `+=`, `-=`, `*=`, `/=`,
 * `%=`, `++`/`--` assign.
 */
export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { k: 'num'; v: number } | { k: 'name'; v: string } | { k: 'op'; v: string };

const OPS = ['<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '|', '^', '?', ':', '(', ')'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(src.slice(i));
    if (num) {
      const text = num[1]!;
      let v: number;
      if (/^0[xX]/.test(text)) v = parseInt(text.slice(2), 16);
      else if (text.length > 1 && text.startsWith('0')) {
        if (/[89]/.test(text)) throw new ArithError('arithmetic syntax error');
        v = parseInt(text, 8);
      } else v = parseInt(text, 10);
      if (/^[A-Za-z_]/.test(src.slice(i + text.length))) throw new ArithError('arithmetic syntax error');
      out.push({ k: 'num', v });
      i += text.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ArithError('arithmetic syntax error');
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY_PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10, '**': 11,
};
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=']);

export function evaluateArithmetic(src: string, vars: ArithVars): number {
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const isOp = (v: string): boolean => {
    const t = toks[pos];
    return t !== undefined && t.k === 'op' && t.v === v;
  };
  const varValue = (name: string): number => {
    const raw = (vars.get(name) ?? '').trim();
    if (raw === '') return 0;
    if (/^-?\d+$/.test(raw)) return Number(raw);
    if (/^-?0[xX][0-9a-fA-F]+$/.test(raw)) return Number.parseInt(raw, 16);
    return evaluateArithmetic(raw, vars);
  };
  const int = (n: number): number => Math.trunc(n);

  function binary(a: number, op: string, b: number): number {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/':
      case '%':
        if (b === 0) throw new ArithError('divide by zero');
        return op === '/' ? int(a / b) : a % b;
      case '**': return a ** b;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '<': return a < b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&&': return a && b ? 1 : 0;
      case '||': return a || b ? 1 : 0;
    }
    throw new ArithError('arithmetic syntax error');
  }

  function assignment(): number {
    const t = peek();
    const n = toks[pos + 1];
    if (t?.k === 'name' && n?.k === 'op' && ASSIGN_OPS.has(n.v)) {
      pos += 2;
      const rhs = assignment();
      const v = n.v === '=' ? rhs : binary(varValue(t.v), n.v.slice(0, -1), rhs);
      vars.set(t.v, String(v));
      return v;
    }
    return ternary();
  }

  function ternary(): number {
    const cond = binop(1);
    if (!isOp('?')) return cond;
    pos++;
    const a = assignment();
    if (!isOp(':')) throw new ArithError('arithmetic syntax error');
    pos++;
    const b = assignment();
    return cond ? a : b;
  }

  function binop(minPrec: number): number {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.k !== 'op') return left;
      const prec = BINARY_PREC[t.v];
      if (prec === undefined || prec < minPrec) return left;
      pos++;
      const right = binop(t.v === '**' ? prec : prec + 1);
      left = binary(left, t.v, right);
    }
  }

  function unary(): number {
    const t = peek();
    if (t?.k === 'op') {
      if (t.v === '++' || t.v === '--') {
        pos++;
        const n = peek();
        if (n?.k !== 'name') throw new ArithError('arithmetic syntax error');
        pos++;
        const v = varValue(n.v) + (t.v === '++' ? 1 : -1);
        vars.set(n.v, String(v));
        return v;
      }
      if (t.v === '-' || t.v === '+' || t.v === '!' || t.v === '~') {
        pos++;
        const v = unary();
        return t.v === '-' ? -v : t.v === '+' ? v : t.v === '!' ? (v ? 0 : 1) : ~v;
      }
    }
    return primary();
  }

  function primary(): number {
    const t = toks[pos++];
    if (!t) throw new ArithError('arithmetic syntax error');
    if (t.k === 'num') return t.v;
    if (t.k === 'name') {
      const n = peek();
      if (n?.k === 'op' && (n.v === '++' || n.v === '--')) {
        pos++;
        const v = varValue(t.v);
        vars.set(t.v, String(v + (n.v === '++' ? 1 : -1)));
        return v;
      }
      return varValue(t.v);
    }
    if (t.v === '(') {
      const v = assignment();
      if (!isOp(')')) throw new ArithError('arithmetic syntax error');
      pos++;
      return v;
    }
    throw new ArithError('arithmetic syntax error');
  }

  if (toks.length === 0) return 0;
  const result = assignment();
  if (pos !== toks.length) throw new ArithError('arithmetic syntax error');
  return int(result);
}
