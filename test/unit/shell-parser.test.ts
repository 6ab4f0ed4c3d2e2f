import { describe, expect, it } from 'vitest';
import { parseScript, ShellSyntaxError } from '../../src/runtime/shell/index.js';
import { runArgv, sh } from './shell-helpers.js';

describe('shell parser', () => {
  it('parses lists, and-or chains, loops and conditionals into ash-shaped nodes', () => {
    const list = parseScript('a && b || c; while true; do x; done\nif p; then q; elif r; then s; else t; fi &');
    expect(list).toHaveLength(3);
    expect(list[0]!.andOr.tail.map((t) => t.op)).toEqual(['&&', '||']);
    expect(list[1]!.andOr.head.commands[0]!.type).toBe('while');
    const ifCmd = list[2]!.andOr.head.commands[0]!;
    expect(ifCmd.type).toBe('if');
    expect(list[2]!.background).toBe(true);
    if (ifCmd.type === 'if') {
      expect(ifCmd.clauses).toHaveLength(2);
      expect(ifCmd.elseBody).toHaveLength(1);
    }
  });

  it('reads assignments, redirections with io numbers, and for loops', () => {
    const [entry] = parseScript('A=1 B="x y" cmd arg >out 2>&1 <in');
    const cmd = entry!.andOr.head.commands[0]!;
    expect(cmd.type).toBe('simple');
    if (cmd.type !== 'simple') return;
    expect(cmd.assigns.map((a) => a.name)).toEqual(['A', 'B']);
    expect(cmd.words.map((w) => w.raw)).toEqual(['cmd', 'arg']);
    expect(cmd.redirs.map((r) => [r.fd, r.op, r.target.raw])).toEqual([
      [1, '>', 'out'],
      [2, '>&', '1'],
      [0, '<', 'in'],
    ]);
    const [loop] = parseScript('for x in a "b c"; do echo $x; done');
    const f = loop!.andOr.head.commands[0]!;
    expect(f.type === 'for' && f.items?.map((w) => w.raw)).toEqual(['a', '"b c"']);
  });

  it.each([
    ['while true; do done', 'unexpected "done"'],
    ['while true; do echo', 'unexpected end of file (expecting "done")'],
    ['if true; then echo; done', 'unexpected "done" (expecting "fi")'],
    ['echo "abc', 'unterminated quoted string'],
    ['echo ${x', "missing '}'"],
    ['echo a )', 'unexpected ")"'],
    ['for 1 in a; do :; done', 'bad for loop variable'],
  ])('reports busybox ash syntax errors: %s', (src, message) => {
    expect(() => parseScript(src)).toThrow(ShellSyntaxError);
    expect(() => parseScript(src)).toThrow(message);
  });

  it('prints the syntax error as busybox does and exits 2, after running earlier lines', async () => {
    const r = await sh('echo a\ndone');
    expect(r.stdout).toBe('a\n');
    expect(r.stderr).toBe('sh: syntax error: unexpected "done"\n');
    expect(r.exit.exitCode).toBe(2);
    const bin = await sh('while true; do done');
    expect(bin.stdout).toBe('');
    expect(bin.exit.exitCode).toBe(2);
  });
});

describe('quoting and expansion', () => {
  it.each([
    [`echo 'a  $x' "b  $x" c\\ \\$x`, 'a  $x b  1 c $x\n'],
    ['echo ${x} ${y:-def} ${y-d2} ${x:+alt} ${#x} ${y:=set} $y', '1 def d2 alt 1 set set\n'],
    ['v=a.b.c; echo ${v#*.} ${v##*.} ${v%.*} ${v%%.*}', 'b.c c a.b a\n'],
    ['echo $((x + 2 * 3)) $((10 / 3)) $((7 % 4)) $((1 << 4)) $((x > 0 ? 5 : 6))', '7 3 3 16 5\n'],
    ['i=0; i=$((i+1)); : $((i+=2)); echo $i', '3\n'],
    ['echo "$(echo inner; echo two)" `echo bq`', 'inner\ntwo bq\n'],
    ['y="a   b"; printf "[%s]" $y "$y"; echo', '[a][b][a   b]\n'],
    ['echo ""x"" "" | wc -c', '3\n'],
    ['false; echo $?; true; echo $?', '1\n0\n'],
    ['echo "a\\"b" \'it\'"\'"\'s\'', 'a"b it\'s\n'],
    ['echo a#b # comment', 'a#b\n'],
    ['echo line\\\ncontinued', 'linecontinued\n'],
  ])('%s', async (script, expected) => {
    const r = await sh(script, { env: { x: '1' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
  });

  it('gives $#, $@, "$@" and $0 from sh -c arguments', async () => {
    const r = await runArgv(['sh', '-c', 'echo $0 $#; for a in "$@"; do echo "<$a>"; done', 'name', 'one', 'two words']);
    expect(r.stdout).toBe('name 2\n<one>\n<two words>\n');
  });

  it('expands $$ to the PID (1 for the container main process) and $! to the last background job', async () => {
    const r = await sh('echo $$; sleep 1 & echo $!; wait');
    expect(r.stdout).toBe('1\n2\n');
  });

  it('exits 2 on arithmetic and ${x:?} errors with busybox wording', async () => {
    const div = await sh('echo $((1/0)); echo after');
    expect(div.stderr).toBe('sh: divide by zero\n');
    expect(div.exit.exitCode).toBe(2);
    const unset = await sh('echo ${nope:?}; echo after');
    expect(unset.stderr).toBe('sh: nope: parameter not set or null\n');
    expect(unset.stdout).toBe('');
  });
});
