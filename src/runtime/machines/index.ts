import type { AnyStateMachine } from 'xstate';
import type { MachineKind } from '../../trace/events.js';
import { containerMachine } from './container.machine.js';
import { createTransitionChecker, describeMachine, type MachineDescription } from './inspect.js';
import { netnsMachine } from './netns.machine.js';
import { pauseMachine } from './pause.machine.js';
import { sandboxMachine } from './sandbox.machine.js';

export * from './container.machine.js';
export * from './inspect.js';
export * from './netns.machine.js';
export * from './pause.machine.js';
export * from './sandbox.machine.js';

/** The runtime's machines by the kind the trace names them with. */
export const runtimeMachines = {
  sandbox: sandboxMachine,
  pause: pauseMachine,
  netns: netnsMachine,
  container: containerMachine,
} as const satisfies Partial<Record<MachineKind, AnyStateMachine>>;

export type RuntimeMachineKind = keyof typeof runtimeMachines;

export function isRuntimeMachineKind(kind: string): kind is RuntimeMachineKind {
  return Object.hasOwn(runtimeMachines, kind);
}

/**
 * Is `from → to` a change the runtime machine of this kind allows (`from` null: its initial
 * state)? Throws for kinds the runtime does not own (the kubelet's machines).
 */
export const isAllowedTransition = createTransitionChecker(runtimeMachines);

/** Every runtime machine as plain data, for the UI's state-machine view. */
export function describeRuntimeMachines(): Record<RuntimeMachineKind, MachineDescription> {
  return {
    sandbox: describeMachine(sandboxMachine),
    pause: describeMachine(pauseMachine),
    netns: describeMachine(netnsMachine),
    container: describeMachine(containerMachine),
  };
}
