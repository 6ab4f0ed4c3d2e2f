import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord, SandboxRecord } from './store.js';

/**
 * The runtime's state on disk (`crilab runtime --state-dir DIR`): what containerd keeps in its
 * metadata store and checkpoints, so that a restarted runtime knows its sandboxes and
 * containers. One JSON file, written whole (to a temporary name, then renamed) after each
 * change, at most once per turn of the event loop.
 */

export const STATE_FILE = 'crilab-runtime-state.json';
/** Bumped when the layout changes; an older file is refused rather than half understood. */
export const STATE_VERSION = 1;

export interface SavedSandbox {
  id: string;
  name: string;
  config: unknown;
  runtimeHandler: string;
  createdAt: string;
  state: 'SANDBOX_UNKNOWN' | 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  netnsPath: string;
  ip: string;
  hostNetwork: boolean;
  pausePid: number;
  files: Record<string, string>;
}

/** The fields of a container record that survive a restart, copied as they are. */
type SavedContainerFields = 'id' | 'name' | 'sandboxId' | 'imageSpec' | 'imageId' | 'imageRef' | 'imageTag' | 'argv' | 'env' | 'workingDir' | 'user' | 'stopSignal' | 'exitCode' | 'reason' | 'message' | 'logPath';

/**
 * A container as saved: the record's own fields (so the two cannot drift apart), with the
 * nanosecond times as decimal strings (JSON has no bigint) and the CRI messages as plain JSON.
 */
export type SavedContainer = Pick<ContainerRecord, SavedContainerFields> & {
  /** A removed container is not saved at all. */
  state: Exclude<ContainerRecord['state'], 'removed'>;
  config: unknown;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  resources: unknown;
};

export interface SavedState {
  version: number;
  /** How many times this state was recovered: reseeds the ID generator so new IDs never repeat old ones. */
  generation: number;
  images: string[];
  sandboxes: SavedSandbox[];
  containers: SavedContainer[];
}

/** JSON with Buffers (CRI `bytes` fields) kept as base64. */
function replacer(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return { $bytes: Buffer.from((value as { data: number[] }).data).toString('base64') };
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { $bytes?: unknown }).$bytes === 'string') {
    return Buffer.from((value as { $bytes: string }).$bytes, 'base64');
  }
  return value;
}

export function saveSandbox(s: SandboxRecord): SavedSandbox | undefined {
  if (s.state === 'removed') return undefined;
  return {
    id: s.id,
    name: s.name,
    config: s.config,
    runtimeHandler: s.runtimeHandler,
    createdAt: s.createdAt.toString(),
    state: s.state,
    netnsPath: s.netnsPath,
    ip: s.ip,
    hostNetwork: s.hostNetwork,
    pausePid: s.pausePid,
    files: s.files,
  };
}

export function saveContainer(c: ContainerRecord): SavedContainer | undefined {
  if (c.state === 'removed') return undefined;
  return {
    id: c.id,
    name: c.name,
    sandboxId: c.sandboxId,
    config: c.config,
    imageSpec: c.imageSpec,
    imageId: c.imageId,
    imageRef: c.imageRef,
    imageTag: c.imageTag,
    argv: c.argv,
    env: c.env,
    workingDir: c.workingDir,
    user: c.user,
    stopSignal: c.stopSignal,
    createdAt: c.createdAt.toString(),
    startedAt: c.startedAt.toString(),
    finishedAt: c.finishedAt.toString(),
    state: c.state,
    exitCode: c.exitCode,
    reason: c.reason,
    message: c.message,
    logPath: c.logPath,
    resources: c.resources,
  };
}

export class StateDir {
  private scheduled = false;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly snapshot: () => SavedState,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  get file(): string {
    return join(this.dir, STATE_FILE);
  }

  /** The saved state, or undefined for a new directory. */
  static read(dir: string): SavedState | undefined {
    const file = join(dir, STATE_FILE);
    if (!existsSync(file)) return undefined;
    const state = JSON.parse(readFileSync(file, 'utf8'), reviver) as SavedState;
    if (state.version !== STATE_VERSION) {
      throw new Error(`${file}: state version ${String(state.version)} is not ${STATE_VERSION}; move the directory aside to start afresh`);
    }
    return state;
  }

  /** Note a change; the file is written once the current turn of work is done. */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Write now (from schedule, and on shutdown). */
  flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot(), replacer), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /**
   * The last write, as the runtime stops. What happens after (the in-process "containers"
   * dying with the runtime process) is not recorded: on a node the processes would outlive
   * containerd, and a restarted runtime finds their tasks gone (exit 255, reason Unknown).
   */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
