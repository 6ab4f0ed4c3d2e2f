/** Public surface of the containerd lab: `crilab lab up|down|status` as functions. */
export { labUp, type LabUpOptions, type LabUpResult } from './up.js';
export { labDown, type LabDownOptions, type LabDownResult } from './down.js';
export { labStatus, printStatus, type LabStatus } from './status.js';
export {
  DEFAULT_LAB_DIR,
  DEFAULT_REGISTRY_PORT,
  LAB_NETWORK,
  labEndpoint,
  labPaths,
  labSocketPath,
  resolveLabDir,
  type LabPaths,
} from './paths.js';
export { LAB_IMAGES, SANDBOX_IMAGE, type LabImage } from './images.js';
export { preflight } from './host.js';
export type { LabFailure, LabLog } from './steps.js';
