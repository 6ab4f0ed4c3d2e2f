import { Box, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Header, playLabel } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { DetailView } from './components/detail-view.js';
import { FilterInput, KeyHelp } from './components/key-help.js';
import { MachineView } from './components/machine-view.js';
import { NarrationBar } from './components/narration-bar.js';
import { QuizOverlay } from './components/quiz-overlay.js';
import { ScenarioPicker, type ScenarioChoice } from './components/scenario-picker.js';
import { TooSmall } from './components/too-small.js';
import { useSessionEvents } from './hooks/use-session-events.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { actionForKey, keyPresses } from './key-map.js';
import { computeLayout, type Layout } from './layout.js';
import { detailFor } from './model/details.js';
import { machinesFor } from './model/machines.js';
import { quizQuestions } from './model/quiz.js';
import { cachesFor } from './model/session-cache.js';
import type { MachineDescriptions, ViewModel } from './model/view-model.js';
import { itemCount, resolveIndex, targetAt, type PaneId } from './panes/items.js';
import { KubeletPane } from './panes/kubelet-pane.js';
import { NetworkPane } from './panes/network-pane.js';
import { RuntimePane } from './panes/runtime-pane.js';
import { WirePane } from './panes/wire-pane.js';
import type { UiSession } from './session.js';
import {
  initialUiState,
  reduceUi,
  SPEEDS,
  STEP_INTERVAL_MS,
  type UiCommand,
  type UiContext,
  type UiState,
} from './state/ui-state.js';
import { colorFromEnv, makeTheme, ThemeContext } from './theme.js';

export interface AppProps {
  /** The run to show; without one, the scenario picker opens. */
  readonly session?: UiSession | undefined;
  /** Workshop quiz: ask for each lifecycle call before revealing it. */
  readonly quiz?: boolean;
  readonly scenarios?: readonly ScenarioChoice[];
  /** Start the picked scenario (the CLI wires the scenario runner here). */
  readonly openScenario?: (choice: ScenarioChoice) => Promise<UiSession> | UiSession;
  /** A line for the picker's message bar at start (e.g. scenarios that were skipped). */
  readonly notice?: string;
  /** Machine shapes (states and edges) from each machine's `describe` export. */
  readonly machines?: MachineDescriptions;
  readonly onExit?: (exitCode: number) => void;
  /** Colour on or off; default: on unless NO_COLOR is set and not empty. */
  readonly color?: boolean;
  /** A fixed size instead of the terminal's (benchmarks, documentation captures). */
  readonly size?: TerminalSize;
  readonly initialStep?: number;
  /**
   * Show this step regardless of the keys (a controlled step): for the benchmark and for
   * captures that re-render one mounted app step after step, as a learner pressing n would.
   */
  readonly step?: number;
}

export function App(props: AppProps) {
  const theme = useMemo(() => makeTheme(props.color ?? colorFromEnv()), [props.color]);
  const size = useTerminalSize(props.size);
  const [session, setSession] = useState<UiSession | undefined>(props.session);
  const [resumeStep, setResumeStep] = useState(props.initialStep ?? 0);
  // The picker remembers where it was when a learner comes back to it with `s`, and the
  // scenario left open (esc goes back to it, at the step it was on).
  const [picked, setPicked] = useState(0);
  const [left, setLeft] = useState<{ session: UiSession; step: number } | undefined>(undefined);
  const canPick = props.scenarios !== undefined && props.scenarios.length > 0 && props.openScenario !== undefined;
  const toPicker = useCallback(
    (step: number) =>
      setSession((current) => {
        if (current) setLeft({ session: current, step });
        return undefined;
      }),
    [],
  );
  const opened = useCallback((s: UiSession) => {
    setLeft(undefined);
    setResumeStep(0);
    setSession(s);
  }, []);
  const backToLeft = useCallback(() => {
    if (!left) return;
    setResumeStep(left.step);
    setSession(left.session);
    setLeft(undefined);
  }, [left]);
  const { exit } = useApp();
  const { onExit } = props;
  const quit = useCallback(
    (code: number) => {
      onExit?.(code);
      exit();
    },
    [onExit, exit],
  );
  return (
    <ThemeContext.Provider value={theme}>
      {session ? (
        <SessionScreen
          session={session}
          size={size}
          quiz={props.quiz ?? false}
          machines={props.machines ?? {}}
          initialStep={resumeStep}
          step={props.step}
          onQuit={quit}
          onPicker={canPick ? toPicker : undefined}
        />
      ) : (
        <PickerScreen
          scenarios={props.scenarios ?? []}
          open={props.openScenario}
          notice={props.notice}
          selected={picked}
          onSelect={setPicked}
          size={size}
          onOpen={opened}
          back={left ? { title: left.session.title, go: backToLeft } : undefined}
          onQuit={quit}
        />
      )}
    </ThemeContext.Provider>
  );
}

function PickerScreen({
  scenarios,
  open,
  notice,
  selected,
  onSelect,
  size,
  onOpen,
  back,
  onQuit,
}: {
  scenarios: readonly ScenarioChoice[];
  open: AppProps['openScenario'];
  notice: string | undefined;
  selected: number;
  onSelect: (index: number) => void;
  size: TerminalSize;
  onOpen: (s: UiSession) => void;
  /** The scenario left open with `s`: esc goes back to it. */
  back: { title: string; go: () => void } | undefined;
  onQuit: (code: number) => void;
}) {
  // One scenario starts at a time: a second enter while the first is starting is ignored.
  const opening = useRef(false);
  const [message, setMessage] = useState<string | undefined>(scenarios.length === 0 ? 'no scenarios to pick from · q quit' : notice);
  useInput((typed, typedKey) => {
    for (const [input, key] of keyPresses(typed, typedKey)) pickerKey(input, key);
  });
  function pickerKey(input: string, key: Key): void {
    const action = actionForKey(input, key);
    if (action === 'quit') onQuit(0);
    else if (action === 'back') back?.go();
    else if (action === 'down') onSelect(Math.min(scenarios.length - 1, selected + 1));
    else if (action === 'up') onSelect(Math.max(0, selected - 1));
    else if (action === 'top') onSelect(0);
    else if (action === 'bottom') onSelect(Math.max(0, scenarios.length - 1));
    else if (action === 'details') {
      const choice = scenarios[selected];
      if (!choice || !open || opening.current) return;
      opening.current = true;
      setMessage(`starting ${choice.file}…`);
      Promise.resolve()
        .then(() => open(choice))
        .then(onOpen, (err: unknown) => setMessage(`could not start ${choice.file}: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          opening.current = false;
        });
    }
  }
  return (
    <ScenarioPicker scenarios={scenarios} selected={selected} width={size.columns} height={size.rows} message={message} back={back?.title} />
  );
}

interface SessionScreenProps {
  readonly session: UiSession;
  readonly size: TerminalSize;
  readonly quiz: boolean;
  readonly machines: MachineDescriptions;
  readonly initialStep: number;
  readonly step?: number | undefined;
  readonly onQuit: (code: number) => void;
  /** Back to the scenario picker (`s`), when there is one; told the step to come back to. */
  readonly onPicker?: ((step: number) => void) | undefined;
}

/** The events shown for a state: a step's cut, or mid-step while a quiz question is open. */
function cutFor(state: UiState, steps: { cut(n: number): number | undefined }, eventsLength: number): number {
  const run = state.quiz.run;
  const q = run?.questions[run.current];
  if (run && q) return run.chosen !== undefined ? q.revealCut : q.eventIndex;
  return steps.cut(state.step) ?? eventsLength;
}

/** Shown while the node starts behind the first frame (a fraction of a second). */
const STARTING_NARRATION = 'Starting the node: the runtime opens its CRI socket, then the kubelet connects and asks for its Version.';

function SessionScreen({ session, size, quiz, machines, initialStep, step, onQuit, onPicker }: SessionScreenProps) {
  const { events, version } = useSessionEvents(session);
  const caches = cachesFor(session);
  const steps = caches.steps.update(events);
  const totalSteps = Math.max(session.totalSteps, steps.total);
  const [ownState, setState] = useState<UiState>(() => initialUiState({ step: Math.min(initialStep, totalSteps), quiz }));
  const state = step === undefined ? ownState : { ...ownState, step: Math.max(0, Math.min(step, totalSteps)) };
  const stateRef = useRef(ownState);
  const [error, setError] = useState<string | undefined>(undefined);
  const layout = computeLayout(size.columns, size.rows);

  const cut = cutFor(state, steps, events.length);
  const vm = caches.fold.at(events, cut);
  const filter = state.overlay.kind === 'filter' ? state.overlay.draft : state.filter;
  const running = steps.cut(state.step) === undefined && !session.finished && !state.quiz.run;
  const visiblePanes = Object.keys(layout.panes) as PaneId[];
  const target = state.overlay.kind === 'detail' || state.overlay.kind === 'machine' ? state.overlay.target : undefined;
  const detail = state.overlay.kind === 'detail' && target ? detailFor(vm, target) : undefined;
  const machineList = state.overlay.kind === 'machine' ? machinesFor(vm, target) : [];

  const ctx: UiContext = {
    totalSteps,
    cut: (n) => steps.cut(n),
    questions: (from, to) => quizQuestions(events, from, to),
    visiblePanes,
    itemCount: (pane) => itemCount(vm, pane, filter),
    target: (pane, index) => targetAt(vm, pane, index, filter),
    detailLines: detail?.lines.length ?? 0,
    machineCount: machineList.length,
    pageLines: Math.max(1, layout.bodyHeight - 2),
    live: !session.finished && session.runThroughStep !== undefined,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  // Reduce synchronously against the latest state, so fast key repeats never act on a stale one.
  const dispatch = useCallback(
    (cmd: UiCommand) => {
      const { state: nextState, effects } = reduceUi(stateRef.current, cmd, ctxRef.current);
      stateRef.current = nextState;
      setState(nextState);
      for (const effect of effects) {
        if (effect.kind === 'quit') onQuit(0);
        else if (effect.kind === 'runThroughStep') {
          session.runThroughStep?.(effect.step).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
        }
      }
    },
    [session, onQuit],
  );

  useInput((typed, typedKey) => {
    // While filtering, what is typed (or pasted) is text; otherwise every character is a key.
    if (stateRef.current.overlay.kind === 'filter') onKey(typed, typedKey);
    else for (const [input, key] of keyPresses(typed, typedKey)) onKey(input, key);
  });
  function onKey(input: string, key: Key): void {
    const o = stateRef.current.overlay;
    if (o.kind === 'filter') {
      if (key.escape) dispatch('back');
      else if (key.return) dispatch({ kind: 'filterApply' });
      else if (key.backspace || key.delete) dispatch({ kind: 'filterErase' });
      else if (key.ctrl && input === 'c') dispatch('quit');
      else if (input && !key.ctrl && !key.meta && !key.tab) dispatch({ kind: 'filterType', text: input });
      return;
    }
    const run = stateRef.current.quiz.run;
    if (run && o.kind === 'none' && /^[1-9]$/.test(input)) {
      dispatch({ kind: 'answer', choice: Number(input) - 1 });
      return;
    }
    if (o.kind === 'machine' && (input === '[' || input === ']')) {
      dispatch(input === '[' ? 'machinePrev' : 'machineNext');
      return;
    }
    const action = actionForKey(input, key);
    if (action === 'scenarios') onPicker?.(stateRef.current.step);
    else if (action) dispatch(action);
  }

  const run = state.quiz.run;
  const blocked = (run !== null && run.chosen === undefined) || running || state.quiz.waitingFor !== null;
  const speed = SPEEDS[state.speedIndex] ?? 1;
  useEffect(() => {
    if (!state.playing || blocked) return;
    const id = setTimeout(() => dispatch({ kind: 'tick' }), STEP_INTERVAL_MS / speed);
    return () => clearTimeout(id);
  }, [state.playing, state.step, speed, blocked, run?.current, run?.chosen, dispatch]);

  useEffect(() => {
    if (state.quiz.waitingFor !== null && steps.cut(state.quiz.waitingFor) !== undefined) dispatch({ kind: 'quizReady' });
  }, [version, events.length, state.quiz.waitingFor, dispatch, steps]);

  const atEnd = state.step >= totalSteps && !run;
  const header = (
    <Header
      width={size.columns}
      title={session.title}
      backend={session.backend}
      step={state.step}
      totalSteps={totalSteps}
      clockMs={vm.clockMs}
      startMs={vm.startMs}
      playing={state.playing}
      speed={speed}
      atEnd={atEnd}
      running={running}
      quiz={state.quiz.enabled ? { asked: state.quiz.asked, correct: state.quiz.correct } : undefined}
    />
  );
  // While a quiz question is open the step's narration would give the answer away.
  const narration =
    run && run.chosen === undefined
      ? 'Quiz: which RPC will the kubelet send next? The explanation comes once you have answered.'
      : (vm.narration ?? (vm.lastStep ? `Step ${vm.lastStep.index}: ${vm.lastStep.summary}` : session.starting ? STARTING_NARRATION : null));

  if (layout.kind === 'too-small') {
    return (
      <TooSmall
        width={size.columns}
        height={size.rows}
        status={`step ${state.step}/${totalSteps} · ${playLabel({ playing: state.playing, atEnd, running, speed })}`}
        narration={narration ?? ''}
      />
    );
  }

  const selection = (pane: PaneId) => resolveIndex(state.selection[pane], itemCount(vm, pane, filter));
  let body;
  const o = state.overlay;
  if (o.kind === 'help') {
    body = <HelpOverlay width={size.columns} height={layout.bodyHeight} quiz={state.quiz.enabled} scroll={o.scroll} />;
  } else if (o.kind === 'detail' && detail) {
    body = <DetailView detail={detail} width={size.columns} height={layout.bodyHeight} scroll={o.scroll} />;
  } else if (o.kind === 'machine') {
    body = (
      <MachineView
        instances={machineList}
        index={Math.min(o.index, Math.max(0, machineList.length - 1))}
        descriptions={machines}
        startMs={vm.startMs}
        width={size.columns}
        height={layout.bodyHeight}
      />
    );
  } else {
    body = <Panes layout={layout} vm={vm} state={state} filter={filter} selection={selection} />;
  }

  const message = error
    ? `error: ${error}`
    : running
      ? `running step ${state.step}…`
      : state.quiz.waitingFor !== null
        ? `running step ${state.quiz.waitingFor} for the quiz…`
        : undefined;
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      {header}
      <Box height={layout.bodyHeight} width={size.columns} flexDirection="column">
        {body}
      </Box>
      <NarrationBar width={size.columns} height={layout.narrationHeight} text={narration} summary={undefined} />
      {o.kind === 'filter' ? <FilterInput width={size.columns} draft={o.draft} /> : <KeyHelp width={size.columns} message={message} picker={onPicker !== undefined} />}
    </Box>
  );
}

/** Quiz box height inside the wire's slot: a top line, the question, four choices, feedback, bottom line. */
const QUIZ_HEIGHT = 8;

function Panes({
  layout,
  vm,
  state,
  filter,
  selection,
}: {
  layout: Layout;
  vm: ViewModel;
  state: UiState;
  filter: string;
  selection: (pane: PaneId) => number;
}) {
  const { panes } = layout;
  const focus = state.overlay.kind === 'none' || state.overlay.kind === 'filter' ? state.focus : undefined;
  const kubelet = panes.kubelet && (
    <KubeletPane vm={vm} width={panes.kubelet.width} height={panes.kubelet.height} focused={focus === 'kubelet'} selected={selection('kubelet')} />
  );
  const runtime = panes.runtime && (
    <RuntimePane vm={vm} width={panes.runtime.width} height={panes.runtime.height} focused={focus === 'runtime'} selected={selection('runtime')} />
  );
  const network = panes.network && (
    <NetworkPane vm={vm} width={panes.network.width} height={panes.network.height} focused={focus === 'network'} selected={selection('network')} />
  );
  const wireRect = panes.wire!;
  const run = state.quiz.run;
  const question = run?.questions[run.current];
  let wire;
  if (run && question) {
    const quizHeight = wireRect.height >= QUIZ_HEIGHT + 4 ? QUIZ_HEIGHT : wireRect.height;
    wire = (
      <Box flexDirection="column" width={wireRect.width} height={wireRect.height}>
        {wireRect.height - quizHeight > 0 && (
          <WirePane vm={vm} width={wireRect.width} height={wireRect.height - quizHeight} focused={false} selected={vm.calls.length - 1} filter="" />
        )}
        <QuizOverlay
          question={question}
          number={run.current + 1}
          of={run.questions.length}
          chosen={run.chosen}
          cursor={run.cursor}
          score={{ asked: state.quiz.asked, correct: state.quiz.correct }}
          width={wireRect.width}
          height={quizHeight}
        />
      </Box>
    );
  } else {
    wire = (
      <WirePane vm={vm} width={wireRect.width} height={wireRect.height} focused={focus === 'wire'} selected={selection('wire')} filter={filter} />
    );
  }
  if (layout.kind === 'side') {
    return (
      <Box flexDirection="row" width={layout.columns} height={layout.bodyHeight}>
        <Box flexDirection="column" width={layout.leftWidth}>
          {kubelet}
          {runtime}
          {network}
        </Box>
        {wire}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={layout.columns} height={layout.bodyHeight}>
      <Box flexDirection="row" width={layout.columns}>
        {kubelet}
        {runtime}
      </Box>
      {network}
      {wire}
    </Box>
  );
}
