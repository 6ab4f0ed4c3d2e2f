import { Command } from 'commander';
import type { KubeletCliOptions } from './actions/kubelet.js';

/**
 * `crilab kubelet`: crilab's kubelet alone, on the real clock, against any CRI endpoint (the
 * simulated runtime served by `crilab runtime`, or containerd). Static pods come from
 * `--pod-manifest-path` (and/or `--manifest-url`); every change of a pod's status is printed
 * as one line, like `kubectl get pods -w`, or as JSON lines with `--json`.
 */
export function kubeletCommand(): Command {
  return new Command('kubelet')
    .description("run crilab's kubelet alone against a CRI runtime, with static pods from a directory")
    .requiredOption('--runtime-endpoint <endpoint>', 'the CRI socket, e.g. unix:///run/containerd/containerd.sock')
    .option('--pod-manifest-path <dir>', 'directory (or file) of static pod manifests (staticPodPath)')
    .option('--manifest-url <url>', 'URL serving static pod manifests (staticPodURL)')
    .option('--node-name <name>', 'the node name (static pods are named <name>-<node>)', 'node-1')
    .option('--node-ip <ip>', 'the node IP reported as hostIP', '192.168.0.10')
    .option('--file-check-frequency <duration>', 'how often the manifest directory is re-read', '20s')
    .option('--http-check-frequency <duration>', 'how often the manifest URL is polled', '20s')
    .option('--json', 'print each pod status change as a JSON line')
    .option('-v, --verbose', 'also print kubelet events and log lines on stderr')
    .action(async (opts: KubeletCliOptions) => (await import('./actions/kubelet.js')).runKubelet(opts));
}
