import type { MachineDescription, MachineInstance } from '../model/view-model.js';
import { fit, formatElapsed } from '../text.js';
import { stateTone } from '../theme.js';
import { Line, seg, type Seg } from './line.js';
import { innerSize, Pane } from './pane.js';

export interface MachineViewProps {
  readonly instances: readonly MachineInstance[];
  readonly index: number;
  readonly descriptions: Partial<Record<string, MachineDescription>>;
  readonly startMs: number | null;
  readonly width: number;
  readonly height: number;
}

/** The machine's states: from its description when given, else the states seen so far, in order. */
export function statesOf(m: MachineInstance, d: MachineDescription | undefined): string[] {
  const seen: string[] = [];
  for (const h of m.history) {
    if (h.from !== null && !seen.includes(h.from)) seen.push(h.from);
    if (!seen.includes(h.to)) seen.push(h.to);
  }
  if (!d) return seen;
  return [...d.states, ...seen.filter((s) => !d.states.includes(s))];
}

export function stateLines(m: MachineInstance, d: MachineDescription | undefined): Seg[][] {
  const visited = new Set<string>();
  for (const h of m.history) {
    if (h.from !== null) visited.add(h.from);
    visited.add(h.to);
  }
  return statesOf(m, d).map((s) => {
    if (s === m.state) return [seg('▶ ', 'ok', { bold: true }), seg(s, stateTone(s), { bold: true, inverse: true }), seg(' current', 'muted')];
    if (visited.has(s)) return [seg('✓ ', 'muted'), seg(s)];
    return [seg('· ', 'muted'), seg(s, 'muted', { dim: true })];
  });
}

export function transitionLines(m: MachineInstance, startMs: number | null): Seg[][] {
  return m.history.map((h) => [
    seg(fit(formatElapsed(h.t - (startMs ?? h.t)), 11), 'muted'),
    seg(h.from ?? '∅', 'muted'),
    seg(' → '),
    seg(h.to, stateTone(h.to), { bold: true }),
    seg(`  ${h.event}`, 'accent'),
  ]);
}

function nextLines(m: MachineInstance, d: MachineDescription | undefined): Seg[][] {
  if (!d) return [];
  const out = d.transitions.filter((t) => t.from === m.state);
  if (out.length === 0) return [];
  return [[seg('Possible next', 'accent', { bold: true })], ...out.map((t) => [seg('  '), seg(t.event, 'accent'), seg(' → '), seg(t.to)])];
}

/** `m`: a machine's states with the current one highlighted, and the transitions taken so far with times. */
export function MachineView({ instances, index, descriptions, startMs, width, height }: MachineViewProps) {
  const inner = innerSize(width, height);
  const m = instances[index];
  if (!m) {
    return (
      <Pane title="State machine" right="esc back" width={width} height={height} focused>
        <Line segs={[seg('No machine transitions recorded yet.', 'muted')]} width={inner.width} />
      </Pane>
    );
  }
  const d = descriptions[m.machine];
  const title = `State machine · ${m.machine} · ${m.label ?? m.id}`;
  const right = instances.length > 1 ? `${index + 1}/${instances.length} [ ] switch · esc back` : 'esc back';
  const states = [[seg('States', 'accent', { bold: true })], ...stateLines(m, d), ...nextLines(m, d)];
  const taken = transitionLines(m, startMs);
  const trans = [[seg(`Transitions taken (${taken.length})`, 'accent', { bold: true })]];
  // Side by side only when a transition line (time, two CRI-length state names, event) fits beside the states.
  const side = inner.width >= 100;
  let lines: Seg[][];
  if (side) {
    const leftWidth = Math.min(34, Math.floor(inner.width * 0.4));
    const rows = inner.lines;
    const tailRoom = rows - 1;
    const tail = taken.slice(Math.max(0, taken.length - tailRoom));
    const right = [...trans, ...tail];
    lines = Array.from({ length: Math.min(rows, Math.max(states.length, right.length)) }, (_, i) => {
      const l = states[i] ?? [];
      const width = l.reduce((n, s) => n + s.text.length, 0);
      const pad = width >= leftWidth ? [] : [seg(' '.repeat(leftWidth - width))];
      const clippedLeft = width > leftWidth ? [seg(fit(l.map((s) => s.text).join(''), leftWidth))] : [...l, ...pad];
      return [...clippedLeft, seg('│ ', 'muted'), ...(right[i] ?? [])];
    });
  } else {
    const stateRows = Math.min(states.length, Math.max(3, inner.lines - 4));
    const tailRoom = Math.max(0, inner.lines - stateRows - 1);
    lines = [...states.slice(0, stateRows), ...trans, ...taken.slice(Math.max(0, taken.length - tailRoom))].slice(0, inner.lines);
  }
  return (
    <Pane title={title} right={right} width={width} height={height} focused>
      {lines.map((l, i) => (
        <Line key={i} segs={l} width={inner.width} />
      ))}
    </Pane>
  );
}
