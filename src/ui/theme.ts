import { createContext, useContext } from 'react';

/**
 * Colours by meaning, not by hue, with one switch. Ink colours text through chalk, and chalk
 * does not read NO_COLOR (it reads FORCE_COLOR and --no-color only), so the UI honours it
 * itself: with colour off, components pass no colour at all and mark focus and selection with
 * inverse, bold and glyphs instead, which NO_COLOR allows.
 */
export type Tone = 'ok' | 'error' | 'warn' | 'accent' | 'muted' | 'kubelet' | 'runtime' | 'focus';

const PALETTE: Record<Tone, string> = {
  ok: 'green',
  error: 'red',
  warn: 'yellow',
  accent: 'cyan',
  muted: 'gray',
  kubelet: 'blue',
  runtime: 'magenta',
  focus: 'cyan',
};

export interface Theme {
  readonly color: boolean;
  /** The ink colour for a tone, or undefined when colour is off. */
  tone(t: Tone | undefined): string | undefined;
}

export function makeTheme(color: boolean): Theme {
  return { color, tone: (t) => (color && t ? PALETTE[t] : undefined) };
}

/** https://no-color.org: colour is off when NO_COLOR is present and not empty. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['NO_COLOR'];
  return v === undefined || v === '';
}

export const ThemeContext = createContext<Theme>(makeTheme(true));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The tone of a CRI or machine state name: green when alive, red when failed, yellow when waiting. */
export function stateTone(state: string | undefined): Tone | undefined {
  if (!state) return undefined;
  const s = state.toUpperCase();
  if (/CRASHLOOP|BACKOFF|ERROR|FAILED|NOTREADY|OOM|UNKNOWN|ERR/.test(s)) return 'error';
  if (/EXITED|TERMINAT|STOPP|REMOVED|DELETED|COMPLETED|SUCCEEDED/.test(s)) return 'muted';
  if (/RUNNING|READY|STARTED|CONFIGURED|PRESENT|SYNC/.test(s)) return 'ok';
  if (/CREAT|PENDING|WAIT|PULL|INIT/.test(s)) return 'warn';
  return undefined;
}
