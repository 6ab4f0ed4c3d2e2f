import { Box } from 'ink';
import { Line, seg } from './line.js';

/** Minimum terminal for the full layout. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

/** Below the minimum: one line saying so, then just enough to keep following (step, state, narration). */
export function TooSmall({
  width,
  height,
  status,
  narration,
}: {
  width: number;
  height: number;
  status: string;
  narration: string;
}) {
  const reason = width < MIN_COLUMNS ? `terminal too narrow (need ${MIN_COLUMNS} columns)` : `terminal too short (need ${MIN_ROWS} rows)`;
  const lines = [
    [seg(reason, 'warn', { bold: true })],
    [seg(status)],
    [seg(narration, 'muted')],
    [seg('n next · p prev · q quit', 'muted')],
  ].slice(0, Math.max(1, height));
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) => (
        <Line key={i} segs={l} width={width} />
      ))}
    </Box>
  );
}
