import { join } from 'node:path';
import { parseWordList, readAnswerText, AnswerFileError } from './answer-file.js';
import { firstDifference } from './compare.js';
import { runBundled } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';
import { parseHop, type HopComponent } from '../runtime/dockershim/hops.js';

const COMPONENTS: readonly HopComponent[] = ['kubelet', 'dockershim', 'dockerd', 'containerd', 'containerd-shim', 'runc', 'cni', 'registry'];

/** The chain of programs a StartContainer passed through on a dockershim node. */
export const dockershimHops: Exercise = {
  id: 10,
  slug: 'dockershim-hops',
  title: 'Count the hops: dockershim then, CRI now',
  goal:
    'On the dockershim node of scenarios/14-dockershim-then-cri-now.yaml, list the programs a StartContainer call passes through, from the kubelet down to the one that finally starts the process. (On a containerd node it is kubelet, containerd, containerd-shim, runc.)',
  scenario: 'scenarios/14-dockershim-then-cri-now.yaml',
  answerFormat: `program names in order, one per line, from: ${COMPONENTS.join(', ')}`,
  hints: ['dockershim spoke Docker\'s HTTP API; Docker Engine itself did not run containers.', 'Run the scenario with --json and look for the "hop" lines after the StartContainer request.'],
  doc: 'docs/exercises/10-dockershim-hops.md',
  async check(answerFile, ctx) {
    const said = parseWordList(await readAnswerText(answerFile)).map((w) => w.toLowerCase());
    const bad = said.find((w) => !COMPONENTS.includes(w as HopComponent));
    if (bad) throw new AnswerFileError(`${answerFile}: "${bad}" is not one of ${COMPONENTS.join(', ')}`);
    const run = await runBundled(join(ctx.root, this.scenario));
    // The hops between the first StartContainer request and its response.
    const chain: string[] = ['kubelet'];
    let inside = false;
    for (const e of run.events) {
      if (e.kind === 'cri.request' && e.method === 'StartContainer' && !inside) inside = true;
      else if (e.kind === 'cri.response' && e.method === 'StartContainer' && inside) break;
      else if (inside && e.kind === 'log') {
        const h = parseHop(e.message);
        if (!h) continue;
        for (const c of [h.from, h.to]) if (c !== 'disk' && !chain.includes(c)) chain.push(c);
      }
    }
    if (chain.length < 3) throw new Error('the dockershim scenario showed no hops for StartContainer');
    const diff = firstDifference(said, chain, 'program');
    if (!diff) return pass(`Right: ${chain.join(' → ')}: ${chain.length} programs, against 4 on a containerd node.`);
    return notYet(diff, this.hints[said.includes('dockerd') ? 1 : 0]);
  },
};
