import { join } from 'node:path';
import { answerLines, AnswerFileError, readAnswerText } from './answer-file.js';
import { runBundled } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** Words that name the pause (infra) container, which holds the pod's namespaces. */
const PAUSE_NAMES = ['pause', 'pause container', 'the pause container', 'sandbox', 'pod sandbox', 'the sandbox', 'infra', 'infra container', 'pod'];

/** Which container keeps the pod's network namespace alive? */
export const whoHoldsTheNetwork: Exercise = {
  id: 4,
  slug: 'who-holds-the-network',
  title: 'Which container keeps the network alive?',
  goal:
    'Run scenarios/02-pause-and-netns.yaml. The app container crashes and comes back, yet the pod keeps its IP. Which container of the pod keeps the network namespace (and so the IP) alive? Write its name.',
  scenario: 'scenarios/02-pause-and-netns.yaml',
  answerFormat: 'one line: the name of the container',
  hints: [
    'It is not in the pod spec: the runtime starts it for RunPodSandbox, before any of your containers.',
    'kubectl does not show it; crictl ps -a on the node does not either, but crictl pods does.',
  ],
  doc: 'docs/exercises/04-who-holds-the-network.md',
  async check(answerFile, ctx) {
    const line = answerLines(await readAnswerText(answerFile))[0];
    if (!line) throw new AnswerFileError(`${answerFile}: empty, expected the name of a container`);
    const said = line.toLowerCase().replace(/["'.]/g, '').trim();
    const run = await runBundled(join(ctx.root, this.scenario));
    // The evidence: one sandbox for the whole run, yet the app container restarted.
    const sandboxes = run.state.calls.filter((c) => c.pod === 'web' && c.method === 'RunPodSandbox' && !c.failed).length;
    const restarts = run.state.statuses.get('web')?.containerStatuses?.find((c) => c.name === 'app')?.restartCount ?? 0;
    const evidence = `in the run: ${restarts} restart(s) of app, ${sandboxes} RunPodSandbox, IP ${run.state.podIP('web') || 'none'} throughout`;
    if (PAUSE_NAMES.includes(said)) return pass(`Yes: the pause container of the pod sandbox (${evidence}).`);
    if (said === 'app') return notYet(`app crashed and the IP stayed (${evidence}), so it cannot be app`, this.hints[0]);
    return notYet(`"${line}" is not it (${evidence})`, this.hints[0]);
  },
};
