import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { truncate } from '../text.js';
import { useTheme } from '../theme.js';

/** Border glyphs of ink's `round` style, which the sides and bottom use too. */
const TOP_LEFT = '╭';
const TOP_RIGHT = '╮';
const H = '─';

/** The top border with the title set into it: `╭─ ▸ Wire · 12 calls ─────── filter web ─╮`. */
export function topBorder(width: number, title: string, right: string, focused: boolean): string {
  if (width < 2) return '';
  const inner = width - 2;
  // The right-hand note (counts, scroll position, `esc back`) keeps its place while it takes
  // at most half the border; the title gives way first.
  const rightPart = right && right.length + 4 <= inner / 2 ? ` ${right} ${H}` : '';
  const left = truncate(`${H} ${focused ? '▸ ' : ''}${title} `, inner - rightPart.length);
  const fill = Math.max(0, inner - left.length - rightPart.length);
  return TOP_LEFT + left + H.repeat(fill) + rightPart + TOP_RIGHT;
}

export interface PaneProps {
  readonly title: string;
  readonly right?: string;
  readonly width: number;
  readonly height: number;
  readonly focused?: boolean;
  readonly children?: ReactNode;
}

/**
 * A bordered pane of a fixed size. Its content area is `width - 2` by `height - 2`; the body
 * clips anything taller, and every line component truncates to the width, so a pane can
 * never push the layout around or wrap.
 */
export function Pane({ title, right = '', width, height, focused = false, children }: PaneProps) {
  const theme = useTheme();
  const borderColor = theme.tone(focused ? 'focus' : 'muted');
  if (height < 2 || width < 4) return <Box width={width} height={Math.max(0, height)} />;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={borderColor} bold={focused} wrap="truncate-end">
        {topBorder(width, title, right, focused)}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle="round"
        borderTop={false}
        borderColor={borderColor}
        // Vertical clipping only: every line is already cut to the width (Line, wrap="truncate-end"),
        // and clipping across makes ink slice every line written in the box, which was a third
        // of the time of a frame.
        overflowY="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}

/** Inner size of a pane. */
export function innerSize(width: number, height: number): { width: number; lines: number } {
  return { width: Math.max(0, width - 2), lines: Math.max(0, height - 2) };
}
