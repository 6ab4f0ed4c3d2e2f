/**
 * The differential suite: the same CRI scripts and the same bundled scenarios, run against
 * crilab's simulated runtime and against real containerd (the lab), normalised and compared.
 * Every difference must be listed in deliberate-differences.ts with its reason.
 *
 * Needs the lab (Debian, root): skips with the reason elsewhere, fails instead when
 * CRILAB_REQUIRE_CONTAINERD=1 (CI).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrThrow, runScenario, type RunScenarioResult } from '../../src/scenario/run-scenario.js';
import type { Scenario } from '../../src/scenario/types.js';
import { probeCri } from '../../src/backends/containerd/endpoint.js';
import { CRI_CASES, caseContext, type Observation } from './cri-cases.js';
import { containerdTarget, simTarget, type CriTarget } from './cri-targets.js';
import { diffCase, diffValues, normaliseObservations, type Difference } from './compare.js';
import { DIFFERENCE_RULES, matches } from './deliberate-differences.js';
import { cannotRunOnLab, recordOf, type ScenarioRecord } from './scenario-compare.js';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient } from '../../src/cri/client.js';
import { OWNER_LABEL } from '../../src/backends/backend.js';
import { labUnavailableReason, releaseLab, REQUIRE_CONTAINERD, skipOrFail, useLab, type LabAvailability } from './helpers.js';

const LAB_TIMEOUT = 10 * 60_000;
/**
 * A scenario whose simulated run is longer than this is not run on containerd by the suite: on
 * the real clock it would take as long (CrashLoopBackOff's 5-minute back-off…). The suite's CI
 * time stays at a few minutes.
 */
export const SCENARIO_REAL_TIME_BUDGET_MS = 60_000;
/** …and all the scenarios together. */
export const SUITE_SCENARIO_BUDGET_MS = 90_000;

const SCENARIO_DIR = path.resolve(__dirname, '../../scenarios');
const unavailable = labUnavailableReason();

/** Differences the rules accept, and the rules that matched. */
const accepted: { d: Difference; rule: (typeof DIFFERENCE_RULES)[number] }[] = [];
const usedRules = new Set<number>();

function unexplained(diffs: Difference[]): Difference[] {
  return diffs.filter((d) => {
    const i = DIFFERENCE_RULES.findIndex((r) => matches(r, d));
    if (i < 0) return true;
    usedRules.add(i);
    accepted.push({ d, rule: DIFFERENCE_RULES[i]! });
    return false;
  });
}

const fmt = (ds: Difference[]) => ds.map((d) => `${d.case} · ${d.label} · ${d.path}: sim=${JSON.stringify(d.sim)} containerd=${JSON.stringify(d.containerd)}`).join('\n');

/** Scenario record with what is not compared taken out (expectations naming a literal IP). */
function comparable(r: ScenarioRecord): ScenarioRecord {
  return { ...r, expectations: r.expectations.map((e) => (/\bIP \d+\.\d+\.\d+\.\d+/.test(e.description) ? { ...e, passed: true } : e)) };
}

describe(`differential: simulator vs containerd${unavailable ? ` (unavailable: ${unavailable})` : ''}`, () => {
  let avail: LabAvailability = { ok: false, reason: unavailable ?? 'not started' };
  let sim: CriTarget | undefined;
  let ctrd: CriTarget | undefined;
  let compared = 0;

  beforeAll(async () => {
    if (unavailable) return;
    avail = await useLab();
    if (!avail.ok) return;
    const v = await probeCri(avail.lab.endpoint);
    console.log(`[differential] containerd ${v.ok ? `${v.runtimeName} ${v.runtimeVersion}` : `unreachable: ${v.reason}`} at ${avail.lab.endpoint}`);
    sim = await simTarget();
    ctrd = await containerdTarget(avail.lab.endpoint);
  }, LAB_TIMEOUT);

  afterAll(async () => {
    await sim?.close();
    await ctrd?.close();
    releaseLab();
    const gaps = accepted.filter((a) => a.rule.kind === 'known-gap');
    console.log(`[differential] compared ${compared} cases (${CRI_CASES.length} CRI cases + scenarios); ${accepted.length} accepted differences, ${gaps.length} of them known gaps`);
    for (const g of gaps) console.log(`[differential] known gap (${g.rule.owner}): ${fmt([g.d])}`);
  });

  const need = (ctx: { skip: (note?: string) => never }) => {
    if (!avail.ok) skipOrFail(ctx, avail.reason);
    return { sim: sim!, ctrd: ctrd! };
  };

  describe('CRI cases', () => {
    for (const c of CRI_CASES) {
      it(`${c.name}: ${c.about}`, async (ctx) => {
        const t = need(ctx);
        const uniq = `d${process.pid.toString(36)}-${c.name.slice(0, 10)}`;
        const runOn = async (target: CriTarget): Promise<Observation[]> => {
          const cc = caseContext(target);
          try {
            await c.run(cc.ctx, uniq);
          } catch (err) {
            cc.ctx.observe('the script stopped', String(err));
          } finally {
            await cc.finish();
          }
          return normaliseObservations(cc.observations, target.podLogsDir);
        };
        const [s, k] = await Promise.all([runOn(t.sim), runOn(t.ctrd)]);
        compared++;
        expect(k.length, 'containerd recorded nothing').toBeGreaterThan(0);
        const left = unexplained(diffCase(c.name, s, k));
        expect(left, `differences not in deliberate-differences.ts:\n${fmt(left)}`).toEqual([]);
      }, 60_000);
    }
  });

  describe('bundled scenarios', () => {
    const files = fs.readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml')).sort();
    let budget = SUITE_SCENARIO_BUDGET_MS;
    for (const file of files) {
      it(file, async (ctx) => {
        need(ctx);
        const scenario: Scenario = await loadOrThrow(path.join(SCENARIO_DIR, file));
        const why = cannotRunOnLab(scenario);
        if (why) {
          console.log(`[differential] ${file}: not run on containerd: ${why}`);
          return;
        }
        const simRun: RunScenarioResult = await runScenario(scenario, { backend: 'sim' });
        const simMs = (simRun.events.at(-1)?.t ?? 0) - (simRun.events[0]?.t ?? 0);
        if (simMs > SCENARIO_REAL_TIME_BUDGET_MS || simMs > budget) {
          console.log(`[differential] ${file}: not run on containerd: ${Math.round(simMs / 1000)} s of kubelet time would take as long for real (budget ${Math.round(Math.min(SCENARIO_REAL_TIME_BUDGET_MS, budget) / 1000)} s)`);
          return;
        }
        budget -= simMs;
        // A node starts clean: what the CRI cases left on the lab (their exited containers hold
        // the busybox image) would otherwise make the scenario's PullImage "already present".
        if (avail.ok) await removeOwnedPods(avail.lab.endpoint);
        const ctrdRun = await runScenario(scenario, { backend: 'containerd' });
        compared++;
        const a = comparable(recordOf(simRun.events, simRun.summary));
        const b = comparable(recordOf(ctrdRun.events, ctrdRun.summary));
        const diffs: Difference[] = (Object.keys(a) as (keyof ScenarioRecord)[]).flatMap((k) =>
          diffValues(a[k], b[k]).map((d) => ({ case: file, label: k, path: d.path, sim: d.a ?? null, containerd: d.b ?? null })),
        );
        const left = unexplained(diffs);
        expect(left, `differences not in deliberate-differences.ts:\n${fmt(left)}`).toEqual([]);
      }, 5 * 60_000);
    }
  });

  it('every rule in deliberate-differences.ts still matches a difference', (ctx) => {
    need(ctx);
    const stale = DIFFERENCE_RULES.filter((_, i) => !usedRules.has(i));
    expect(stale.map((r) => `${r.case} · ${r.label ?? '*'} · ${r.path}: ${r.reason}`), 'these differences are gone: remove their rules').toEqual([]);
  });
});

if (REQUIRE_CONTAINERD && unavailable) {
  describe('CRILAB_REQUIRE_CONTAINERD=1', () => {
    it('requires the containerd lab for the differential suite', () => {
      throw new Error(`CRILAB_REQUIRE_CONTAINERD=1 but ${unavailable}`);
    });
  });
}

/** Remove every sandbox and container crilab owns on the lab (never anything else). */
async function removeOwnedPods(endpoint: string): Promise<void> {
  const clock = new RealClock();
  const cri = createCriClient({ endpoint, clock, name: 'cleanup' });
  try {
    const selector = { [OWNER_LABEL]: 'true' };
    for (const c of (await cri.runtime.ListContainers({ filter: { labelSelector: selector } })).containers) {
      await cri.runtime.RemoveContainer({ containerId: c.id }).catch(() => undefined);
    }
    for (const s of (await cri.runtime.ListPodSandbox({ filter: { labelSelector: selector } })).items) {
      await cri.runtime.StopPodSandbox({ podSandboxId: s.id }).catch(() => undefined);
      await cri.runtime.RemovePodSandbox({ podSandboxId: s.id }).catch(() => undefined);
    }
  } finally {
    cri.close();
    clock.stop();
  }
}
