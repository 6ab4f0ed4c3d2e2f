import { Box } from 'ink';
import { wrapWords } from '../text.js';
import { Line, seg, type Seg } from './line.js';
import { innerSize, Pane } from './pane.js';

/** A bundled scenario as the picker lists it. */
export interface ScenarioChoice {
  readonly file: string;
  readonly title: string;
  readonly teaches: string;
}

export interface ScenarioPickerProps {
  readonly scenarios: readonly ScenarioChoice[];
  readonly selected: number;
  readonly width: number;
  readonly height: number;
  readonly message?: string | undefined;
  /** The title of the scenario left open, which esc goes back to. */
  readonly back?: string | undefined;
}

/** Shown when crilab starts without a scenario: pick one with j/k and enter. */
export function ScenarioPicker({ scenarios, selected, width, height, message, back }: ScenarioPickerProps) {
  const inner = innerSize(width, height - 1);
  const items: Seg[][][] = scenarios.map((s, i) => [
    [seg(`${String(i + 1).padStart(2)}. `, 'muted'), seg(s.title, undefined, { bold: true }), seg(`  ${s.file}`, 'muted')],
    ...wrapWords(s.teaches, Math.max(1, inner.width - 6), 2).map((l) => [seg('     '), seg(l, 'muted')]),
  ]);
  // Keep the selected scenario in view.
  let start = 0;
  const heightOf = (from: number, to: number) => items.slice(from, to + 1).reduce((n, it) => n + it.length, 0);
  while (start < selected && heightOf(start, selected) > inner.lines) start++;
  const lines: { segs: Seg[]; sel: boolean }[] = [];
  for (let i = start; i < items.length && lines.length < inner.lines; i++) {
    for (const l of items[i]!) if (lines.length < inner.lines) lines.push({ segs: l, sel: i === selected });
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Pane title="Pick a scenario" right={`${scenarios.length} scenarios`} width={width} height={height - 1} focused>
        {lines.map((l, i) => (
          <Line key={i} segs={l.segs} width={inner.width} selected={l.sel} />
        ))}
      </Pane>
      <Line
        segs={[seg(message ?? `j/k move · enter start${back ? ` · esc back to ${back}` : ''} · q quit`, message ? 'warn' : 'muted')]}
        width={width}
      />
    </Box>
  );
}
