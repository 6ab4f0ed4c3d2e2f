import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from './shell-helpers.js';

/**
 * The same scripts through real busybox sh (Debian's busybox-static, which the containerd lab
 * installs) and through crilab's shell: stdout, stderr and exit status must match. Skipped
 * where busybox is not installed.
 */
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'crilab-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPTS = [
  `echo 'a  $x' "b  $x" c\\ \\$x; y="p   q"; printf "[%s]" $y "$y"; echo`,
  'echo ${u:-def} ${u-d2} ${x:+alt} ${#x}; v=a.b.c; echo ${v#*.} ${v##*.} ${v%.*} ${v%%.*}',
  'echo $((3 + 4 * 2)) $((17 / 5)) $((17 % 5)) $((2 > 1)) $((x ? 10 : 20)); i=5; : $((i-=2)); echo $i',
  'echo -n a; echo -e "b\\tc\\101\\0101"; echo -- -n; echo -ne "x\\cy"; echo; echo -e -n z; echo',
  'printf "%s-%d-%%\\n" a 5 b; printf "%5s|%-4d|%x|%X|%o|%05.1f|%e|%g|%c\\n" ab 7 255 255 8 3.14159 12345.678 0.0001 xyz',
  'printf "%d\\n" 12abc; echo "st $?"',
  'test 1 -eq a; echo $?; [ a = b ]; echo $?; [ -z ]; echo $?; [ 1 -lt ]; echo $?; [ 1 = 1; echo $?; test a b c; echo $?',
  'test -n "" -o 1 -gt 0 && echo or; [ ! -d /nonexistent-crilab ] && echo not',
  'nosuchcmd-crilab; echo "st $?"',
  'cat /nonexistent-crilab; echo "st $?"; rm /nonexistent-crilab; echo "st $?"',
  'mkdir "$D/a/b"; echo "st $?"; mkdir -p "$D/a/b" && touch "$D/a/b/f" && ls "$D/a/b" && rm -r "$D/a"; ls "$D"; echo done',
  'echo one > "$D/f"; echo two >> "$D/f"; wc -l "$D/f"; wc -l < "$D/f"; wc "$D/f"; cat "$D/f" | wc -w',
  'printf "l1\\nl2 w x\\n" > "$D/r"; while read a b; do echo "<$a|$b>"; done < "$D/r"',
  'for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; i=0; until [ $i -ge 2 ]; do echo u$i; i=$((i+1)); done',
  'if false; then echo a; elif true; then echo b; fi; ! false; echo $?; false || echo or; true && echo and',
  '{ echo g1; echo g2; } > "$D/g"; cat "$D/g"; (exit 7); echo $?; x=$(exit 4); echo $?',
  'trap "echo bye" EXIT; echo hi; exit 3',
  'set -e; false || echo tested; false; echo no',
  'exit foo',
  'exit 300',
  'cd /nonexistent-crilab; echo "st $?"; echo x > /nonexistent-crilab/f; echo "st $?"',
  'kill -9 999999; echo $?; kill; echo $?; kill -FOO 1; echo $?',
  'trap "echo x" TERM INT; trap; trap "echo" FOO; echo $?',
  'echo $(echo a; echo b) "$(printf "c\\n\\n")" `echo d`',
  'sleep x; echo $?',
  'while true; do done',
  'if true; then echo; done',
  'echo "abc',
  'echo ${x',
  'echo a\ndone\necho b',
  'sh -c "exit 5"; echo $?; sh -c \'echo $0 $1\' name arg',
  'A=1 printenv A; export B=2; printenv B; env -i C=3 env',
  'seq 3; seq 2 4 | wc -l; printenv D >/dev/null && echo has-D',
  'echo out; echo err >&2; echo both 2>&1 1>/dev/null',
  'set -- a "b c" d; echo $#; for x in "$@"; do echo "<$x>"; done; for x in $*; do echo "[$x]"; done; shift 2; echo "$# $1"; shift 5; echo $?',
  'echo "a\\nb" \'x\\ny\' "\\$HOME" "\\q"; echo -e "\\x41\\0102"; echo "${u:-"p q"}" ${u:-p  q}',
  'for i in 1 2; do for j in a b c; do [ $j = b ] && continue 2; echo $i$j; done; done; for i in 1 2; do while :; do break 2; done; echo no; done; echo end',
  'touch "$D/f"; [ -f "$D/f" ] && echo f; [ -d "$D/f" ] || echo notdir; [ -e "$D" ] && echo e; [ "" ] || echo empty; [ -s "$D/f" ] || echo zero',
  'exec 3>&1; echo to3 >&3; exec > "$D/o"; echo hidden; exec >&3; cat "$D/o"',
  'x=1; y=$x$x; echo ${y}z "${y}"z $yz.; unset y; echo "[${y}]"',
  'sleep 1 & wait $!; echo "w $?"; wait 12345; echo "w $?"',
  'false; echo $? $?; (exit 300); echo $?',
  'echo $(( 1 + ))',
  'read a < /nonexistent-crilab; echo $?',
];

describe.skipIf(!BUSYBOX)('crilab sh against busybox sh', () => {
  it.each(SCRIPTS)('%s', async (script) => {
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', x: '1', D: dir };
    mkdirSync(dir, { recursive: true });
    const real = spawnSync(BUSYBOX!, ['sh', '-c', script], { env, encoding: 'utf8', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
    const sim = await sh(script, { env, files: { [`${dir}/`]: '' } });
    expect({ stdout: sim.stdout, stderr: sim.stderr, status: sim.exit.exitCode }).toEqual({ stdout: real.stdout, stderr: real.stderr, status: real.status });
  });
});
