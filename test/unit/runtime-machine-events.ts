/**
 * One concrete event of every type each runtime machine knows, with payloads: the graph walks
 * of runtime-machines.test.ts and the random sequences of machine-actor.test.ts use them.
 */
import type { ContainerEvent, NetnsEvent, PauseEvent, SandboxEvent } from '../../src/runtime/machines/index.js';

export const EVENTS: { netns: NetnsEvent[]; pause: PauseEvent[]; sandbox: SandboxEvent[]; container: ContainerEvent[] } = {
  netns: [
    { type: 'CREATE', path: '/var/run/netns/cni-x' },
    { type: 'CNI_ADD_OK', ip: '10.244.0.2' },
    { type: 'CNI_ADD_FAILED', message: 'boom' },
    { type: 'CNI_DEL' },
    { type: 'REMOVE' },
  ],
  pause: [
    { type: 'START', pid: 100 },
    { type: 'START_FAILED', message: 'runc failed' },
    { type: 'EXIT', exitCode: 2 },
    { type: 'KILL', signal: 'SIGKILL' },
  ],
  sandbox: [
    { type: 'NETWORK_READY', netnsPath: '/var/run/netns/cni-x', ip: '10.244.0.2' },
    { type: 'PAUSE_STARTED', pid: 100 },
    { type: 'RUN_FAILED', message: 'x', cleanedUp: true },
    { type: 'RUN_FAILED', message: 'x', cleanedUp: false },
    { type: 'PAUSE_EXITED', exitCode: 137 },
    { type: 'STOP' },
    { type: 'REMOVE' },
  ],
  container: [
    { type: 'START', pid: 200 },
    { type: 'START_FAILED', message: 'exec: "nope": executable file not found in $PATH' },
    { type: 'EXIT', exitCode: 0 },
    { type: 'EXIT', exitCode: 1 },
    { type: 'EXIT', exitCode: 137, oomKilled: true },
    { type: 'STOP', signal: 'SIGTERM' },
    { type: 'KILL' },
    { type: 'LOST' },
    { type: 'REMOVE' },
  ],
};

