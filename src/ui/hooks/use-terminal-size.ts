import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** What we assume when the output is not a terminal (pipes, tests): the classic 80×24. */
export const DEFAULT_SIZE: TerminalSize = { columns: 80, rows: 24 };

function read(stdout: NodeJS.WriteStream | undefined): TerminalSize {
  return {
    columns: stdout?.columns && stdout.columns > 0 ? stdout.columns : DEFAULT_SIZE.columns,
    rows: stdout?.rows && stdout.rows > 0 ? stdout.rows : DEFAULT_SIZE.rows,
  };
}

/** The terminal's size, re-read on every `resize` so the layout is recomputed, never stretched. */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState<TerminalSize>(() => fixed ?? read(stdout));
  useEffect(() => {
    if (fixed || !stdout || typeof stdout.on !== 'function') return;
    const onResize = () => setSize(read(stdout));
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
