import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExercise, EXERCISES, EXIT_FOR_VERDICT, findExercise } from '../../src/exercises/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/exercises');
const ctx = { root: ROOT };

async function verdict(id: number, file: string | undefined) {
  const ex = findExercise(String(id));
  if (!ex) throw new Error(`no exercise ${id}`);
  return checkExercise(ex, file, ctx);
}

/** Each exercise: a right answer passes, a wrong one gets "not yet" with a message. */
const CASES: Array<{ id: number; right: string; wrong: string; wrongSays: RegExp }> = [
  { id: 1, right: '01-right.txt', wrong: '01-wrong.txt', wrongSays: /call 1: you wrote CreateContainer/ },
  { id: 2, right: '02-right.yaml', wrong: '02-wrong.yaml', wrongSays: /no container reached CrashLoopBackOff/ },
  { id: 3, right: '03-right.yaml', wrong: join(ROOT, 'docs/exercises/files/03-broken-scenario.yaml'), wrongSays: /problems left; the first:\n.*03-broken-scenario\.yaml:\d+:\d+:/ },
  { id: 4, right: '04-right.txt', wrong: '04-wrong.txt', wrongSays: /cannot be app/ },
  { id: 5, right: '05-right.txt', wrong: '05-wrong.txt', wrongSays: /IP stayed/ },
  { id: 6, right: '06-right.txt', wrong: '06-wrong.txt', wrongSays: /restart 1: you said 10 s/ },
  { id: 7, right: '07-right.txt', wrong: '07-wrong.txt', wrongSays: /1 pod\(s\) that pulled are missing/ },
  { id: 8, right: '08-right.yaml', wrong: '08-wrong.yaml', wrongSays: /SIGTERM did nothing/ },
  { id: 9, right: '09-right.txt', wrong: '09-wrong.txt', wrongSays: /Status came less often than once a second/ },
  { id: 10, right: '10-right.txt', wrong: '10-wrong.txt', wrongSays: /program 2: you wrote containerd/ },
];

describe('exercise checkers', () => {
  it('there are at least 8 exercises, numbered 1…n, each with a doc page and hints', () => {
    expect(EXERCISES.length).toBeGreaterThanOrEqual(8);
    EXERCISES.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.doc).toMatch(new RegExp(`^docs/exercises/${String(e.id).padStart(2, '0')}-${e.slug}\\.md$`));
      expect(e.hints.length).toBeGreaterThan(0);
    });
    expect(CASES.map((c) => c.id)).toEqual(EXERCISES.map((e) => e.id));
  });

  for (const c of CASES) {
    describe(`exercise ${c.id}`, () => {
      it('passes a right answer', async () => {
        const r = await verdict(c.id, join(FIX, c.right));
        expect(r.message).not.toMatch(/checker could not run/);
        expect(r.verdict).toBe('pass');
      }, 120_000);
      it('says "not yet", with what is wrong, to a wrong answer', async () => {
        const r = await verdict(c.id, c.wrong.startsWith('/') ? c.wrong : join(FIX, c.wrong));
        expect(r.verdict).toBe('not-yet');
        expect(r.message).toMatch(c.wrongSays);
        expect(EXIT_FOR_VERDICT[r.verdict]).toBe(1);
      }, 120_000);
    });
  }

  it('a missing or malformed answer file is a bad answer (exit 2), not a crash', async () => {
    expect((await verdict(1, join(FIX, 'nope.txt'))).verdict).toBe('bad-answer');
    expect((await verdict(1, undefined)).message).toMatch(/needs an answer file/);
    const typo = await verdict(1, join(FIX, '01-typo.txt'));
    expect(typo).toMatchObject({ verdict: 'bad-answer' });
    expect(typo.message).toMatch(/did you mean "PullImage"/);
    expect((await verdict(5, join(FIX, '05-bad.txt'))).message).toMatch(/not one of the choices/);
    expect(EXIT_FOR_VERDICT['bad-answer']).toBe(2);
    // A learner's scenario that does not load is reported with file:line:column.
    const r = await verdict(2, join(ROOT, 'docs/exercises/files/03-broken-scenario.yaml'));
    expect(r.verdict).toBe('bad-answer');
    expect(r.message).toMatch(/does not load:\n\s+.*03-broken-scenario\.yaml:\d+:\d+:/);
  }, 60_000);
});
