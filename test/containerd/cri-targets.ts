/**
 * The two CRI servers the differential suite drives with the same script: crilab's simulated
 * runtime served on a private socket (on the real clock, so that a script's real waiting means
 * the same thing on both), and the lab's containerd. Each target also knows the few things a
 * CRI client cannot do by itself: read a container's log file, kill a sandbox's pause process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { taskPid } from '../../src/backends/containerd/owned-pods.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';

/** An image no registry serves, for the failing pull. */
export const MISSING_IMAGE = 'docker.io/library/crilab-no-such-image:1.0';

export interface CriTarget {
  name: 'sim' | 'containerd';
  cri: CriClient;
  /** Where the script puts pod log directories (the kubelet's podLogsDir). */
  podLogsDir: string;
  /** Make a log directory as the kubelet does before RunPodSandbox / CreateContainer. */
  mkdirLogDir(dir: string): void;
  /** The text of the CRI log file at the path ContainerStatus reports. */
  readLog(logPath: string): string;
  /** SIGKILL the sandbox's pause process. */
  killPause(sandboxId: string, pod: { name: string; namespace: string }): Promise<void>;
  close(): Promise<void>;
}

function tempRoot(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function simTarget(): Promise<CriTarget> {
  const root = tempRoot('crilab-diff-sim-');
  const clock = new RealClock();
  const runtime = new SimRuntime({ clock, seed: 1, nodeName: 'node-1', podCIDR: '10.244.0.0/24', logRoot: path.join(root, 'logs') });
  // the lab registry has only the lab's images: the simulated registry is told the same about
  // the one image the cases pull and nobody serves
  runtime.registry.set(MISSING_IMAGE, { missing: true });
  const endpoint = `unix://${path.join(root, 'runtime.sock')}`;
  await runtime.serve(endpoint);
  const cri = createCriClient({ endpoint, clock, name: 'diff' });
  const podLogsDir = '/var/log/pods';
  return {
    name: 'sim',
    cri,
    podLogsDir,
    // the simulator places every log path under its log root, creating directories itself
    mkdirLogDir: () => undefined,
    readLog: (logPath) => fs.readFileSync(path.join(root, 'logs', logPath), 'utf8'),
    killPause: async (_id, pod) => runtime.killPause(pod.name, pod.namespace),
    close: async () => {
      cri.close();
      await runtime.close();
      clock.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function containerdTarget(endpoint: string): Promise<CriTarget> {
  const root = tempRoot('crilab-diff-ctrd-');
  const clock = new RealClock();
  const cri = createCriClient({ endpoint, clock, name: 'diff' });
  return {
    name: 'containerd',
    cri,
    podLogsDir: path.join(root, 'pods'),
    mkdirLogDir: (dir) => fs.mkdirSync(dir, { recursive: true, mode: 0o755 }),
    readLog: (logPath) => fs.readFileSync(logPath, 'utf8'),
    killPause: async (id) => {
      const st = await cri.runtime.PodSandboxStatus({ podSandboxId: id, verbose: true });
      process.kill(taskPid(st.info, `sandbox ${id}`), 'SIGKILL');
    },
    close: async () => {
      cri.close();
      clock.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
