import { constants as osConstants } from 'node:os';
import type { CriClient } from '../../cri/client.js';
import type { PodRef, RuntimeFaults } from '../backend.js';
import type { CniAddFault } from './cni-add-fault.js';
import type { OwnedPods } from './owned-pods.js';

/** Exit status of a process killed by signal N, as runc's shim reports it: 128 + N. */
export const SIGNAL_EXIT_BASE = 128;
export const SIGKILL_EXIT_CODE = SIGNAL_EXIT_BASE + osConstants.signals.SIGKILL;

/**
 * The memory limit set for an `oomKill`, above what the container already uses: low enough for
 * a few doublings of a shell string to hit it, high enough that the container's own processes
 * are not the ones the OOM killer picks first.
 */
export const OOM_HEADROOM_BYTES = 16 * 1024 * 1024;
/** A busybox-sh memory hog: doubles a string until the cgroup's OOM killer ends it. */
export const OOM_HOG = ['sh', '-c', 'a=0123456789abcdef; while :; do a="$a$a"; done'];
/** How long ExecSync of the hog may take (seconds, CRI's unit) before we give up. */
export const OOM_HOG_TIMEOUT_S = 20;
/** How long a signalled container may take to be reported exited. */
export const EXIT_WAIT_MS = 5000;

export class UnsupportedFault extends Error {
  constructor(message: string) {
    super(`not possible on containerd: ${message}`);
    this.name = 'UnsupportedFault';
  }
}

export interface ContainerdFaultsDeps {
  cri: CriClient;
  pods: OwnedPods;
  /** The lab's CNI fault; absent when the endpoint is not the lab's. */
  cni?: CniAddFault;
  /** Stop/start the runtime process; absent when the endpoint is not the lab's. */
  runtime?: { stop(): Promise<void>; start(): Promise<void> };
  /** Signals a host PID (process.kill by default; tests may observe it). */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults done with real means on containerd. What is exact and what is not:
 * - crash with exit code 137: SIGKILL to the container's task (exact for any program).
 *   Other codes 129–159: the signal (code − 128) is sent; exact only when the program dies of
 *   it (busybox sh as PID 1 does for SIGTERM, SIGHUP, SIGUSR1…); checked, and a mismatch fails
 *   the step. Codes below 129 cannot be forced from outside: a process chooses its own exit
 *   code; write the container's command to exit with it instead.
 * - oomKill: a real OOM event in the container's memory cgroup (a lowered limit and a memory
 *   hog exec'd inside), then SIGKILL to the task: exit 137, reason OOMKilled, as containerd
 *   reports it only after the kernel's OOM notification.
 * - killPause: SIGKILL to the sandbox task (the pause process): exact.
 * - cniAddFails: the lab's conflist is swapped for one whose ADD fails (lab only).
 * - imagePullFails / imagePullSlow: not possible (the lab registry serves its images; an image it
 *   does not have fails every pull with NotFound, which a scenario gets by naming one).
 * - runtimeStop / runtimeStart: the lab's containerd process is stopped and started (lab only).
 */
export function containerdFaults(deps: ContainerdFaultsDeps): RuntimeFaults {
  const kill = deps.kill ?? ((pid, signal) => process.kill(pid, signal));

  async function waitExited(containerId: string) {
    const deadline = Date.now() + EXIT_WAIT_MS;
    for (;;) {
      const st = (await deps.cri.runtime.ContainerStatus({ containerId })).status;
      if (st?.state === 'CONTAINER_EXITED') return st;
      if (Date.now() > deadline) return undefined;
      await sleep(50);
    }
  }

  return {
    async crashContainer(pod: PodRef, container: string, exitCode: number) {
      const signo = exitCode - SIGNAL_EXIT_BASE;
      const signal = Object.entries(osConstants.signals).find(([, n]) => n === signo)?.[0] as NodeJS.Signals | undefined;
      if (!signal) {
        throw new UnsupportedFault(
          `a crash with exit code ${exitCode}: from outside a process can only be ended by a signal (exit 128+N, e.g. 137 for SIGKILL, 143 for SIGTERM); write the container's command to exit ${exitCode} itself (sh -c '…; exit ${exitCode}')`,
        );
      }
      const c = await deps.pods.runningContainer(pod, container);
      kill(c.pid, signal);
      if (signal === 'SIGKILL') return;
      const st = await waitExited(c.id);
      if (!st) throw new Error(`container "${container}" did not die of ${signal} (its program handles or ignores it); use exit code ${SIGKILL_EXIT_CODE} (SIGKILL)`);
      if (st.exitCode !== exitCode) throw new Error(`container "${container}" exited ${st.exitCode} on ${signal}, not ${exitCode}`);
    },

    async oomKill(pod, container) {
      const c = await deps.pods.runningContainer(pod, container);
      const stats = await deps.cri.runtime.ContainerStats({ containerId: c.id }).catch(() => undefined);
      const used = Number(stats?.stats?.memory?.workingSetBytes?.value ?? 0);
      const limit = used + OOM_HEADROOM_BYTES;
      await deps.cri.runtime.UpdateContainerResources({ containerId: c.id, linux: { memoryLimitInBytes: String(limit) } });
      const hog = await deps.cri.runtime.ExecSync({ containerId: c.id, cmd: OOM_HOG, timeout: String(OOM_HOG_TIMEOUT_S) }).catch((err: Error) => err);
      if (hog instanceof Error && !/exited|not running|CONTAINER_EXITED/.test(hog.message)) throw hog;
      try {
        kill(c.pid, 'SIGKILL');
      } catch (err) {
        // the OOM killer may have chosen the container's own process: it is gone already
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
      const st = await waitExited(c.id);
      if (st && st.reason !== 'OOMKilled') throw new Error(`container "${container}" was killed but the kernel reported no OOM (reason ${st.reason})`);
    },

    async killPause(pod) {
      const s = await deps.pods.readySandbox(pod);
      kill(s.pid, 'SIGKILL');
    },

    failCniAdd(times) {
      if (!deps.cni) throw new UnsupportedFault('a CNI ADD failure needs the lab (crilab swaps its CNI config); this endpoint is not the lab\'s');
      // the runner awaits what a fault returns; the swap is done before the next step
      return deps.cni.arm(times);
    },

    failImagePull(image) {
      throw new UnsupportedFault(
        `failing pulls of ${image}: the lab registry serves the images it has; to see a failing pull on containerd, name an image the lab registry does not have (the pull fails with NotFound every time)`,
      );
    },

    slowImagePull(image) {
      throw new UnsupportedFault(`slowing pulls of ${image}: the lab registry answers at loopback speed`);
    },

    async stopRuntime() {
      if (!deps.runtime) throw new UnsupportedFault('stopping a runtime crilab did not start; only the lab\'s containerd can be stopped');
      await deps.runtime.stop();
    },

    async startRuntime() {
      if (!deps.runtime) throw new UnsupportedFault('starting a runtime crilab did not start; only the lab\'s containerd can be started');
      await deps.runtime.start();
    },
  };
}
