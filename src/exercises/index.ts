export { EXERCISES, findExercise, checkExercise, EXIT_FOR_VERDICT } from './catalog.js';
export type { CheckResult, CheckContext, Exercise, Verdict } from './types.js';
