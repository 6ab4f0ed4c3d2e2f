/**
 * Signal numbers as on Linux x86-64/arm64 (`man 7 signal`). A process killed by signal N exits
 * with status 128+N as the shell and containerd report it (SIGKILL → 137, SIGTERM → 143).
 */
export const SIGNAL_NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGWINCH: 28,
} as const;

export type SignalName = keyof typeof SIGNAL_NUMBERS;

/** The signals the runtime can send to a container's process (StopContainer, kill, ExecSync timeout). */
export type KillSignal = 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGQUIT';

/** Offset of "killed by signal" exit statuses (POSIX shells, containerd's exit status). */
export const SIGNAL_EXIT_BASE = 128;

/** glibc's strsignal() texts, which `psignal` (used by the pause program) prints. */
export const SIGNAL_DESCRIPTIONS: Partial<Record<SignalName, string>> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGCHLD: 'Child exited',
};

/** Signals that stop a process by default when it has no handler; the others are ignored (SIGCHLD, SIGWINCH) or stop/continue it. */
const DEFAULT_IGNORED: ReadonlySet<SignalName> = new Set(['SIGCHLD', 'SIGWINCH', 'SIGCONT']);

export function defaultActionTerminates(sig: SignalName): boolean {
  return !DEFAULT_IGNORED.has(sig) && sig !== 'SIGSTOP';
}

export function signalNumber(sig: SignalName): number {
  return SIGNAL_NUMBERS[sig];
}

/**
 * Parse a signal as `kill` and `trap` accept it: a number, `TERM`, `SIGTERM`, any case.
 * Returns undefined for unknown names.
 */
export function parseSignal(text: string): SignalName | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    for (const [name, num] of Object.entries(SIGNAL_NUMBERS)) if (num === n) return name as SignalName;
    return undefined;
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in SIGNAL_NUMBERS ? (name as SignalName) : undefined;
}
