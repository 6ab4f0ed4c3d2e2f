import { join } from 'node:path';
import { parseChoice, readAnswerText } from './answer-file.js';
import { runBundled } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

export const WHY_IP_CHOICES = {
  a: 'The app containers restarted, and every container start asks CNI for a new address.',
  b: 'The pause container died, so the sandbox was not ready; the kubelet killed the pod and ran a new sandbox (attempt 1) with a new network namespace, and CNI ADD gave it a new address.',
  c: 'The kubelet gives pods a new IP whenever it re-syncs them (every minute).',
  d: 'The images were pulled again, and a pull resets the pod network.',
} as const;

const WHY_WRONG: Record<string, string> = {
  a: 'In scenario 2 the app container restarted and the IP stayed: a container start does not touch the network.',
  c: 'A resync that finds the sandbox ready with an IP keeps it; look at the kubelet\'s decision lines.',
  d: 'Look at the ImageStatus answers in the run: the images were already present.',
};

/** Multiple choice: why did the pod's IP change in scenario 3? */
export const whyTheIpChanged: Exercise = {
  id: 5,
  slug: 'why-the-ip-changed',
  title: 'Why did the IP change?',
  goal: `Run scenarios/03-pause-dies.yaml: after the fault the pod runs again with a different IP. Why? Choose one:\n${Object.entries(WHY_IP_CHOICES)
    .map(([k, v]) => `  ${k}) ${v}`)
    .join('\n')}`,
  scenario: 'scenarios/03-pause-dies.yaml',
  answerFormat: 'one letter: a, b, c or d',
  hints: ['Look for the SandboxChanged event and the attempt number of the second RunPodSandbox.'],
  doc: 'docs/exercises/05-why-the-ip-changed.md',
  async check(answerFile, ctx) {
    const choice = parseChoice(answerFile ?? '', await readAnswerText(answerFile), Object.keys(WHY_IP_CHOICES));
    const run = await runBundled(join(ctx.root, this.scenario));
    const sandboxes = run.state.calls.filter((c) => c.pod === 'shop' && c.method === 'RunPodSandbox' && !c.failed).length;
    const changed = run.state.kubeEvents.some((e) => e.pod === 'shop' && e.reason === 'SandboxChanged');
    const evidence = `the run shows ${sandboxes} sandboxes and ${changed ? 'a' : 'no'} SandboxChanged event`;
    // The right answer is the one the run bears out: a second sandbox after SandboxChanged.
    const right = changed && sandboxes >= 2 ? 'b' : undefined;
    if (choice === right) return pass(`Right (${evidence}). The IP belongs to the sandbox's network namespace, not to any container.`);
    return notYet(WHY_WRONG[choice] ?? `not quite (${evidence})`, this.hints[0]);
  },
};
