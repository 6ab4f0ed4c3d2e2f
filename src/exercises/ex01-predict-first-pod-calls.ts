import { parseRpcList, readAnswerText } from './answer-file.js';
import { firstDifference } from './compare.js';
import { podCallSequence, runBundled } from './run-quietly.js';
import { join } from 'node:path';
import { notYet, pass, type Exercise } from './types.js';

/** Predict the CRI calls the kubelet makes to start the first pod; the checker runs it and compares. */
export const predictFirstPodCalls: Exercise = {
  id: 1,
  slug: 'predict-first-pod-calls',
  title: 'Predict the CRI calls that start a pod',
  goal:
    'Before running scenarios/01-first-pod.yaml, write down, in order, every CRI call the kubelet makes for the pod "hello" from the moment it sees the manifest until the app container is started (leave out the PLEG\'s periodic ListPodSandbox/ListContainers and its status reads).',
  scenario: 'scenarios/01-first-pod.yaml',
  answerFormat: 'one CRI method name per line (RunPodSandbox, …), in order',
  hints: [
    'The pod sandbox comes before anything else, and the kubelet needs to learn the sandbox\'s IP.',
    'Before a container is created its image must be on the node: the kubelet asks, then pulls.',
    'Creating and starting a container are two different calls.',
  ],
  doc: 'docs/exercises/01-predict-first-pod-calls.md',
  async check(answerFile, ctx) {
    const file = answerFile ?? '';
    const said = parseRpcList(file, await readAnswerText(answerFile));
    const run = await runBundled(join(ctx.root, this.scenario));
    const all = podCallSequence(run, 'hello');
    const start = all.indexOf('StartContainer');
    const real = start >= 0 ? all.slice(0, start + 1) : all;
    const diff = firstDifference(said, real);
    if (!diff) return pass(`Right: ${real.join(' → ')}. Run the scenario to see each call with its request and response.`);
    return notYet(diff, this.hints[Math.min(this.hints.length - 1, firstWrongIndex(said, real) < 2 ? 0 : firstWrongIndex(said, real) < 4 ? 1 : 2)]);
  },
};

function firstWrongIndex(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
