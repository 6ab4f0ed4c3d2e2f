/**
 * The scenario format's zod schemas, gathered in one place. The schemas live in `schema/`, one
 * file per part of the format; the loader (`loader.ts`) is the way in for callers, since only
 * it maps problems back to file:line:column.
 */
export { CRI_METHODS, CRI_IMAGE_SERVICE_METHODS, CRI_RUNTIME_SERVICE_METHODS } from './schema/cri-methods.js';
export {
  CONTAINER_STATES,
  CRI_MACHINE_STATES,
  DEFAULT_WAIT_TIMEOUT_MS,
  expectStepSchema,
  MACHINE_KINDS,
  POD_PHASES,
  waitStepSchema,
} from './schema/conditions.js';
export { faultSchema, FAULT_VARIANTS, PROBE_KINDS } from './schema/faults.js';
export { containerImages, containerNames, podManifestSchema, PULL_POLICIES, RESTART_POLICIES } from './schema/pod-manifest.js';
export {
  DEFAULT_SEED,
  KUBELET_DEFAULTS,
  NODE_DEFAULTS,
  nodeSchema,
  podEntrySchema,
  registrySchema,
  SCENARIO_API_VERSION,
  SCENARIO_KIND,
  scenarioSchema,
  type SchemaPod,
  type SchemaScenario,
} from './schema/scenario.js';
export { POD_SOURCES, STEP_KINDS, stepSchema, type SchemaStep } from './schema/steps.js';
export { crossCheck, normalizeImageRef } from './schema/cross-checks.js';
