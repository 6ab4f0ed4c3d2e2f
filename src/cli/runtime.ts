import { Command } from 'commander';
import type { RuntimeOptions } from './actions/runtime.js';

/** `crilab runtime`: the simulated runtime alone on a CRI socket (the work is in actions/runtime.ts). */
export function runtimeCommand(): Command {
  return new Command('runtime')
    .description('serve the simulated runtime alone on a CRI socket, for crictl or any CRI client')
    .requiredOption('--listen <endpoint>', 'where to serve CRI, e.g. unix:///tmp/crilab.sock')
    .option('--state-dir <dir>', 'keep sandboxes, containers and images here and recover them on restart, as containerd does')
    .option('--log-root <dir>', 'directory the clients\' log paths are placed under ("/" writes them where asked, as containerd does)', '/')
    .option('--seed <n>', 'seed for IDs, IPs and digests', '1')
    .option('--pod-cidr <cidr>', 'the node pod CIDR the simulated CNI hands IPs from', '10.244.0.0/24')
    .option('--node-name <name>', 'the node name (default hostname of sandboxes)', 'node-1')
    .option('--json', 'print every call and transition as JSON lines')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (opts: RuntimeOptions) => (await import('./actions/runtime.js')).serveRuntime(opts));
}
