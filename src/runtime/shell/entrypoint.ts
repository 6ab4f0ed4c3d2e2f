import type { ContainerFs } from './container-fs.js';
import { lookupCommand, type ExecTarget } from './launcher.js';

/**
 * containerd 1.6 + runc 1.1 wrap a failed exec of the container's process in StartContainer
 * like this (containerd's CRI `failed to create containerd task`, its shim manager's
 * `failed to create shim task`, the shim's `OCI runtime create failed`, runc's
 * `runc create failed: unable to start container process`); the trailing `: unknown` is the
 * gRPC code added on the way back from the shim. runc ≥ 1.2 adds `error during container init: `
 * before `exec:`.
 */
export const CONTAINERD_START_ERROR_PREFIX =
  'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ';
export const CONTAINERD_START_ERROR_SUFFIX = ': unknown';

/**
 * The same failure for an exec (ExecSync/Exec): runc 1.1's `exec failed`, wrapped by the shim's
 * `OCI runtime exec failed`; containerd's CRI then prefixes `failed to exec in container:
 * failed to start exec "<exec id>": `.
 */
export const CONTAINERD_EXEC_ERROR_PREFIX = 'OCI runtime exec failed: exec failed: unable to start container process: ';

/** The runc/shim part of an exec failure for `reason` (see CONTAINERD_EXEC_ERROR_PREFIX). */
export function execStartError(reason: string): string {
  return `${CONTAINERD_EXEC_ERROR_PREFIX}${reason}${CONTAINERD_START_ERROR_SUFFIX}`;
}

/** containerd's CreateContainer error when neither the pod spec nor the image gives a command. */
export const NO_COMMAND_SPECIFIED = 'no command specified';

export type EntrypointResolution =
  | { ok: true; path: string; target: ExecTarget }
  /** `reason`: runc's part (`exec: "/app/server": stat /app/server: no such file or directory`); `error`: the whole StartContainer error. */
  | { ok: false; reason: string; error: string };

/**
 * Can the container's argv start? runc resolves argv[0] with Go's exec.LookPath before it
 * execs, so a missing program fails StartContainer (container EXITED, exit code 128,
 * reason StartError) instead of starting and exiting 127 as a shell would.
 */
export function resolveEntrypoint(argv: string[], fs: ContainerFs, env: Record<string, string> = {}, cwd = '/'): EntrypointResolution {
  const name = argv[0];
  if (name === undefined) return { ok: false, reason: NO_COMMAND_SPECIFIED, error: NO_COMMAND_SPECIFIED };
  const found = lookupCommand(argv, fs, env, cwd);
  if (found.ok) return { ok: true, path: found.target.path, target: found.target };
  let reason: string;
  if (found.errno === 'EACCES') reason = `exec: "${name}": permission denied`;
  else if (found.errno === 'ENOEXEC') reason = `exec ${found.path ?? name}: exec format error`;
  else if (found.path !== undefined) reason = `exec ${found.path}: no such file or directory`; // a #! interpreter that is missing
  else if (name.includes('/')) reason = `exec: "${name}": stat ${name}: no such file or directory`;
  else reason = `exec: "${name}": executable file not found in $PATH`;
  return { ok: false, reason, error: `${CONTAINERD_START_ERROR_PREFIX}${reason}${CONTAINERD_START_ERROR_SUFFIX}` };
}
