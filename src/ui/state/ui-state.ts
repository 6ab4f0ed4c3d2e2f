import type { KeyAction } from '../key-map.js';
import type { QuizQuestion } from '../model/quiz.js';
import { PANE_ORDER, resolveIndex, type PaneId, type Target } from '../panes/items.js';

/** Play speeds; play advances one step every 1000 ms ÷ speed. */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
export const DEFAULT_SPEED_INDEX = 2;
export const STEP_INTERVAL_MS = 1000;

export type Overlay =
  | { readonly kind: 'none' }
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'detail'; readonly target: Target; readonly scroll: number }
  | { readonly kind: 'machine'; readonly target: Target | undefined; readonly index: number }
  | { readonly kind: 'filter'; readonly draft: string };

export interface QuizRun {
  /** The step shown once every question is answered. */
  readonly toStep: number;
  readonly questions: readonly QuizQuestion[];
  readonly current: number;
  readonly chosen?: string;
  readonly cursor: number;
}

export interface QuizState {
  readonly enabled: boolean;
  readonly asked: number;
  readonly correct: number;
  readonly run: QuizRun | null;
  /** A live run is producing this step so that its questions can be asked. */
  readonly waitingFor: number | null;
}

export interface UiState {
  readonly step: number;
  readonly playing: boolean;
  readonly speedIndex: number;
  readonly focus: PaneId;
  /** Per pane: the selected item; `null` = the last one (the wire follows new calls). */
  readonly selection: Readonly<Record<PaneId, number | null>>;
  readonly overlay: Overlay;
  readonly filter: string;
  readonly quiz: QuizState;
}

export function initialUiState(opts: { step?: number; quiz?: boolean } = {}): UiState {
  return {
    step: opts.step ?? 0,
    playing: false,
    speedIndex: DEFAULT_SPEED_INDEX,
    focus: 'wire',
    selection: { kubelet: 0, wire: null, runtime: 0, network: 0 },
    overlay: { kind: 'none' },
    filter: '',
    quiz: { enabled: opts.quiz ?? false, asked: 0, correct: 0, run: null, waitingFor: null },
  };
}

/** What the reducer needs to know about the screen and the stream, computed by the app per render. */
export interface UiContext {
  readonly totalSteps: number;
  /** Events shown by step n, or undefined if the stream has not reached its end. */
  cut(n: number): number | undefined;
  /** Lifecycle questions for the events between two cuts. */
  questions(from: number, to: number): readonly QuizQuestion[];
  readonly visiblePanes: readonly PaneId[];
  itemCount(pane: PaneId): number;
  target(pane: PaneId, index: number): Target | undefined;
  /** Lines in the open detail view, and its visible lines. */
  readonly detailLines: number;
  readonly machineCount: number;
  readonly pageLines: number;
  readonly live: boolean;
}

export type UiEffect = { readonly kind: 'runThroughStep'; readonly step: number } | { readonly kind: 'quit' };

export interface Reduced {
  readonly state: UiState;
  readonly effects: readonly UiEffect[];
}

export type UiCommand =
  | KeyAction
  | 'machinePrev'
  | 'machineNext'
  | { readonly kind: 'answer'; readonly choice: number }
  | { readonly kind: 'filterType'; readonly text: string }
  | { readonly kind: 'filterErase' }
  | { readonly kind: 'filterApply' }
  | { readonly kind: 'quizReady' }
  | { readonly kind: 'tick' };

const none = (state: UiState): Reduced => ({ state, effects: [] });

function gotoStep(state: UiState, step: number, ctx: UiContext): Reduced {
  const target = Math.max(0, Math.min(step, ctx.totalSteps));
  const effects: UiEffect[] = ctx.cut(target) === undefined && ctx.live ? [{ kind: 'runThroughStep', step: target }] : [];
  return { state: { ...state, step: target }, effects };
}

/** Start the questions for `toStep`, or just show it when it has none. */
function startQuiz(state: UiState, toStep: number, ctx: UiContext): Reduced {
  const from = ctx.cut(state.step) ?? 0;
  const to = ctx.cut(toStep);
  if (to === undefined) {
    if (!ctx.live) return gotoStep(state, toStep, ctx);
    return {
      state: { ...state, quiz: { ...state.quiz, waitingFor: toStep } },
      effects: [{ kind: 'runThroughStep', step: toStep }],
    };
  }
  const questions = ctx.questions(from, to);
  const quiz = { ...state.quiz, waitingFor: null };
  if (questions.length === 0) return gotoStep({ ...state, quiz }, toStep, ctx);
  return none({ ...state, quiz: { ...quiz, run: { toStep, questions, current: 0, cursor: 0 } } });
}

function answer(state: UiState, choiceIndex: number): Reduced {
  const run = state.quiz.run;
  const q = run?.questions[run.current];
  if (!run || !q || run.chosen !== undefined) return none(state);
  const choice = q.choices[choiceIndex];
  if (choice === undefined) return none(state);
  return none({
    ...state,
    quiz: {
      ...state.quiz,
      asked: state.quiz.asked + 1,
      correct: state.quiz.correct + (choice === q.answer ? 1 : 0),
      run: { ...run, chosen: choice, cursor: choiceIndex },
    },
  });
}

function advanceQuiz(state: UiState, ctx: UiContext): Reduced {
  const run = state.quiz.run!;
  if (run.current + 1 < run.questions.length) {
    const { chosen: _chosen, ...rest } = run;
    return none({ ...state, quiz: { ...state.quiz, run: { ...rest, current: run.current + 1, cursor: 0 } } });
  }
  return gotoStep({ ...state, quiz: { ...state.quiz, run: null } }, run.toStep, ctx);
}

function next(state: UiState, ctx: UiContext, auto: boolean): Reduced {
  const run = state.quiz.run;
  if (run) return run.chosen !== undefined ? advanceQuiz(state, ctx) : none(state);
  if (state.quiz.waitingFor !== null) return none(state);
  if (state.step >= ctx.totalSteps) return none({ ...state, playing: false });
  const reduced = state.quiz.enabled ? startQuiz(state, state.step + 1, ctx) : gotoStep(state, state.step + 1, ctx);
  if (auto && reduced.state.step >= ctx.totalSteps && !reduced.state.quiz.run) {
    return { state: { ...reduced.state, playing: false }, effects: reduced.effects };
  }
  return reduced;
}

function moveSelection(state: UiState, ctx: UiContext, delta: number | 'top' | 'bottom'): Reduced {
  const pane = state.focus;
  const count = ctx.itemCount(pane);
  if (count === 0) return none(state);
  const current = resolveIndex(state.selection[pane], count);
  const wanted = delta === 'top' ? 0 : delta === 'bottom' ? count - 1 : current + delta;
  const index = Math.max(0, Math.min(count - 1, wanted));
  // In the wire, reaching the last call means following new ones again.
  const value = pane === 'wire' && index === count - 1 ? null : index;
  return none({ ...state, selection: { ...state.selection, [pane]: value } });
}

function scrollOverlay(state: UiState, ctx: UiContext, delta: number | 'top' | 'bottom'): Reduced {
  const o = state.overlay;
  if (o.kind === 'detail' || o.kind === 'help') {
    const max = o.kind === 'detail' ? Math.max(0, ctx.detailLines - ctx.pageLines) : 1000;
    const scroll = delta === 'top' ? 0 : delta === 'bottom' ? max : Math.max(0, Math.min(max, o.scroll + delta));
    return none({ ...state, overlay: { ...o, scroll } });
  }
  if (o.kind === 'machine') return machineSwitch(state, ctx, delta === 'top' ? -1e9 : delta === 'bottom' ? 1e9 : Math.sign(delta));
  return none(state);
}

function machineSwitch(state: UiState, ctx: UiContext, delta: number): Reduced {
  const o = state.overlay;
  if (o.kind !== 'machine' || ctx.machineCount === 0) return none(state);
  const index = Math.max(0, Math.min(ctx.machineCount - 1, o.index + delta));
  return none({ ...state, overlay: { ...o, index } });
}

/**
 * The whole interaction as one pure function: a command in, the next state and the effects
 * (run the live scenario further, quit) out. The app performs the effects.
 */
export function reduceUi(state: UiState, cmd: UiCommand, ctx: UiContext): Reduced {
  if (typeof cmd === 'object') {
    switch (cmd.kind) {
      case 'answer':
        return answer(state, cmd.choice);
      case 'filterType':
        return state.overlay.kind === 'filter'
          ? none({ ...state, overlay: { kind: 'filter', draft: state.overlay.draft + cmd.text } })
          : none(state);
      case 'filterErase':
        return state.overlay.kind === 'filter'
          ? none({ ...state, overlay: { kind: 'filter', draft: state.overlay.draft.slice(0, -1) } })
          : none(state);
      case 'filterApply':
        return state.overlay.kind === 'filter'
          ? none({ ...state, filter: state.overlay.draft, overlay: { kind: 'none' }, selection: { ...state.selection, wire: null } })
          : none(state);
      case 'quizReady':
        return state.quiz.waitingFor !== null && ctx.cut(state.quiz.waitingFor) !== undefined
          ? startQuiz(state, state.quiz.waitingFor, ctx)
          : none(state);
      case 'tick':
        return next(state, ctx, true);
    }
  }
  const overlay = state.overlay;
  const paging = ctx.pageLines;
  switch (cmd) {
    case 'quit':
      return { state, effects: [{ kind: 'quit' }] };
    case 'help':
      return none({ ...state, overlay: overlay.kind === 'help' ? { kind: 'none' } : { kind: 'help', scroll: 0 } });
    case 'back':
      if (overlay.kind === 'filter') return none({ ...state, filter: '', overlay: { kind: 'none' } });
      if (overlay.kind !== 'none') return none({ ...state, overlay: { kind: 'none' } });
      if (state.filter) return none({ ...state, filter: '', selection: { ...state.selection, wire: null } });
      return none(state);
    case 'filter':
      return none({ ...state, overlay: { kind: 'filter', draft: state.filter } });
    case 'togglePlay': {
      if (state.playing) return none({ ...state, playing: false });
      // Play at the end starts over, as a workshop leader would want.
      if (state.step >= ctx.totalSteps && !state.quiz.run) return gotoStep({ ...state, playing: true }, 0, ctx);
      return none({ ...state, playing: true });
    }
    case 'next':
      return next(state, ctx, false);
    case 'prev': {
      if (state.quiz.run || state.quiz.waitingFor !== null) {
        return none({ ...state, quiz: { ...state.quiz, run: null, waitingFor: null } });
      }
      return gotoStep({ ...state, playing: false }, state.step - 1, ctx);
    }
    case 'faster':
      return none({ ...state, speedIndex: Math.min(SPEEDS.length - 1, state.speedIndex + 1) });
    case 'slower':
      return none({ ...state, speedIndex: Math.max(0, state.speedIndex - 1) });
    case 'nextPane':
    case 'prevPane': {
      const panes = PANE_ORDER.filter((p) => ctx.visiblePanes.includes(p));
      if (panes.length === 0) return none(state);
      const i = panes.indexOf(state.focus);
      const d = cmd === 'nextPane' ? 1 : -1;
      const focus = panes[(i + d + panes.length) % panes.length]!;
      return none({ ...state, focus });
    }
    case 'down':
    case 'up':
    case 'pageDown':
    case 'pageUp':
    case 'top':
    case 'bottom': {
      const delta =
        cmd === 'down' ? 1 : cmd === 'up' ? -1 : cmd === 'pageDown' ? paging : cmd === 'pageUp' ? -paging : cmd;
      if (state.quiz.run && state.quiz.run.chosen === undefined && (cmd === 'down' || cmd === 'up')) {
        const run = state.quiz.run;
        const n = run.questions[run.current]?.choices.length ?? 1;
        return none({ ...state, quiz: { ...state.quiz, run: { ...run, cursor: (run.cursor + (cmd === 'down' ? 1 : -1) + n) % n } } });
      }
      if (overlay.kind !== 'none' && overlay.kind !== 'filter') return scrollOverlay(state, ctx, delta);
      return moveSelection(state, ctx, delta);
    }
    case 'details': {
      const run = state.quiz.run;
      if (run && overlay.kind === 'none') {
        return run.chosen === undefined ? answer(state, run.cursor) : advanceQuiz(state, ctx);
      }
      if (overlay.kind !== 'none') return none(state);
      const target = ctx.target(state.focus, resolveIndex(state.selection[state.focus], ctx.itemCount(state.focus)));
      return target ? none({ ...state, overlay: { kind: 'detail', target, scroll: 0 } }) : none(state);
    }
    case 'machine': {
      if (overlay.kind === 'machine') return none({ ...state, overlay: { kind: 'none' } });
      const target = ctx.target(state.focus, resolveIndex(state.selection[state.focus], ctx.itemCount(state.focus)));
      return none({ ...state, overlay: { kind: 'machine', target, index: 0 } });
    }
    case 'scenarios':
      // Leaving for the picker is the app's to do (only it knows whether there is one).
      return none(state);
    case 'machinePrev':
      return machineSwitch(state, ctx, -1);
    case 'machineNext':
      return machineSwitch(state, ctx, 1);
  }
}
