import fs from 'node:fs';
import path from 'node:path';
import type { WatchedCall } from './cri-call-watch.js';

/**
 * Permissions of the directories the real kubelet creates for logs: the pod's log directory
 * before RunPodSandbox (kuberuntime_sandbox.go, createPodSandbox: MkdirAll(LogDirectory, 0755))
 * and the container's directory before CreateContainer (kuberuntime_container.go,
 * generateContainerConfig: MkdirAll(logDir, 0755)).
 */
export const POD_LOG_DIR_MODE = 0o755;

/**
 * containerd writes a container's CRI log at `log_directory/log_path` and fails StartContainer
 * when the directory is missing; it never creates it: that is the kubelet's job. Until crilab's
 * kubelet does it itself, the containerd backend makes the same directories at the same
 * moment (while the kubelet's RunPodSandbox / CreateContainer request is on its way), and
 * remembers which ones it made so that closing the backend removes exactly those.
 */
export class PodLogDirs {
  /** Pod and container log directories this backend made (their contents are crilab's). */
  private readonly made: string[] = [];
  /** Parents it had to make on the way (e.g. /var/log/pods): removed only when left empty. */
  private readonly parents: string[] = [];

  /** Makes the directory (and missing parents) with 0755; records the ones that did not exist. */
  ensure(dir: string): void {
    if (!path.isAbsolute(dir)) return;
    const target = path.resolve(dir);
    const missing: string[] = [];
    for (let d = target; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
    if (missing.length === 0) return;
    fs.mkdirSync(target, { recursive: true, mode: POD_LOG_DIR_MODE });
    this.made.push(target);
    this.parents.push(...missing.filter((d) => d !== target));
  }

  onRequest(call: WatchedCall): void {
    if (call.method === 'RunPodSandbox') {
      const dir = call.request['config']?.logDirectory;
      if (typeof dir === 'string' && dir) this.ensure(dir);
    } else if (call.method === 'CreateContainer') {
      const dir = call.request['sandboxConfig']?.logDirectory;
      const logPath = call.request['config']?.logPath;
      if (typeof dir === 'string' && dir && typeof logPath === 'string' && logPath) this.ensure(path.dirname(path.join(dir, logPath)));
    }
  }

  /**
   * Removes the log directories this run made, with the log files in them (container dirs
   * first), then the parents it made on the way if nobody else put anything in them.
   */
  removeMade(): void {
    const deepestFirst = (a: string, b: string) => b.length - a.length;
    for (const d of [...new Set(this.made)].sort(deepestFirst)) fs.rmSync(d, { recursive: true, force: true });
    for (const d of [...new Set(this.parents)].sort(deepestFirst)) {
      try {
        fs.rmdirSync(d);
      } catch {
        /* not empty (someone else's logs) or gone: leave it */
      }
    }
    this.made.length = 0;
    this.parents.length = 0;
  }

  get created(): readonly string[] {
    return [...this.made, ...this.parents];
  }
}
