import { Line, seg, type Seg } from './line.js';
import { formatElapsed, formatTimeOfDay } from '../text.js';

export interface HeaderProps {
  readonly width: number;
  readonly title: string;
  readonly backend: 'sim' | 'containerd';
  readonly step: number;
  readonly totalSteps: number;
  readonly clockMs: number | null;
  readonly startMs: number | null;
  readonly playing: boolean;
  readonly speed: number;
  readonly atEnd: boolean;
  /** Live run still producing events for the shown step. */
  readonly running: boolean;
  readonly quiz?: { readonly asked: number; readonly correct: number } | undefined;
}

export function playLabel(p: Pick<HeaderProps, 'playing' | 'atEnd' | 'running' | 'speed'>): string {
  const speed = `${p.speed}x`;
  if (p.running) return `● running ${speed}`;
  if (p.playing) return `▶ playing ${speed}`;
  if (p.atEnd) return `■ end ${speed}`;
  return `⏸ paused ${speed}`;
}

/** One line: title, backend, step n of N, the clock, play state (and the quiz score). */
export function Header(props: HeaderProps) {
  const { width, title, backend, step, totalSteps, clockMs, startMs, quiz } = props;
  const sep = seg(' │ ', 'muted');
  const time =
    clockMs === null
      ? '--:--.---'
      : width >= 100
        ? `${formatElapsed(clockMs - (startMs ?? clockMs))} (${formatTimeOfDay(clockMs)} ${backend === 'sim' ? 'sim' : 'real'})`
        : formatElapsed(clockMs - (startMs ?? clockMs));
  const segs: Seg[] = [
    seg('crilab', 'accent', { bold: true }),
    sep,
    seg(`step ${step}/${totalSteps}`, undefined, { bold: true }),
    sep,
    seg(time),
    sep,
    seg(playLabel(props), props.playing || props.running ? 'ok' : 'warn'),
    sep,
    seg(backend, backend === 'sim' ? 'runtime' : 'accent'),
  ];
  if (quiz) segs.push(sep, seg(`quiz ${quiz.correct}/${quiz.asked}`, 'accent', { bold: true }));
  segs.push(sep, seg(title, undefined, { bold: true }));
  return <Line segs={segs} width={width} />;
}
