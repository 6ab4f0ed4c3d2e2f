import { statSync } from 'node:fs';
import { RealClock } from '../../clock/real-clock.js';
import { createCriClient } from '../../cri/client.js';
import { Kubelet, type KubeletNodeStatus } from '../../kubelet/kubelet.js';
import { summarizePod, type PodSummary } from '../../kubelet/status/pod-summary.js';
import { parseDuration } from '../../scenario/duration.js';
import { TraceBus } from '../../trace/bus.js';
import type { TraceEvent } from '../../trace/events.js';
import { CliError, EXIT_BAD_INPUT } from '../exit-codes.js';

export interface KubeletCliOptions {
  runtimeEndpoint: string;
  podManifestPath?: string;
  manifestUrl?: string;
  nodeName: string;
  nodeIp: string;
  fileCheckFrequency: string;
  httpCheckFrequency: string;
  json?: boolean;
  verbose?: boolean;
}

function durationOption(name: string, text: string): number {
  const d = parseDuration(text);
  if (!d.ok || d.ms <= 0) throw new CliError(`--${name} must be a positive duration such as 20s or 500ms, got "${text}"`, EXIT_BAD_INPUT);
  return d.ms;
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

/** `kubectl get pods -w` style: a header once, then one line per change. */
export function podLine(s: PodSummary): string {
  return `${pad(s.pod, 32)}${pad(s.ready, 8)}${pad(s.status, 26)}${pad(String(s.restarts), 10)}${s.ip || '<none>'}`;
}
export const podHeader = `${pad('NAMESPACE/NAME', 32)}${pad('READY', 8)}${pad('STATUS', 26)}${pad('RESTARTS', 10)}IP`;

/** `crilab kubelet`: run until SIGINT or SIGTERM, printing each pod status change. */
export async function runKubelet(opts: KubeletCliOptions): Promise<void> {
  if (!opts.runtimeEndpoint.startsWith('unix://')) throw new CliError(`--runtime-endpoint must be a unix:// endpoint, got "${opts.runtimeEndpoint}"`, EXIT_BAD_INPUT);
  if (!opts.podManifestPath && !opts.manifestUrl) throw new CliError('give --pod-manifest-path or --manifest-url (where the static pods come from)', EXIT_BAD_INPUT);
  if (opts.podManifestPath) {
    try {
      statSync(opts.podManifestPath);
    } catch {
      throw new CliError(`--pod-manifest-path ${opts.podManifestPath}: no such file or directory`, EXIT_BAD_INPUT);
    }
  }
  const fileCheckFrequencyMs = durationOption('file-check-frequency', opts.fileCheckFrequency);
  const httpCheckFrequencyMs = durationOption('http-check-frequency', opts.httpCheckFrequency);

  const clock = new RealClock();
  const bus = new TraceBus(clock, { keep: false });
  const cri = createCriClient({ endpoint: opts.runtimeEndpoint, clock, trace: bus.forSource('kubelet'), name: 'kubelet' });
  try {
    await cri.waitForReady(10_000);
  } catch (err) {
    cri.close();
    throw new CliError(`cannot reach the runtime at ${opts.runtimeEndpoint}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const kubelet = new Kubelet({
    cri,
    clock,
    trace: bus.forSource('kubelet'),
    nodeName: opts.nodeName,
    nodeIP: opts.nodeIp,
    ...(opts.podManifestPath ? { staticPodPath: opts.podManifestPath, fileCheckFrequencyMs } : {}),
    ...(opts.manifestUrl ? { staticPodURL: opts.manifestUrl, httpCheckFrequencyMs } : {}),
  });

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const last = new Map<string, string>();
  if (!opts.json) out(podHeader);
  bus.subscribe((e: TraceEvent) => {
    if (e.kind === 'pod.status') {
      const pod = kubelet.pod(e.uid);
      if (!pod) return;
      const s = summarizePod(pod, e.status as Parameters<typeof summarizePod>[1]);
      const line = opts.json ? JSON.stringify({ time: new Date(e.t).toISOString(), ...s }) : podLine(s);
      const key = opts.json ? JSON.stringify({ ...s }) : line;
      if (last.get(e.uid) === key) return;
      last.set(e.uid, key);
      out(line);
    } else if (e.kind === 'machine.transition' && e.machine === 'pod-worker' && e.to === 'terminated') {
      // A deleted pod's worker is done: print it once more as gone (kubectl's DELETED watch event).
      const uid = [...last.keys()].find((u) => { const p = kubelet.pod(u); return p && `${p.metadata?.namespace}/${p.metadata?.name}` === e.id; });
      const pod = uid ? kubelet.pod(uid) : undefined;
      const status = uid ? kubelet.podStatus(uid) : undefined;
      if (!pod || !status || !pod.metadata?.deletionTimestamp) return;
      const s = summarizePod(pod, status);
      out(opts.json ? JSON.stringify({ time: new Date(e.t).toISOString(), event: 'DELETED', ...s }) : podLine({ ...s, status: '<deleted>' }));
    } else if (e.kind === 'node.status') {
      const s = e.status as KubeletNodeStatus;
      err(`node ${s.nodeName} ${s.ready ? 'Ready' : 'NotReady'}: ${s.message}`);
    } else if (opts.verbose && e.kind === 'kube.event') {
      err(`event ${e.pod} ${e.type} ${e.reason}: ${e.message}`);
    } else if (e.kind === 'log' && (opts.verbose || e.level === 'error')) {
      err(`kubelet: ${e.message}`);
    }
  });

  try {
    await kubelet.start();
  } catch (e) {
    kubelet.stop();
    cri.close();
    throw new CliError(`the kubelet could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
  err(`crilab kubelet: node ${opts.nodeName}, runtime ${kubelet.runtimeName} ${kubelet.runtimeVersion} at ${opts.runtimeEndpoint}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  // Like the real kubelet, stopping it leaves the pods running.
  kubelet.stop();
  await Promise.race([cri.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
  cri.close();
  clock.stop();
  err('crilab kubelet: stopped (pods keep running in the runtime)');
}
