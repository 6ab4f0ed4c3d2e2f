export * from './describe.js';
export * from './pod-worker.machine.js';
export * from './container-restart.machine.js';
export * from './image-pull.machine.js';
