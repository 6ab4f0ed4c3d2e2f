import { join } from 'node:path';
import { parseWordList, readAnswerText, AnswerFileError } from './answer-file.js';
import { sameSet } from './compare.js';
import { runBundled } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** Which pods of the images scenario make the kubelet call PullImage? */
export const whoPulls: Exercise = {
  id: 7,
  slug: 'who-pulls',
  title: 'Which pods make the kubelet pull?',
  goal:
    'Read scenarios/05-images.yaml without running it: busybox:1.36 is already on the node. For which of its pods (cached, always, never, typo, slow) does the kubelet call PullImage at least once? Then run it and check.',
  scenario: 'scenarios/05-images.yaml',
  answerFormat: 'the pod names, one per line',
  hints: [
    'IfNotPresent pulls only what is absent; Always pulls even what is there; Never never pulls.',
    'A pull that fails is still a PullImage call.',
  ],
  doc: 'docs/exercises/07-who-pulls.md',
  async check(answerFile, ctx) {
    const said = parseWordList(await readAnswerText(answerFile));
    const run = await runBundled(join(ctx.root, this.scenario));
    const pods = run.scenario.pods.map((p) => p.name);
    const unknown = said.filter((w) => !pods.includes(w.toLowerCase()));
    if (unknown.length > 0) throw new AnswerFileError(`${answerFile}: "${unknown[0]}" is not a pod of the scenario (${pods.join(', ')})`);
    const pulled = pods.filter((p) => run.state.calls.some((c) => c.pod === p && c.method === 'PullImage'));
    if (sameSet(said, pulled)) return pass(`Right: ${pulled.join(', ')}.`);
    const missing = pulled.filter((p) => !said.map((s) => s.toLowerCase()).includes(p));
    const extra = said.filter((s) => !pulled.includes(s.toLowerCase()));
    const parts = [missing.length ? `${missing.length} pod(s) that pulled are missing` : '', extra.length ? `${extra.join(', ')} did not pull` : ''].filter(Boolean);
    return notYet(parts.join('; '), missing.length && !extra.length ? this.hints[1] : this.hints[0]);
  },
};
