import fs from 'node:fs';
import path from 'node:path';
import { CNI_VERSION } from './lab/cni-config.js';
import { CNI_BIN_DIR, LAB_NETWORK, type LabPaths } from './lab/paths.js';
import type { WatchedCall } from './cri-call-watch.js';

/**
 * A plugin type no CNI plugin directory has: libcni fails the ADD with
 * `failed to find plugin "<type>" in path [<bin_dir>]`, a real CNI ADD failure, before any
 * interface or IP exists.
 */
export const FAILING_PLUGIN_TYPE = 'crilab-injected-cni-add-failure';

/**
 * containerd's CRI plugin watches its CNI conf_dir (fsnotify) and reloads the network config
 * when a file changes; the reload is quick but asynchronous, so after a swap the backend waits
 * this long before the next RunPodSandbox may be sent.
 */
export const CNI_RELOAD_SETTLE_MS = 300;

/** The lab's network with a first plugin that cannot be found: every CNI ADD fails. */
export function failingConfList(): string {
  const conf = { cniVersion: CNI_VERSION, name: LAB_NETWORK.name, plugins: [{ type: FAILING_PLUGIN_TYPE }] };
  return `${JSON.stringify(conf, null, 2)}\n`;
}

/** The error containerd 1.6 returns from RunPodSandbox while the failing config is in place. */
export function expectedCniFailureText(): string {
  return `failed to find plugin "${FAILING_PLUGIN_TYPE}" in path [${CNI_BIN_DIR}]`;
}

/**
 * The `cniAddFails` fault on the lab: swap the lab's conflist for one whose ADD fails, count
 * the kubelet's failed RunPodSandbox calls, and put the real conflist back after `times` of
 * them (or when the run ends). While it is armed, every pod started on the lab fails, crilab's
 * or not: the network config is the runtime's, not the pod's.
 */
export class CniAddFault {
  private saved: string | undefined;
  private remaining = 0;

  constructor(private readonly paths: Pick<LabPaths, 'cniConfList' | 'dir'>) {}

  get armed(): boolean {
    return this.saved !== undefined;
  }

  async arm(times: number): Promise<void> {
    if (times <= 0) return;
    if (this.saved === undefined) this.saved = fs.readFileSync(this.paths.cniConfList, 'utf8');
    this.remaining = times;
    this.swapIn(failingConfList());
    await new Promise((r) => setTimeout(r, CNI_RELOAD_SETTLE_MS));
  }

  onResponse(call: WatchedCall): void {
    if (!this.armed || call.method !== 'RunPodSandbox' || !call.error) return;
    this.remaining--;
    if (this.remaining <= 0) this.restore();
  }

  restore(): void {
    if (this.saved === undefined) return;
    this.swapIn(this.saved);
    this.saved = undefined;
    this.remaining = 0;
  }

  /** Replaces the conflist in one rename, so containerd never reads a half-written file. */
  private swapIn(text: string): void {
    const tmp = path.join(this.paths.dir, `.cni-conflist-${process.pid}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.paths.cniConfList);
  }
}
