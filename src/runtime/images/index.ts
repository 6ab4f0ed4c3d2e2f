export * from './errors.js';
export * from './reference.js';
export * from './image-config.js';
export * from './well-known.js';
export * from './sim-registry.js';
export * from './image-store.js';
export * from './pull.js';
export * from './image-service.js';
