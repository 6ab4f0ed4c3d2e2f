import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/loader.js';
import { EXERCISES } from '../../src/exercises/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const files = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => /^\d\d-.*\.yaml$/.test(f))
  .sort();
const concepts = readdirSync(join(ROOT, 'docs/concepts')).filter((f) => f.endsWith('.md'));

/** What each numbered scenario must teach (issue 8's curriculum), by a word its `teaches` must use. */
const TOPICS: Record<string, RegExp> = {
  '01': /sandbox/i,
  '02': /pause/i,
  '03': /attempt/i,
  '04': /CrashLoopBackOff/,
  '05': /ImagePullBackOff/,
  '06': /namespace/i,
  '07': /sidecar/i,
  '08': /ExecSync/,
  '09': /SIGKILL/,
  '10': /static pod/i,
  '11': /CNI/,
  '12': /restart/i,
  '13': /PLEG/,
  '14': /dockershim/,
};

describe('the bundled curriculum', () => {
  it('has at least 14 scenarios, numbered 01… in teaching order without gaps', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    files.forEach((f, i) => expect(f.slice(0, 2)).toBe(String(i + 1).padStart(2, '0')));
  });

  for (const f of files) {
    const nn = f.slice(0, 2);
    describe(f, () => {
      it('loads, teaches its topic, narrates, waits and checks', async () => {
        const res = await loadScenarioFile(join(ROOT, 'scenarios', f));
        if (!res.ok) throw new Error(res.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
        const s = res.scenario;
        expect(s.title.length).toBeGreaterThan(5);
        if (TOPICS[nn]) expect(s.teaches).toMatch(TOPICS[nn]!);
        const kinds = s.steps.map((st) => st.kind);
        expect(kinds.filter((k) => k === 'narrate').length).toBeGreaterThanOrEqual(3);
        expect(kinds).toContain('wait');
        expect(kinds.filter((k) => k === 'expect').length).toBeGreaterThanOrEqual(2);
        // Every wait is bounded by a timeout shorter than the default, so a broken run fails fast.
        expect(s.steps.every((st) => st.kind !== 'wait' || st.timeoutMs <= 10 * 60_000)).toBe(true);
      });

      it('has a concept page that links it and cites upstream sources', () => {
        const page = concepts.find((c) => c.startsWith(`${nn}-`));
        expect(page, `docs/concepts/${nn}-*.md`).toBeDefined();
        const text = readFileSync(join(ROOT, 'docs/concepts', page!), 'utf8');
        expect(text).toContain(`scenarios/${f}`);
        expect(text).toMatch(/## Sources/);
        expect(text).toMatch(/pkg\/kubelet|internal\/cri|cri-api|containerd/);
      });
    });
  }

  it('every exercise has its page, and its starting scenario exists', () => {
    for (const e of EXERCISES) {
      expect(existsSync(join(ROOT, e.doc)), e.doc).toBe(true);
      expect(existsSync(join(ROOT, e.scenario)), e.scenario).toBe(true);
      const text = readFileSync(join(ROOT, e.doc), 'utf8');
      expect(text).toContain(`crilab exercise check ${e.id}`);
      expect(text).toMatch(/## Hints/);
    }
  });

  it('the glossary, the node mapping and the facilitator guide exist and link the curriculum', () => {
    for (const p of ['docs/glossary.md', 'docs/real-node-mapping.md', 'docs/facilitator-guide.md']) expect(existsSync(join(ROOT, p)), p).toBe(true);
    const guide = readFileSync(join(ROOT, 'docs/facilitator-guide.md'), 'utf8');
    expect(guide).toMatch(/crilab replay/);
    expect(guide).toMatch(/crilab exercise check/);
  });
});
