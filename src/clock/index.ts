export * from './clock.js';
export { SimClock, DEFAULT_SIM_EPOCH, type SimClockOptions } from './sim-clock.js';
export { RealClock } from './real-clock.js';
