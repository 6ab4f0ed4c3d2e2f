import type { TraceEvent } from '../../trace/events.js';
import { isPeriodicRpc, LIFECYCLE_RPCS } from './cri-rpcs.js';

/** Choices offered per question: the answer and three others. */
export const QUIZ_CHOICES = 4;

export interface QuizQuestion {
  /** Index of the request event: the screen shows everything before it while asking. */
  readonly eventIndex: number;
  /** How many events to show once answered: through the call's response when it is in the step. */
  readonly revealCut: number;
  readonly answer: string;
  readonly choices: readonly string[];
}

/** A small deterministic generator (mulberry32): the same recording asks the same questions. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** The answer plus distractors drawn from the proto's lifecycle RPCs, in a seeded order. */
export function quizChoices(answer: string, seed: number, n: number = QUIZ_CHOICES): string[] {
  const rand = rng(seed);
  const others = shuffle(
    LIFECYCLE_RPCS.filter((m) => m !== answer),
    rand,
  ).slice(0, n - 1);
  return shuffle([answer, ...others], rand);
}

/**
 * One question per lifecycle call the kubelet sends in `events[from..to)`. Periodic polling
 * (the PLEG relist, Status, stats) is skipped: it is not something to guess, it just ticks.
 */
export function quizQuestions(events: readonly TraceEvent[], from: number, to: number): QuizQuestion[] {
  const out: QuizQuestion[] = [];
  const seen = new Set<string>();
  const end = Math.min(to, events.length);
  for (let i = Math.max(0, from); i < end; i++) {
    const e = events[i]!;
    if (e.kind !== 'cri.request' || isPeriodicRpc(e.method) || seen.has(e.callId)) continue;
    seen.add(e.callId);
    let revealCut = i + 1;
    for (let j = i + 1; j < end; j++) {
      const r = events[j]!;
      if (r.kind === 'cri.response' && r.callId === e.callId) {
        revealCut = j + 1;
        break;
      }
    }
    out.push({ eventIndex: i, revealCut, answer: e.method, choices: quizChoices(e.method, e.seq) });
  }
  return out;
}
