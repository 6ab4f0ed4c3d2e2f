import { keyHelpLine } from '../key-map.js';
import { Line, seg } from './line.js';

/** The bottom line: the most used keys, as many as fit. */
export function KeyHelp({ width, message }: { width: number; message?: string | undefined }) {
  if (message) return <Line segs={[seg(message, 'warn')]} width={width} />;
  return <Line segs={[seg(keyHelpLine(width), 'muted')]} width={width} />;
}

/** The filter prompt that replaces the key-help line while typing. */
export function FilterInput({ width, draft }: { width: number; draft: string }) {
  return (
    <Line
      segs={[seg('/', 'accent', { bold: true }), seg(draft), seg('▏', 'accent'), seg('  enter apply · esc clear', 'muted')]}
      width={width}
    />
  );
}
