export { Dockershim, type DockershimOptions } from './dockershim.js';
export { formatHop, parseHop, HopTracer, type Hop, type HopComponent } from './hops.js';
export type { CriHandlers } from './shim-context.js';
export { toPullableImageID } from './docker-container.js';
export { makeContainerName, makeSandboxName, makeDockerLabels } from './names.js';
export * from './constants.js';
