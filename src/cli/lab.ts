/** `crilab lab up|down|status`: a private containerd (with CRI), CNI and a local registry for workshops and CI. */
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_LAB_DIR, DEFAULT_REGISTRY_PORT } from '../backends/containerd/lab/paths.js';

const dirHelp = `lab directory (default: $CRILAB_LAB_DIR or ${DEFAULT_LAB_DIR})`;
/** `crilab lab status | head -1` must not die of EPIPE: a closed reader just means stop printing. */
let pipeGuarded = false;
function guardPipes(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}
const print = (line: string) => {
  guardPipes();
  if (!process.stdout.destroyed) process.stdout.write(`${line}\n`);
};
const printErr = (line: string) => {
  guardPipes();
  if (!process.stderr.destroyed) process.stderr.write(`${line}\n`);
};

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a TCP port (1-65535)');
  return n;
}

export function labCommand(): Command {
  const lab = new Command('lab')
    .description('a private containerd with its CRI plugin, CNI bridge and a local registry (Debian, root)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok; 1 failed (the failing step and a fix are printed); status: 3 when the lab is down.
The CRI endpoint of the lab is unix://<dir>/containerd.sock.`,
    );

  lab
    .command('up')
    .description('install what is missing (apt), build and push the images, start the registry and containerd')
    .option('--dir <path>', dirHelp)
    .option('--no-install', 'do not run apt-get; fail if a package is missing')
    .option('--registry-port <port>', `port of the registry on 127.0.0.1`, parsePort, DEFAULT_REGISTRY_PORT)
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .action(async (o: { dir?: string; install: boolean; registryPort: number; json?: boolean }) => {
      const { labUp } = await import('../backends/containerd/lab/up.js');
      const r = await labUp({ dir: o.dir, install: o.install, registryPort: o.registryPort, log: o.json ? printErr : print });
      if (o.json) print(JSON.stringify(r, null, 2));
      process.exitCode = r.ok ? 0 : 1;
    });

  lab
    .command('down')
    .description('stop what `lab up` started and remove what it created (packages stay unless --purge-packages)')
    .option('--dir <path>', dirHelp)
    .option('--purge-packages', 'also apt-get purge the packages `lab up` installed')
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .action(async (o: { dir?: string; purgePackages?: boolean; json?: boolean }) => {
      const { labDown } = await import('../backends/containerd/lab/down.js');
      const r = await labDown({ dir: o.dir, purgePackages: Boolean(o.purgePackages), log: o.json ? printErr : print });
      if (o.json) print(JSON.stringify(r, null, 2));
      process.exitCode = r.ok ? 0 : 1;
    });

  lab
    .command('status')
    .description('show what is installed and running; exit 0 when up, 3 when down')
    .option('--dir <path>', dirHelp)
    .option('--json', 'print the status as JSON')
    .action(async (o: { dir?: string; json?: boolean }) => {
      const { labStatus, printStatus } = await import('../backends/containerd/lab/status.js');
      const st = await labStatus({ dir: o.dir });
      if (o.json) print(JSON.stringify(st, null, 2));
      else printStatus(st, print);
      process.exitCode = st.up ? 0 : 3;
    });

  return lab;
}
