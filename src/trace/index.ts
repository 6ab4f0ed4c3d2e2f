export * from './events.js';
export * from './bus.js';
export * from './transcript.js';
