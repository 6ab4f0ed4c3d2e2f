import type { MachineDescription } from './view-model.js';

/**
 * A machine's `describe` export as the UI's state-machine view reads it. The runtime's describe
 * lists states as names, the kubelet's as records with a name (and a description, a final flag);
 * both list transitions as `{ from, to, event }`. The UI keeps names and edges only.
 */
export interface DescribedMachine {
  readonly states: readonly (string | { readonly name: string })[];
  readonly transitions: readonly { readonly from: string; readonly to: string; readonly event: string }[];
}

export function uiMachineDescription(d: DescribedMachine): MachineDescription {
  const states = d.states.map((s) => (typeof s === 'string' ? s : s.name));
  // Two transitions on the same event to the same state differ only by guard: draw one edge.
  const seen = new Set<string>();
  const transitions: { from: string; to: string; event: string }[] = [];
  for (const t of d.transitions) {
    const key = `${t.from}\u0000${t.event}\u0000${t.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    transitions.push({ from: t.from, to: t.to, event: t.event });
  }
  return { states, transitions };
}
