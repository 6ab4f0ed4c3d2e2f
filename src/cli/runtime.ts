import { Command } from 'commander';
import { RealClock } from '../clock/real-clock.js';
import { TraceBus } from '../trace/bus.js';
import { SimRuntime } from '../runtime/sim-runtime.js';
import { TranscriptPrinter } from './transcript-printer.js';
import { useColor } from './run.js';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';

export function runtimeCommand(): Command {
  return new Command('runtime')
    .description('serve the simulated runtime alone on a CRI socket, for crictl or any CRI client')
    .requiredOption('--listen <endpoint>', 'where to serve CRI, e.g. unix:///tmp/crilab.sock')
    .option('--seed <n>', 'seed for IDs, IPs and digests', '1')
    .option('--pod-cidr <cidr>', 'the node pod CIDR the simulated CNI hands IPs from', '10.244.0.0/24')
    .option('--node-name <name>', 'the node name (default hostname of sandboxes)', 'node-1')
    .option('--json', 'print every call and transition as JSON lines')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (opts: { listen: string; seed: string; podCidr: string; nodeName: string; json?: boolean; quiet?: boolean }) => {
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
      const runtime = new SimRuntime({ clock, trace: bus.forSource('runtime'), seed: Number(opts.seed), podCIDR: opts.podCidr, nodeName: opts.nodeName });
      const server = await runtime.serve(opts.listen, true);
      process.stderr.write(`crilab runtime: serving CRI v1 on ${server.endpoint} (socket mode 0660); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await runtime.close();
      clock.stop();
      process.stderr.write('crilab runtime: stopped, socket removed\n');
    });
}
