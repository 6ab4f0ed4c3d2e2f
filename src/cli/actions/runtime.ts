import { resolve } from 'node:path';
import { RealClock } from '../../clock/real-clock.js';
import { TraceBus } from '../../trace/bus.js';
import { SimRuntime } from '../../runtime/sim-runtime.js';
import { TranscriptPrinter } from '../transcript-printer.js';
import { useColor } from '../options.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';

/** containerd's socket is 0660 (root and the socket's group); crilab serves with the same mode. */
const SOCKET_MODE = 0o660;

export interface RuntimeOptions {
  listen: string;
  seed: string;
  podCidr: string;
  nodeName: string;
  stateDir?: string;
  logRoot: string;
  json?: boolean;
  quiet?: boolean;
}

/** `crilab runtime --listen unix://…`: the simulated runtime alone, until SIGINT or SIGTERM. */
export async function serveRuntime(opts: RuntimeOptions): Promise<void> {
  if (!/^\d+$/.test(opts.seed)) throw new CliError(`--seed must be a whole number, got "${opts.seed}"`, EXIT_BAD_INPUT);
  if (!opts.listen.startsWith('unix://')) throw new CliError(`--listen must be a unix:// endpoint, got "${opts.listen}"`, EXIT_BAD_INPUT);
  // Real time: a client such as crictl waits on real sleeps and stop timeouts.
  const clock = new RealClock();
  const bus = new TraceBus(clock, { keep: false });
  const out = (line: string) => process.stdout.write(line + '\n');
  if (!opts.quiet) {
    if (opts.json) bus.subscribe((e) => out(JSON.stringify(e)));
    else {
      const printer = new TranscriptPrinter({ verbose: true, color: useColor(process.stdout), startMs: clock.now(), write: out });
      bus.subscribe((e) => printer.print(e));
    }
  }
  let runtime: SimRuntime;
  try {
    runtime = new SimRuntime({
      clock,
      trace: bus.forSource('runtime'),
      seed: Number(opts.seed),
      podCIDR: opts.podCidr,
      nodeName: opts.nodeName,
      logRoot: resolve(opts.logRoot),
      ...(opts.stateDir ? { stateDir: resolve(opts.stateDir) } : {}),
    });
  } catch (err) {
    throw new CliError(`cannot start the runtime: ${err instanceof Error ? err.message : String(err)}`, EXIT_BAD_INPUT);
  }
  const recovered = runtime.store.sandboxes.size + runtime.store.containers.size;
  let server;
  try {
    server = await runtime.serve(opts.listen, true, SOCKET_MODE);
  } catch (err) {
    await runtime.close();
    throw new CliError(`cannot serve on ${opts.listen}: ${err instanceof Error ? err.message : String(err)}`, EXIT_BAD_INPUT);
  }
  process.stderr.write(
    `crilab runtime: serving CRI v1 on ${server.endpoint} (socket mode 0${SOCKET_MODE.toString(8)})` +
      (opts.stateDir ? `, state in ${resolve(opts.stateDir)}${recovered ? ` (recovered ${runtime.store.sandboxes.size} sandboxes, ${runtime.store.containers.size} containers)` : ''}` : '') +
      '; Ctrl-C to stop\n',
  );
  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  // A second signal while shutting down: leave at once (the socket may stay behind).
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await runtime.close(); // stops serving, removes the socket, writes the state directory
  clock.stop();
  process.stderr.write(`crilab runtime: ${signal}: stopped, socket removed${opts.stateDir ? ', state saved' : ''}\n`);
}
