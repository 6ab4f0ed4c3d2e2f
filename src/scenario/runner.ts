import { Faker, en } from '@faker-js/faker';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Backend } from '../backends/backend.js';
import { createCriClient, type CriClient } from '../cri/client.js';
import { Kubelet } from '../kubelet/kubelet.js';
import type { TraceBus } from '../trace/bus.js';
import type { TraceEvent } from '../trace/events.js';
import { evaluateCondition, evaluateExpectation, type ExpectMemory } from './conditions.js';
import { formatDuration } from './duration.js';
import { preparePod } from './pod-identity.js';
import { RunState } from './run-state.js';
import type { Fault, Scenario, Step } from './types.js';

export interface ExpectationResult {
  step: number;
  description: string;
  passed: boolean;
  expected: unknown;
  observed: unknown;
}

export interface RunSummary {
  passed: number;
  failed: number;
  results: ExpectationResult[];
  /** Set when a step could not complete (a wait timed out); later steps did not run. */
  aborted?: string;
}

export interface ScenarioRunOptions {
  scenario: Scenario;
  backend: Backend;
  bus: TraceBus;
  /** Overrides the scenario's seed. */
  seed?: number;
}

/** A one-line description of a step, for the transcript and the UI's header. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'narrate':
      return step.text;
    case 'apply':
      return `apply pod ${step.pod} (source ${step.source})`;
    case 'update':
      return `update pod ${step.pod}`;
    case 'delete':
      return `delete pod ${step.pod}${step.gracePeriodSeconds !== undefined ? ` (grace ${step.gracePeriodSeconds}s)` : ''}`;
    case 'advance':
      return `advance the clock by ${formatDuration(step.durationMs)}`;
    case 'wait':
      return `wait for ${JSON.stringify(step.condition)} (timeout ${formatDuration(step.timeoutMs)})`;
    case 'fault':
      return `fault: ${describeFault(step.fault)}`;
    case 'expect':
      return `expect ${JSON.stringify(step.expectation)}`;
  }
}

function describeFault(f: Fault): string {
  const { kind, ...rest } = f;
  return `${kind} ${JSON.stringify(rest)}`;
}

/**
 * Runs a scenario step by step against a backend: the kubelet (always crilab's) talks CRI to
 * the backend's runtime; steps apply pods, move the clock, wait for conditions, inject faults
 * and check expectations. Every step is bracketed by `step` events in the trace, which is how
 * the UI and recordings know where steps begin and end.
 */
export class ScenarioRun {
  readonly state = new RunState();
  readonly results: ExpectationResult[] = [];
  readonly seed: number;
  private kubelet: Kubelet | undefined;
  private cri: CriClient | undefined;
  private readonly faker: Faker;
  private readonly memory: ExpectMemory = { lastIp: new Map(), lastExpectSeq: 0 };
  private readonly applied = new Map<string, Pod>();
  private nextStep = 0;
  private aborted: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private waiters = new Set<() => void>();

  constructor(private readonly opts: ScenarioRunOptions) {
    this.seed = opts.seed ?? opts.scenario.seed;
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(this.seed);
  }

  get scenario(): Scenario {
    return this.opts.scenario;
  }

  get stepsRun(): number {
    return this.nextStep;
  }

  get finished(): boolean {
    return this.nextStep >= this.scenario.steps.length || this.aborted !== undefined;
  }

  private get clock() {
    return this.opts.backend.clock;
  }

  private emit(body: Parameters<TraceBus['emit']>[1], source: Parameters<TraceBus['emit']>[0] = 'scenario'): TraceEvent {
    return this.opts.bus.emit(source, body);
  }

  async start(): Promise<void> {
    this.unsubscribe = this.opts.bus.subscribe((e) => {
      this.state.apply(e);
      for (const w of [...this.waiters]) w();
    });
    await this.startKubelet();
  }

  private async startKubelet(): Promise<void> {
    const backend = this.opts.backend;
    this.cri = createCriClient({ endpoint: backend.endpoint, clock: backend.clock, trace: this.opts.bus.forSource('kubelet'), name: 'kubelet' });
    const node = this.scenario.node;
    this.kubelet = new Kubelet({
      cri: this.cri,
      clock: backend.clock,
      trace: this.opts.bus.forSource('kubelet'),
      nodeName: node.name,
      clusterDNS: node.kubelet.clusterDNS,
      clusterDomain: node.kubelet.clusterDomain,
      ownerLabels: backend.ownerLabels,
    });
    await this.kubelet.start();
    // A restarted kubelet learns its pods again from its sources.
    for (const [, pod] of this.applied) this.kubelet.addPod(pod, (pod.metadata?.annotations?.['kubernetes.io/config.source'] ?? 'api') as 'api');
  }

  /** Stop the kubelet's loops, let a call already on the wire finish, then hang up. */
  private async stopKubelet(): Promise<void> {
    const cri = this.cri;
    this.kubelet?.stop();
    this.kubelet = undefined;
    this.cri = undefined;
    if (cri) {
      await Promise.race([cri.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
      cri.close();
    }
  }

  /** Run the steps up to and including `n` (1-based); returns at once if they already ran. */
  async runThroughStep(n: number): Promise<void> {
    while (this.nextStep < Math.min(n, this.scenario.steps.length) && !this.aborted) {
      await this.runStep(this.nextStep);
      this.nextStep++;
    }
  }

  async runAll(): Promise<RunSummary> {
    await this.runThroughStep(this.scenario.steps.length);
    return this.summary();
  }

  summary(): RunSummary {
    const failed = this.results.filter((r) => !r.passed).length;
    return { passed: this.results.length - failed, failed, results: this.results, ...(this.aborted ? { aborted: this.aborted } : {}) };
  }

  private async runStep(i: number): Promise<void> {
    const step = this.scenario.steps[i]!;
    const total = this.scenario.steps.length;
    const summary = describeStep(step);
    this.emit({ kind: 'step', index: i + 1, total, step: step.kind, summary, phase: 'start' });
    try {
      await this.execute(step, i + 1);
    } catch (err) {
      this.aborted = `step ${i + 1} (${step.kind}, line ${step.position.line}): ${err instanceof Error ? err.message : String(err)}`;
      this.emit({ kind: 'log', level: 'error', message: this.aborted });
    }
    this.emit({ kind: 'step', index: i + 1, total, step: step.kind, summary, phase: 'end' });
  }

  private podOf(name: string): Pod {
    const pod = this.applied.get(name);
    if (!pod) throw new Error(`pod "${name}" has not been applied yet`);
    return pod;
  }

  private async execute(step: Step, index: number): Promise<void> {
    const kubelet = this.kubelet;
    switch (step.kind) {
      case 'narrate':
        this.emit({ kind: 'narration', text: step.text });
        return;
      case 'apply': {
        const sp = this.scenario.pods.find((p) => p.name === step.pod)!;
        const pod = preparePod(sp.manifest, step.source, this.scenario.node.name, this.faker);
        this.applied.set(step.pod, pod);
        this.state.registerPod(step.pod, `${pod.metadata!.namespace}/${pod.metadata!.name}`, pod.metadata!.uid!);
        kubelet?.addPod(pod, step.source);
        return;
      }
      case 'update': {
        const old = this.podOf(step.pod);
        const pod: Pod = { ...structuredClone(step.manifest), metadata: { ...step.manifest.metadata, name: old.metadata!.name!, namespace: old.metadata!.namespace!, uid: old.metadata!.uid!, annotations: old.metadata!.annotations! } };
        this.applied.set(step.pod, pod);
        kubelet?.updatePod(pod);
        return;
      }
      case 'delete': {
        const pod = this.podOf(step.pod);
        kubelet?.deletePod(pod.metadata!.uid!, step.gracePeriodSeconds);
        return;
      }
      case 'advance':
        await this.clock.sleep(step.durationMs, undefined, 'scenario advance');
        return;
      case 'wait':
        await this.waitFor(step, index);
        return;
      case 'fault':
        await this.inject(step.fault);
        return;
      case 'expect': {
        const ev = evaluateExpectation(this.state, step.expectation, this.memory, () => undefined);
        this.record(index, `expect ${JSON.stringify(step.expectation)}`, ev.met, step.expectation, ev.observed);
        this.memory.lastExpectSeq = this.state.lastSeq;
        return;
      }
    }
  }

  private record(step: number, description: string, passed: boolean, expected: unknown, observed: unknown): void {
    this.results.push({ step, description, passed, expected, observed });
    this.emit({ kind: 'expectation', description, passed, expected, observed });
  }

  private async waitFor(step: Extract<Step, { kind: 'wait' }>, index: number): Promise<void> {
    const since = this.state.lastSeq;
    const check = () => evaluateCondition(this.state, step.condition, since);
    if (check().met) return;
    const controller = new AbortController();
    const met = await new Promise<boolean>((resolve) => {
      const waiter = () => {
        if (check().met) {
          this.waiters.delete(waiter);
          controller.abort();
          resolve(true);
        }
      };
      this.waiters.add(waiter);
      this.clock.sleep(step.timeoutMs, controller.signal, 'scenario wait timeout').then(
        () => {
          this.waiters.delete(waiter);
          resolve(false);
        },
        () => undefined,
      );
    });
    if (!met) {
      const observed = check().observed;
      this.record(index, `wait ${JSON.stringify(step.condition)}`, false, step.condition, observed);
      throw new Error(`wait timed out after ${formatDuration(step.timeoutMs)}: observed ${JSON.stringify(observed)}`);
    }
  }

  private async inject(fault: Fault): Promise<void> {
    const faults = this.opts.backend.faults;
    this.emit({ kind: 'fault', fault: fault.kind, detail: { ...fault } });
    const ref = (name: string) => {
      const pod = this.podOf(name);
      return { name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
    };
    switch (fault.kind) {
      case 'crash':
        return faults.crashContainer(ref(fault.pod), fault.container, fault.exitCode);
      case 'oomKill':
        return faults.oomKill(ref(fault.pod), fault.container);
      case 'killPause':
        return faults.killPause(ref(fault.pod));
      case 'cniAddFails':
        return faults.failCniAdd(fault.times, fault.message);
      case 'imagePullFails':
        return faults.failImagePull(fault.image, fault.times, fault.message);
      case 'imagePullSlow':
        return faults.slowImagePull(fault.image, fault.pullTimeMs, fault.times);
      case 'runtimeStop':
        return faults.stopRuntime();
      case 'runtimeStart':
        return faults.startRuntime();
      case 'runtimeRestart':
        await faults.stopRuntime();
        await this.clock.sleep(fault.downForMs, undefined, 'runtime down');
        return faults.startRuntime();
      case 'kubeletStop':
        return this.stopKubelet();
      case 'kubeletStart':
        return this.startKubelet();
      case 'kubeletRestart':
        this.stopKubelet();
        await this.clock.sleep(fault.downForMs, undefined, 'kubelet down');
        return this.startKubelet();
      case 'probeFails':
        throw new Error('probe faults need the kubelet prober, which this build does not have yet');
    }
  }

  async close(): Promise<void> {
    await this.stopKubelet();
    this.unsubscribe?.();
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
