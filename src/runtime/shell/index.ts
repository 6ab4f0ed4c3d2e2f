/**
 * The container process interpreter: a documented subset of busybox sh and a few programs of
 * well-known images, running on the simulated clock. See docs/shell.md.
 */
export { createContainerFs, normalizePath, type ContainerFs, type ImageFileLike } from './container-fs.js';
export {
  startProcess,
  runToCompletion,
  EntrypointError,
  MAX_PROCESS_OUTPUT_BYTES,
  type ProcessSpec,
  type SimProcess,
  type ProcessExit,
  type RunResult,
} from './process.js';
export {
  resolveEntrypoint,
  CONTAINERD_START_ERROR_PREFIX,
  CONTAINERD_START_ERROR_SUFFIX,
  CONTAINERD_EXEC_ERROR_PREFIX,
  execStartError,
  NO_COMMAND_SPECIFIED,
  type EntrypointResolution,
} from './entrypoint.js';
export { busyboxRootfs } from './image-rootfs.js';
export { programFile, findProgram, PROGRAM_MARKER, UNSIMULATED_PROGRAM_STATUS } from './programs/index.js';
export { PidNamespace } from './proc.js';
export { DEFAULT_PATH } from './launcher.js';
export { BUSY_STEP_LIMIT, BUSY_YIELD_EVERY, BUSY_YIELD_MS } from './shell.js';
export { parseScript } from './parser.js';
export { ShellSyntaxError } from './errors.js';
export { SIGNAL_NUMBERS, type KillSignal, type SignalName } from './signals.js';
