import type { QuizQuestion } from '../model/quiz.js';
import { Line, seg, type Seg } from './line.js';
import { innerSize, Pane } from './pane.js';

export interface QuizOverlayProps {
  readonly question: QuizQuestion;
  readonly number: number;
  readonly of: number;
  readonly chosen: string | undefined;
  readonly cursor: number;
  readonly score: { readonly asked: number; readonly correct: number };
  readonly width: number;
  readonly height: number;
}

/** `--quiz`: before a call is revealed, ask which RPC the kubelet will send next. */
export function QuizOverlay({ question, number, of, chosen, cursor, score, width, height }: QuizOverlayProps) {
  const inner = innerSize(width, height);
  const lines: Seg[][] = [[seg('Which RPC will the kubelet send next?', undefined, { bold: true })]];
  question.choices.forEach((c, i) => {
    const isAnswer = c === question.answer;
    let mark = '  ';
    let tone: Seg['tone'];
    if (chosen !== undefined) {
      if (isAnswer) {
        mark = '✓ ';
        tone = 'ok';
      } else if (c === chosen) {
        mark = '✗ ';
        tone = 'error';
      }
    } else if (i === cursor) mark = '› ';
    lines.push([seg(mark, tone, { bold: true }), seg(`${i + 1}) `, 'muted'), seg(c, tone, { bold: isAnswer && chosen !== undefined, inverse: chosen === undefined && i === cursor })]);
  });
  if (chosen === undefined) lines.push([seg('1-4 or j/k + enter to answer · p to skip', 'muted')]);
  else if (chosen === question.answer) lines.push([seg('Right! ', 'ok', { bold: true }), seg('n or enter: reveal the call', 'muted')]);
  else lines.push([seg(`It is ${question.answer}. `, 'error', { bold: true }), seg('n or enter: reveal the call', 'muted')]);
  return (
    <Pane title={`Quiz · question ${number}/${of}`} right={`score ${score.correct}/${score.asked}`} width={width} height={height} focused>
      {lines.slice(0, inner.lines).map((l, i) => (
        <Line key={i} segs={l} width={inner.width} />
      ))}
    </Pane>
  );
}
