import { KEY_MAP, keyHelpLine, withoutPicker } from '../key-map.js';
import { Line, seg } from './line.js';

/** The bottom line: the most used keys, as many as fit. */
export function KeyHelp({ width, message, picker = false }: { width: number; message?: string | undefined; picker?: boolean }) {
  if (message) return <Line segs={[seg(message, 'warn')]} width={width} />;
  return <Line segs={[seg(keyHelpLine(width, KEY_MAP, picker ? () => true : withoutPicker), 'muted')]} width={width} />;
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
