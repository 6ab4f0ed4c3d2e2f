/**
 * Stopping and starting only the lab's containerd (the `runtimeStop` / `runtimeStart` faults on
 * the containerd backend). The shims and the containers they run stay up while containerd is
 * down, as on a real node; when containerd starts again it reconnects to them and reloads its
 * CRI state, so pods keep running.
 */
import { containerdVersion } from './ctr.js';
import { acquireLabLock } from './lock.js';
import { labPaths } from './paths.js';
import { pidMatches, spawnDetached, terminate, waitFor } from './process.js';
import { readLabState, writeLabState } from './state.js';
import { containerdRunning } from './up.js';

/** How long containerd gets to exit on SIGTERM before SIGKILL (it closes its plugins first). */
export const CONTAINERD_STOP_GRACE_MS = 10_000;
/** How long a restarted containerd may take to answer on its socket. */
export const CONTAINERD_START_TIMEOUT_MS = 30_000;

export async function stopLabContainerd(dir?: string): Promise<{ pid: number; how: string }> {
  const p = labPaths(dir);
  const release = await acquireLabLock(p.dir);
  try {
    const state = readLabState(p.labJson);
    const pid = containerdRunning(state, p);
    if (!pid) throw new Error(`the lab's containerd is not running (lab dir ${p.dir})`);
    const how = await terminate(pid, CONTAINERD_STOP_GRACE_MS);
    if (how === 'survived') throw new Error(`containerd pid ${pid} survived SIGKILL`);
    return { pid, how };
  } finally {
    release();
  }
}

export async function startLabContainerd(dir?: string): Promise<{ pid: number; version: string }> {
  const p = labPaths(dir);
  const release = await acquireLabLock(p.dir);
  try {
    const state = readLabState(p.labJson);
    if (!state?.containerd) throw new Error(`no lab at ${p.dir}: run \`crilab lab up\` first`);
    const running = containerdRunning(state, p);
    if (running) {
      const v = await containerdVersion(p.socket);
      if (v) return { pid: running, version: v };
    }
    const argv = ['--config', p.config];
    const child = await spawnDetached('containerd', argv, p.log, p.pidFile);
    state.containerd = { ...state.containerd, pid: child.pid, startedAt: new Date().toISOString(), argv };
    writeLabState(p.labJson, state);
    const version = await waitFor(
      async () => (await containerdVersion(p.socket, 2000)) ?? (pidMatches(child.pid, 'containerd', []) ? undefined : null),
      CONTAINERD_START_TIMEOUT_MS,
      150,
    );
    if (!version) throw new Error(`containerd ${version === null ? 'exited' : 'did not answer'} after a restart; see ${p.log}`);
    return { pid: child.pid, version };
  } finally {
    release();
  }
}
