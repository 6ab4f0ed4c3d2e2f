import { join } from 'node:path';
import { parseRpcList, readAnswerText } from './answer-file.js';
import { runBundled } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** A call made at least this often in the quiet 10 s window is a per-second one. */
const PER_SECOND_MIN = 8;

/** Which CRI calls does the PLEG make every second, even when nothing happens? */
export const plegRelist: Exercise = {
  id: 9,
  slug: 'pleg-relist',
  title: 'What does the PLEG ask every second?',
  goal:
    'In scenarios/13-pleg.yaml nothing happens to the pod for 10 seconds (step "advance: 10s"), yet the kubelet keeps calling the runtime. Which CRI calls does it make every second, in the order it makes them?',
  scenario: 'scenarios/13-pleg.yaml',
  answerFormat: 'CRI method names, one per line, in order',
  hints: ['Run the scenario with --verbose: the transcript then shows the relists.', 'The PLEG lists first the sandboxes, then the containers, with no filter.'],
  doc: 'docs/exercises/09-pleg-relist.md',
  async check(answerFile, ctx) {
    const said = parseRpcList(answerFile ?? '', await readAnswerText(answerFile));
    const run = await runBundled(join(ctx.root, this.scenario));
    const adv = run.scenario.steps.findIndex((s) => s.kind === 'advance');
    const from = run.stepStartSeq.get(adv + 1) ?? 0;
    const to = run.stepStartSeq.get(adv + 2) ?? Infinity;
    const counts = new Map<string, number>();
    const order: string[] = [];
    for (const c of run.state.calls) {
      if (c.seq <= from || c.seq >= to) continue;
      counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
      if (!order.includes(c.method)) order.push(c.method);
    }
    const real = order.filter((m) => (counts.get(m) ?? 0) >= PER_SECOND_MIN);
    if (said.length === real.length && said.every((m, i) => m === real[i])) {
      return pass(`Right: ${real.join(', ')} — ${counts.get(real[0]!) ?? 0} times each in those 10 seconds. That is the generic PLEG's relist.`);
    }
    const others = [...counts.keys()].filter((m) => !real.includes(m));
    const note = said.some((m) => others.includes(m)) ? ` (${said.filter((m) => others.includes(m)).join(', ')} came less often than once a second)` : '';
    return notYet(`not the per-second calls${note}`, this.hints[said.length === real.length ? 1 : 0]);
  },
};
