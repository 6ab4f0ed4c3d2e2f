import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RealClock } from '../../clock/real-clock.js';
import { createCriClient } from '../../cri/client.js';
import type { TraceBus } from '../../trace/bus.js';
import { OWNER_LABEL, type Backend, type PodRef } from '../backend.js';
import { CniAddFault } from './cni-add-fault.js';
import { ContainerLogTail } from './container-log-tail.js';
import { containerdFaults } from './containerd-faults.js';
import { watchCriCalls } from './cri-call-watch.js';
import { containerdEndpoint, isLabEndpoint, probeCri } from './endpoint.js';
import { freshenLabIpam } from './ipam-fresh.js';
import { prepareNodeImages, type NodeImagesPlan } from './node-images.js';
import { startLabContainerd, stopLabContainerd } from './lab/containerd-daemon.js';
import { labPaths } from './lab/paths.js';
import { ObservedMachines } from './observed-machines.js';
import { OwnedPods } from './owned-pods.js';
import { PodLogDirs } from './pod-log-dirs.js';
import { SandboxNetns } from './sandbox-netns.js';

/** The labels every sandbox and container crilab creates on containerd carries. */
export const CONTAINERD_OWNER_LABELS: Readonly<Record<string, string>> = { [OWNER_LABEL]: 'true' };

/** Deadline of the backend's own calls (lookups for faults, the clean-up at the end). */
const SIDE_CALL_TIMEOUT_MS = 30_000;

export interface ContainerdBackendOptions {
  /** `unix:///…`; default `$CRILAB_CONTAINERD_ENDPOINT`, then the lab's socket. */
  endpoint?: string;
  /** The run's trace: the backend follows the kubelet's calls on it and adds container output. */
  bus?: TraceBus;
  /** The lab's directory (default as `crilab lab` resolves it). */
  labDir?: string;
  /** Make the lab's IPAM start again at .2 when no address is in use (default true). */
  freshIpam?: boolean;
  /** The node's image store as the scenario declares it (done on the lab only). */
  images?: NodeImagesPlan;
}

export interface ContainerdBackend extends Backend {
  kind: 'containerd';
  clock: RealClock;
  podLogsDir: string;
  runtimeVersion: string;
  /** Sandboxes (ids) the kubelet created through this backend during the run. */
  readonly createdSandboxes: ReadonlySet<string>;
  /** Whether the endpoint is the lab's (faults that need the lab work only then). */
  lab: boolean;
}

/**
 * The containerd backend: crilab's kubelet drives a real containerd over its CRI socket, on
 * the real clock. Safety: everything the kubelet creates carries `dev.crilab.owned=true`;
 * lookups for faults select by that label; at the end, the sandboxes this run created (and
 * only those, checked again by label) are stopped and removed. Pods of anyone else on the
 * same runtime are never listed, signalled or removed.
 */
export async function openContainerdBackend(opts: ContainerdBackendOptions = {}): Promise<ContainerdBackend> {
  const endpoint = containerdEndpoint(opts.endpoint);
  const probe = await probeCri(endpoint);
  if (!probe.ok) throw new Error(`${probe.reason}; start the lab with \`crilab lab up\` or set --backend sim`);
  const lab = isLabEndpoint(endpoint, opts.labDir);
  const paths = lab ? labPaths(opts.labDir) : undefined;
  if (paths && opts.freshIpam !== false) freshenLabIpam(paths.ipamDataDir);

  const clock = new RealClock();
  const ownerLabels = { ...CONTAINERD_OWNER_LABELS };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crilab-containerd-'));
  const podLogsDir = path.join(root, 'pods');
  fs.mkdirSync(podLogsDir, { mode: 0o755 });

  const cri = createCriClient({ endpoint, clock, name: 'crilab-backend', timeoutMs: SIDE_CALL_TIMEOUT_MS });
  const pods = new OwnedPods(cri, ownerLabels);
  if (lab && opts.images) await prepareNodeImages(cri, opts.images);
  const logDirs = new PodLogDirs();
  const tail = new ContainerLogTail(opts.bus?.forSource('runtime'));
  const cni = paths ? new CniAddFault(paths) : undefined;
  const netns = new SandboxNetns(cri);
  const machines = new ObservedMachines(opts.bus?.forSource('runtime'));
  const created = new Set<string>();
  const unwatch = opts.bus
    ? watchCriCalls(opts.bus, {
        onRequest: (call) => logDirs.onRequest(call),
        onResponse: (call) => {
          if (call.method === 'RunPodSandbox' && typeof call.response?.['podSandboxId'] === 'string') created.add(call.response['podSandboxId']);
          machines.onResponse(call);
          tail.onResponse(call);
          cni?.onResponse(call);
          netns.onResponse(call);
        },
      })
    : () => undefined;

  // A runtime this run stopped is started again when the run ends: the lab is left as found.
  let runtimeStopped = false;
  const runtime = {
    stop: async () => {
      await stopLabContainerd(opts.labDir);
      runtimeStopped = true;
    },
    start: async () => {
      await startLabContainerd(opts.labDir);
      runtimeStopped = false;
    },
  };
  const faults = containerdFaults({ cri, pods, ...(cni ? { cni } : {}), ...(lab ? { runtime } : {}) });

  let closed = false;
  return {
    kind: 'containerd',
    endpoint,
    clock,
    ownerLabels,
    faults,
    podLogsDir,
    runtimeVersion: probe.runtimeVersion,
    createdSandboxes: created,
    lab,
    netnsExists: (pod: PodRef) => netns.exists(pod),
    describe: () => `${probe.runtimeName} ${probe.runtimeVersion} at ${endpoint}${lab ? ' (the crilab lab)' : ''}`,
    close: async () => {
      if (closed) return;
      closed = true;
      unwatch();
      cni?.restore();
      tail.close();
      clock.stop();
      try {
        if (runtimeStopped) await runtime.start();
        await removeCreatedSandboxes(cri, pods, created);
      } finally {
        cri.close();
        logDirs.removeMade();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * StopPodSandbox + RemovePodSandbox of every sandbox this run created that still exists and
 * still carries the owner label (a sandbox is listed by label first: an ID alone is never
 * trusted). Removing a sandbox removes its containers.
 */
export async function removeCreatedSandboxes(cri: ReturnType<typeof createCriClient>, pods: OwnedPods, created: ReadonlySet<string>): Promise<string[]> {
  if (created.size === 0) return [];
  const owned = await pods.ownedSandboxIds();
  const removed: string[] = [];
  for (const id of created) {
    if (!owned.has(id)) continue;
    await cri.runtime.StopPodSandbox({ podSandboxId: id });
    await cri.runtime.RemovePodSandbox({ podSandboxId: id });
    removed.push(id);
  }
  return removed;
}
