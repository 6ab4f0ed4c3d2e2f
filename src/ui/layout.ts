import { MIN_COLUMNS, MIN_ROWS } from './components/too-small.js';
import type { PaneId } from './panes/items.js';

export interface PaneRect {
  readonly width: number;
  readonly height: number;
}

/**
 * Where everything goes for a terminal size. Fixed lines: header (1), narration (2), key help
 * (1); the body takes the rest.
 * - `side` (≥ 100 columns): kubelet, runtime and network stacked on the left; the wire, which
 *   wants the width for its arrows, on the right at full height.
 * - `stack` (60–99 columns): kubelet | runtime side by side on top, the wire below at full
 *   width; the network pane only when there are rows to spare (≥ 34), else hidden.
 * - `too-small` (< 60 columns or < 12 rows): one line saying so plus minimal information.
 */
export interface Layout {
  readonly kind: 'side' | 'stack' | 'too-small';
  readonly columns: number;
  readonly rows: number;
  readonly narrationHeight: number;
  readonly bodyHeight: number;
  readonly leftWidth: number;
  readonly panes: Partial<Record<PaneId, PaneRect>>;
}

const HEADER = 1;
const KEY_HELP = 1;
const SIDE_MIN_COLUMNS = 100;
const NETWORK_MIN_ROWS_STACKED = 34;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

export function computeLayout(columns: number, rows: number): Layout {
  const narrationHeight = 2;
  const bodyHeight = Math.max(0, rows - HEADER - KEY_HELP - narrationHeight);
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return { kind: 'too-small', columns, rows, narrationHeight, bodyHeight: 0, leftWidth: 0, panes: {} };
  }
  if (columns >= SIDE_MIN_COLUMNS) {
    const leftWidth = clamp(Math.round(columns * 0.42), 44, 76);
    const panes: Partial<Record<PaneId, PaneRect>> = { wire: { width: columns - leftWidth, height: bodyHeight } };
    if (bodyHeight >= 15) {
      const kubelet = Math.round(bodyHeight * 0.36);
      const runtime = Math.round(bodyHeight * 0.38);
      panes.kubelet = { width: leftWidth, height: kubelet };
      panes.runtime = { width: leftWidth, height: runtime };
      panes.network = { width: leftWidth, height: bodyHeight - kubelet - runtime };
    } else {
      const kubelet = Math.floor(bodyHeight / 2);
      panes.kubelet = { width: leftWidth, height: kubelet };
      panes.runtime = { width: leftWidth, height: bodyHeight - kubelet };
    }
    return { kind: 'side', columns, rows, narrationHeight, bodyHeight, leftWidth, panes };
  }
  const top = clamp(Math.round(bodyHeight * 0.42), 5, 12);
  const network = rows >= NETWORK_MIN_ROWS_STACKED ? clamp(Math.round(bodyHeight * 0.2), 4, 8) : 0;
  const half = Math.floor(columns / 2);
  const panes: Partial<Record<PaneId, PaneRect>> = {
    kubelet: { width: half, height: top },
    runtime: { width: columns - half, height: top },
    wire: { width: columns, height: bodyHeight - top - network },
  };
  if (network > 0) panes.network = { width: columns, height: network };
  return { kind: 'stack', columns, rows, narrationHeight, bodyHeight, leftWidth: half, panes };
}
