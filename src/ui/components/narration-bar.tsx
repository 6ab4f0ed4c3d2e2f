import { Box } from 'ink';
import { wrapWords } from '../text.js';
import { Line, seg } from './line.js';

export interface NarrationBarProps {
  readonly width: number;
  readonly height: number;
  readonly text: string | null;
  /** The step's own summary, shown when no narration has been emitted yet. */
  readonly summary?: string | undefined;
}

/** The current step explained in plain words, wrapped to `height` lines. */
export function NarrationBar({ width, height, text, summary }: NarrationBarProps) {
  const body = text ?? summary ?? 'Press space to play, or n for the next step.';
  const lines = wrapWords(body, Math.max(1, width - 2), height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {Array.from({ length: height }, (_, i) => (
        <Line key={i} segs={[seg(i === 0 ? '» ' : '  ', 'accent'), seg(lines[i] ?? '', text ? undefined : 'muted')]} width={width} />
      ))}
    </Box>
  );
}
