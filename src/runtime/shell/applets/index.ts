import { baseName } from '../container-fs.js';
import { shellMain } from '../sh-main.js';
import type { Program, ProgramContext } from '../program.js';
import { BUSYBOX_BANNER } from './busybox-version.js';
import { dateMain } from './date.js';
import { echoMain } from './echo.js';
import { envMain, falseMain, hostnameMain, printenvMain, seqMain, trueMain } from './env-applets.js';
import { catMain, lsMain, mkdirMain, rmMain, touchMain, wcMain } from './file-applets.js';
import { killMain } from './kill.js';
import { printfMain } from './printf.js';
import { sleepMain } from './sleep.js';
import { testMain } from './test.js';

/** The busybox applets crilab implements. Each is also a link in /bin of a busybox image. */
export const APPLETS: Readonly<Record<string, Program>> = {
  sh: shellMain,
  ash: shellMain,
  echo: echoMain,
  printf: printfMain,
  test: testMain,
  '[': testMain,
  '[[': testMain,
  true: trueMain,
  false: falseMain,
  sleep: sleepMain,
  cat: catMain,
  touch: touchMain,
  rm: rmMain,
  mkdir: mkdirMain,
  ls: lsMain,
  wc: wcMain,
  env: envMain,
  printenv: printenvMain,
  hostname: hostnameMain,
  date: dateMain,
  kill: killMain,
  seq: seqMain,
};

/** The multi-call binary: the applet is the name it was run as, or its first argument when run as `busybox`. */
export async function busyboxMain(ctx: ProgramContext): Promise<number> {
  let argv = ctx.argv;
  if (baseName(argv[0] ?? '') === 'busybox') {
    argv = argv.slice(1);
    if (argv.length === 0) {
      ctx.stdout(`${BUSYBOX_BANNER}\n\nUsage: busybox [function [arguments]...]\n\nCurrently defined functions:\n\t${Object.keys(APPLETS).sort().join(', ')}\n`);
      return 0;
    }
  }
  const name = baseName(argv[0] ?? '');
  const applet = APPLETS[name];
  if (!applet) {
    ctx.stderr(`${name}: applet not found\n`);
    return 127;
  }
  return applet({ ...ctx, argv, appletName: name });
}
