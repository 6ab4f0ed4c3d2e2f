import type { Key } from 'ink';

/**
 * The keys, as data: the input handler, the help overlay and the key-help line all read this
 * one table, so they cannot disagree. The choices follow k9s and lazydocker: `?` help, `/`
 * filter, enter to drill in, esc to go back, j/k or arrows in lists, tab between panes, q quit.
 */
export type KeyAction =
  | 'togglePlay'
  | 'next'
  | 'prev'
  | 'faster'
  | 'slower'
  | 'nextPane'
  | 'prevPane'
  | 'down'
  | 'up'
  | 'pageDown'
  | 'pageUp'
  | 'top'
  | 'bottom'
  | 'details'
  | 'machine'
  | 'back'
  | 'filter'
  | 'help'
  | 'scenarios'
  | 'quit';

/** Special keys, by the name of ink's `Key` flag (plus `shiftTab` and `ctrlC`). */
export type SpecialKey =
  | 'rightArrow'
  | 'leftArrow'
  | 'upArrow'
  | 'downArrow'
  | 'return'
  | 'escape'
  | 'tab'
  | 'shiftTab'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'ctrlC';

export interface KeyBinding {
  readonly action: KeyAction;
  /** How the keys are written in help, e.g. `→ n`. */
  readonly keys: string;
  readonly help: string;
  /** `[keys, label]` on the key-help line; bindings without one appear only in the help overlay. */
  readonly short?: readonly [string, string];
  /** Help section. */
  readonly group: 'steps' | 'navigate' | 'views' | 'app';
  readonly inputs?: readonly string[];
  readonly special?: readonly SpecialKey[];
}

export const KEY_MAP: readonly KeyBinding[] = [
  { action: 'togglePlay', keys: 'space', help: 'play / pause (one step every 1 s ÷ speed)', short: ['space', 'play'], group: 'steps', inputs: [' '] },
  { action: 'next', keys: '→ n', help: 'next step', short: ['n/→', 'next'], group: 'steps', inputs: ['n'], special: ['rightArrow'] },
  { action: 'prev', keys: '← p', help: 'previous step (exact: refolded from the recording)', short: ['p/←', 'prev'], group: 'steps', inputs: ['p'], special: ['leftArrow'] },
  { action: 'faster', keys: '+', help: 'play faster', short: ['+/-', 'speed'], group: 'steps', inputs: ['+', '='] },
  { action: 'slower', keys: '-', help: 'play slower', group: 'steps', inputs: ['-', '_'] },
  { action: 'nextPane', keys: 'tab', help: 'next pane', short: ['tab', 'pane'], group: 'navigate', special: ['tab'] },
  { action: 'prevPane', keys: 'shift-tab', help: 'previous pane', group: 'navigate', special: ['shiftTab'] },
  { action: 'down', keys: 'j ↓', help: 'down in a list or a view', short: ['j/k', 'move'], group: 'navigate', inputs: ['j'], special: ['downArrow'] },
  { action: 'up', keys: 'k ↑', help: 'up in a list or a view', group: 'navigate', inputs: ['k'], special: ['upArrow'] },
  { action: 'pageDown', keys: 'pgdn ctrl-f', help: 'page down', group: 'navigate', special: ['pageDown'] },
  { action: 'pageUp', keys: 'pgup ctrl-b', help: 'page up', group: 'navigate', special: ['pageUp'] },
  { action: 'top', keys: 'g home', help: 'first item', group: 'navigate', inputs: ['g'], special: ['home'] },
  { action: 'bottom', keys: 'G end', help: 'last item (the wire follows new calls again)', group: 'navigate', inputs: ['G'], special: ['end'] },
  { action: 'details', keys: 'enter', help: 'details: full request and response, full status', short: ['⏎', 'details'], group: 'views', special: ['return'] },
  { action: 'machine', keys: 'm', help: 'state machine of the selected item ([ ] switch machine)', short: ['m', 'machine'], group: 'views', inputs: ['m'] },
  { action: 'filter', keys: '/', help: 'filter the wire by RPC or pod (enter apply, esc clear)', short: ['/', 'filter'], group: 'views', inputs: ['/'] },
  { action: 'back', keys: 'esc', help: 'back / close / clear the filter', group: 'views', special: ['escape'] },
  { action: 'scenarios', keys: 's', help: 'back to the scenario picker (when crilab started without a file)', short: ['s', 'scenarios'], group: 'app', inputs: ['s'] },
  { action: 'help', keys: '?', help: 'this help', short: ['?', 'help'], group: 'app', inputs: ['?'] },
  { action: 'quit', keys: 'q ctrl-c', help: 'quit', short: ['q', 'quit'], group: 'app', inputs: ['q'], special: ['ctrlC'] },
];

function specialPressed(name: SpecialKey, input: string, key: Key): boolean {
  switch (name) {
    case 'shiftTab':
      return key.tab && key.shift;
    case 'tab':
      return key.tab && !key.shift;
    case 'ctrlC':
      return key.ctrl && input === 'c';
    default:
      return key[name] === true;
  }
}

/**
 * One key press per character. Ink hands a chunk of plain characters to the input handler as
 * one string (it takes it for a paste), and a busy terminal or a held-down key delivers `nnnn`
 * that way: each character is a press of its own here, as the learner meant it.
 */
export function keyPresses(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch) => [ch, { ...key, shift: /[A-Z]/.test(ch) }]);
}

/** The action bound to a key press, or undefined. */
export function actionForKey(input: string, key: Key, map: readonly KeyBinding[] = KEY_MAP): KeyAction | undefined {
  for (const b of map) if (b.special?.some((s) => specialPressed(s, input, key))) return b.action;
  // ctrl-f / ctrl-b page like less and vim.
  if (key.ctrl && input === 'f') return 'pageDown';
  if (key.ctrl && input === 'b') return 'pageUp';
  if (key.ctrl || key.meta) return undefined;
  for (const b of map) if (b.inputs?.includes(input)) return b.action;
  return undefined;
}

/** Which keys the key-help line keeps first when the terminal is narrow: help and quit always. */
const KEY_HELP_PRIORITY: readonly KeyAction[] = [
  'help',
  'quit',
  'next',
  'prev',
  'scenarios',
  'togglePlay',
  'details',
  'nextPane',
  'down',
  'filter',
  'machine',
  'faster',
];

/** Keys that only work in some sessions: `s` needs the picker (crilab started without a file). */
export type KeyAvailable = (action: KeyAction) => boolean;
export const withoutPicker: KeyAvailable = (action) => action !== 'scenarios';

/** The key-help line: as many `key label` pairs as fit in `width`, chosen by priority, shown in table order. */
export function keyHelpLine(width: number, map: readonly KeyBinding[] = KEY_MAP, available: KeyAvailable = withoutPicker): string {
  const label = (b: KeyBinding) => `${b.short![0]} ${b.short![1]}`;
  const chosen = new Set<KeyBinding>();
  let used = 0;
  for (const action of KEY_HELP_PRIORITY) {
    if (!available(action)) continue;
    const b = map.find((x) => x.action === action && x.short);
    if (!b) continue;
    const add = (chosen.size > 0 ? 2 : 0) + label(b).length;
    if (used + add > width) continue;
    chosen.add(b);
    used += add;
  }
  return map
    .filter((b) => chosen.has(b))
    .map(label)
    .join('  ');
}
