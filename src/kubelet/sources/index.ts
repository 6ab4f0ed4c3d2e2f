export * from './static-pod.js';
export * from './pod-defaults.js';
export * from './validate.js';
export * from './decode.js';
export * from './pod-config.js';
export * from './file-source.js';
export * from './http-source.js';
