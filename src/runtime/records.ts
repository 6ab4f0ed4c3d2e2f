import type { SnapshotFrom } from 'xstate';
import type { TraceEmitter } from '../trace/bus.js';
import type { containerMachine } from './machines/container.machine.js';
import { pauseMachine } from './machines/pause.machine.js';
import { sandboxMachine } from './machines/sandbox.machine.js';
import { startTracedActor, type ContainerActor, type PauseActor, type SandboxActor, type TracedActor } from './record-actors.js';
import type { ContainerRecord, ContainerState, SandboxRecord, SandboxState } from './store.js';

/**
 * How records are made: each one owns its machine's actor, and the fields a CRI status shows
 * about its state (state, exit code, reason, message) are read from the actor's snapshot, so
 * nothing can change them but an event the machine accepts.
 */

/** A pod's label in the trace: `namespace/name`. */
export function podLabel(config: SandboxRecord['config']): string {
  return `${config.metadata?.namespace}/${config.metadata?.name}`;
}

export type SandboxFields = Omit<SandboxRecord, 'actor' | 'pauseActor' | 'state' | 'dispose' | 'attachPause'>;

export interface RecordSnapshots {
  sandbox?: SnapshotFrom<typeof sandboxMachine>;
  pause?: SnapshotFrom<typeof pauseMachine>;
}

class Sandbox implements SandboxRecord {
  id!: string;
  name!: string;
  config!: SandboxRecord['config'];
  runtimeHandler!: string;
  createdAt!: bigint;
  netnsPath!: string;
  ip!: string;
  additionalIps!: string[];
  hostNetwork!: boolean;
  pause!: SandboxRecord['pause'];
  pausePid!: number;
  files!: Record<string, string>;
  readonly actor: SandboxActor;
  private readonly traced: TracedActor<typeof sandboxMachine>;
  private pauseTraced: TracedActor<typeof pauseMachine> | undefined;

  constructor(
    fields: SandboxFields,
    private readonly trace: TraceEmitter | undefined,
    restored: RecordSnapshots,
  ) {
    Object.assign(this, fields);
    this.traced = startTracedActor(sandboxMachine, { trace, meta: { machine: 'sandbox', id: fields.id, label: podLabel(fields.config) }, ...(restored.sandbox ? { snapshot: restored.sandbox } : {}) });
    this.actor = this.traced.actor;
    if (restored.pause) this.attachPause(restored.pause);
  }

  get state(): SandboxState {
    return this.actor.getSnapshot().value as SandboxState;
  }

  get pauseActor(): PauseActor | undefined {
    return this.pauseTraced?.actor;
  }

  /** The pause container's machine starts when containerd creates the pause container (after the network). */
  attachPause(snapshot?: SnapshotFrom<typeof pauseMachine>): PauseActor {
    this.pauseTraced = startTracedActor(pauseMachine, { trace: this.trace, meta: { machine: 'pause', id: this.id, label: podLabel(this.config) }, ...(snapshot ? { snapshot } : {}) });
    return this.pauseTraced.actor;
  }

  dispose(): void {
    this.traced.dispose();
    this.pauseTraced?.dispose();
  }
}

export function makeSandboxRecord(fields: SandboxFields, trace: TraceEmitter | undefined, restored: RecordSnapshots = {}): SandboxRecord {
  return new Sandbox(fields, trace, restored);
}

export type ContainerFields = Omit<ContainerRecord, 'actor' | 'state' | 'exitCode' | 'reason' | 'message' | 'dispose'>;

class Container implements ContainerRecord {
  id!: string;
  name!: string;
  sandboxId!: string;
  config!: ContainerRecord['config'];
  imageSpec!: string;
  imageId!: string;
  imageRef!: string;
  imageTag!: string;
  argv!: string[];
  env!: Record<string, string>;
  workingDir!: string;
  user!: ContainerRecord['user'];
  stopSignal!: string;
  createdAt!: bigint;
  startedAt!: bigint;
  finishedAt!: bigint;
  resources!: ContainerRecord['resources'];
  busy!: ContainerRecord['busy'];
  logPath!: string;
  fs!: ContainerRecord['fs'];
  process!: ContainerRecord['process'];
  log!: ContainerRecord['log'];
  oomKilled!: boolean;
  forcedExitCode?: number;
  outputListeners!: ContainerRecord['outputListeners'];
  readonly actor: ContainerActor;
  private readonly traced: TracedActor<typeof containerMachine>;

  constructor(fields: ContainerFields, machine: typeof containerMachine, trace: TraceEmitter | undefined, restored?: SnapshotFrom<typeof containerMachine>) {
    Object.assign(this, fields);
    this.traced = startTracedActor(machine, {
      trace,
      meta: { machine: 'container', id: fields.id, label: fields.config.metadata?.name ?? '' },
      ...(restored ? { snapshot: restored } : {}),
    });
    this.actor = this.traced.actor;
  }

  get state(): ContainerState {
    return this.actor.getSnapshot().value as ContainerState;
  }

  get exitCode(): number {
    return this.actor.getSnapshot().context.exitCode ?? 0;
  }

  get reason(): string {
    return this.actor.getSnapshot().context.reason;
  }

  get message(): string {
    return this.actor.getSnapshot().context.message;
  }

  dispose(): void {
    this.traced.dispose();
  }
}

/**
 * `machine` is the runtime's container machine with its effects provided (deliver the stop
 * signal, SIGKILL): one per runtime, the actor's ID being the container ID.
 */
export function makeContainerRecord(
  fields: ContainerFields,
  machine: typeof containerMachine,
  trace: TraceEmitter | undefined,
  restored?: SnapshotFrom<typeof containerMachine>,
): ContainerRecord {
  return new Container(fields, machine, trace, restored);
}
