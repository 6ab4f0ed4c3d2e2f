/**
 * Machines as data for the UI: a flat list of states and transitions read from an xstate
 * machine's own config, so the drawing can never drift from the definition that runs.
 */

export interface MachineTransitionDescription {
  from: string;
  event: string;
  /** Target state; equals `from` for a transition that stays (no target). */
  to: string;
  guard?: string;
  actions: string[];
}

export interface MachineStateDescription {
  name: string;
  final: boolean;
  description?: string;
  /** The state's `meta` (e.g. the pod worker's upstream work type). */
  meta?: Record<string, unknown>;
}

export interface MachineDescription {
  id: string;
  initial: string;
  states: MachineStateDescription[];
  transitions: MachineTransitionDescription[];
}

interface RawTransition {
  target?: string | string[];
  guard?: unknown;
  actions?: unknown;
}

interface RawState {
  type?: string;
  description?: string;
  meta?: Record<string, unknown>;
  on?: Record<string, string | RawTransition | (string | RawTransition)[]>;
  always?: string | RawTransition | (string | RawTransition)[];
}

interface RawConfig {
  id?: string;
  initial?: string;
  states?: Record<string, RawState>;
}

function guardName(g: unknown): string | undefined {
  if (g === undefined) return undefined;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const fn = g as { name?: string; guards?: unknown[] };
    if (Array.isArray(fn.guards)) {
      const inner = fn.guards.map((x) => guardName(x) ?? '?').join(', ');
      return `${fn.name || 'guard'}(${inner})`;
    }
    return fn.name || 'guard';
  }
  if (typeof g === 'object' && g !== null && 'type' in g) return String((g as { type: unknown }).type);
  return 'guard';
}

function actionNames(a: unknown): string[] {
  if (a === undefined) return [];
  const list = Array.isArray(a) ? a : [a];
  return list.map((x) => {
    if (typeof x === 'string') return x;
    if (typeof x === 'object' && x !== null && 'type' in x) return String((x as { type: unknown }).type);
    if (typeof x === 'function') return (x as { name?: string }).name || 'action';
    return 'action';
  });
}

function targetName(id: string, from: string, target: string | string[] | undefined): string {
  const t = Array.isArray(target) ? target[0] : target;
  if (t === undefined) return from;
  return t.replace(new RegExp(`^#${id}\\.`), '').replace(/^\./, '');
}

/** Describe a machine created with `setup(...).createMachine(config)`. */
export function describeMachine(machine: { id: string; config: unknown }): MachineDescription {
  const config = machine.config as RawConfig;
  const id = config.id ?? machine.id;
  const states: MachineStateDescription[] = [];
  const transitions: MachineTransitionDescription[] = [];
  for (const [name, state] of Object.entries(config.states ?? {})) {
    states.push({
      name,
      final: state.type === 'final',
      ...(state.description ? { description: state.description } : {}),
      ...(state.meta ? { meta: state.meta } : {}),
    });
    const add = (event: string, def: string | RawTransition | (string | RawTransition)[]): void => {
      const list = Array.isArray(def) ? def : [def];
      for (const t of list) {
        const raw: RawTransition = typeof t === 'string' ? { target: t } : t;
        const guard = guardName(raw.guard);
        transitions.push({
          from: name,
          event,
          to: targetName(id, name, raw.target),
          ...(guard ? { guard } : {}),
          actions: actionNames(raw.actions),
        });
      }
    };
    for (const [event, def] of Object.entries(state.on ?? {})) add(event, def);
    if (state.always) add('(always)', state.always);
  }
  return { id, initial: config.initial ?? states[0]?.name ?? '', states, transitions };
}
