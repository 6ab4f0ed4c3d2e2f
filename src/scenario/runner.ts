import { base, Faker } from '@faker-js/faker';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Backend } from '../backends/backend.js';
import { createCriClient, type CriClient } from '../cri/client.js';
import { Kubelet } from '../kubelet/kubelet.js';
import type { TraceBus } from '../trace/bus.js';
import type { TraceEvent } from '../trace/events.js';
import { evaluateCondition, evaluateExpectation, type ExpectMemory } from './conditions.js';
import { formatDuration } from './duration.js';
import { stepSummary } from './loader.js';
import { preparePod } from '../kubelet/sources/index.js';
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

/** Real-time limit on waiting for a stopping kubelet's last call (never reached on the simulated clock). */
const STOP_GUARD_MS = 10_000;
/** Real-time limit on waiting for the kubelet's channel to reconnect to a restarted runtime. */
const RECONNECT_GUARD_MS = 10_000;

export interface ScenarioRunOptions {
  scenario: Scenario;
  backend: Backend;
  bus: TraceBus;
  /** Overrides the scenario's seed. */
  seed?: number;
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
  private holds = 0;

  constructor(private readonly opts: ScenarioRunOptions) {
    this.seed = opts.seed ?? opts.scenario.seed;
    // Only numbers and UUIDs are drawn, which need no locale's word lists: the base locale
    // keeps the English one (half a megabyte of names and words) out of memory and start-up.
    this.faker = new Faker({ locale: [base] });
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
    await this.underHold('kubelet start', () => this.startKubelet());
  }

  /**
   * Real-time work the simulated clock cannot see (closing or binding the runtime's socket, the
   * kubelet's start-up calls one after another) runs under a clock hold, so simulated time stands
   * still until it is done; otherwise how many timers fired meanwhile would depend on the speed
   * of the machine, and two runs would differ. A clock sleep inside (`downFor`) parks the hold,
   * so simulated time still passes for it.
   */
  private async underHold<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const label = `scenario ${what} #${++this.holds}`;
    const hold = this.clock.hold(label);
    try {
      return await this.clock.runWithin(label, fn);
    } finally {
      hold.release();
    }
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
      ...(backend.podLogsDir !== undefined ? { podLogsDir: backend.podLogsDir } : {}),
      // The scenario's KubeletConfiguration. Pods come from the steps (addPod), not from a
      // directory or URL on this machine, so staticPodPath/URL are not passed.
      syncFrequencyMs: node.kubelet.syncFrequencyMs,
      nodeStatusUpdateFrequencyMs: node.kubelet.nodeStatusUpdateFrequencyMs,
      serializeImagePulls: node.kubelet.serializeImagePulls,
      ...(node.kubelet.maxParallelImagePulls !== undefined ? { maxParallelImagePulls: node.kubelet.maxParallelImagePulls } : {}),
      maxContainerRestartPeriodMs: node.kubelet.maxContainerRestartPeriodMs,
    });
    await this.kubelet.start();
    // A restarted kubelet learns its pods again from its sources.
    for (const [, pod] of this.applied) this.kubelet.addPod(pod, (pod.metadata?.annotations?.['kubernetes.io/config.source'] ?? 'api') as 'api');
  }

  /**
   * After the runtime serves its socket again, wait (in real time, the clock held) until the
   * kubelet's gRPC channel has reconnected. gRPC's reconnect back-off runs on the real clock; left
   * alone, how many simulated seconds of failed calls it covered would depend on the machine. So
   * on the simulated clock the kubelet reconnects the moment the runtime is back.
   */
  private async reconnected(): Promise<void> {
    await this.cri?.waitForReady(RECONNECT_GUARD_MS).catch(() => undefined);
  }

  /** Stop the kubelet's loops, let a call already on the wire finish, then hang up. */
  private async stopKubelet(): Promise<void> {
    const cri = this.cri;
    this.kubelet?.stop();
    this.kubelet = undefined;
    this.cri = undefined;
    if (cri) {
      // A call already on the wire may wait on the clock (a grace period, a pull): waitOn lets
      // simulated time pass for it. The real-time guard only stops a stuck call from hanging.
      await Promise.race([this.clock.waitOn(cri.idle()), new Promise((r) => setTimeout(r, STOP_GUARD_MS).unref())]);
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
    const summary = stepSummary(step);
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

  /**
   * The pod as its source hands it to the kubelet (the kubelet's own source code: defaults,
   * static pod name and UID). A static pod's UID hashes where it came from: the manifest's path
   * in \`staticPodPath\`, or \`staticPodURL\`; an API pod gets a seeded UUID.
   */
  private prepare(manifest: Pod, source: 'file' | 'http' | 'api'): Pod {
    const k = this.scenario.node.kubelet;
    const origin = source === 'file' ? `${k.staticPodPath}/${manifest.metadata?.name ?? 'pod'}.yaml` : source === 'http' ? k.staticPodURL : '';
    return preparePod(manifest, source, this.scenario.node.name, { origin, uid: () => this.faker.string.uuid() });
  }

  /** The pod as faults and the backend name it. */
  private refOf(name: string): { name: string; namespace: string } {
    const pod = this.podOf(name);
    return { name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
  }

  /** Does the pod's netns exist, as the backend sees it (undefined: it cannot tell)? */
  private netnsExists(name: string): boolean | undefined {
    const backend = this.opts.backend;
    if (!backend.netnsExists || !this.applied.has(name)) return undefined;
    return backend.netnsExists(this.refOf(name));
  }

  private async execute(step: Step, index: number): Promise<void> {
    const kubelet = this.kubelet;
    switch (step.kind) {
      case 'narrate':
        this.emit({ kind: 'narration', text: step.text });
        return;
      case 'apply': {
        const sp = this.scenario.pods.find((p) => p.name === step.pod)!;
        const pod = this.prepare(sp.manifest, step.source);
        this.applied.set(step.pod, pod);
        this.state.registerPod(step.pod, `${pod.metadata!.namespace}/${pod.metadata!.name}`, pod.metadata!.uid!);
        kubelet?.addPod(pod, step.source);
        return;
      }
      case 'update': {
        const old = this.podOf(step.pod);
        const source = (old.metadata?.annotations?.['kubernetes.io/config.source'] ?? 'api') as 'file' | 'http' | 'api';
        if (source === 'api') {
          // The API server keeps the pod's identity (UID) across an update; defaults apply again.
          const pod = preparePod(step.manifest, 'api', this.scenario.node.name, { uid: () => old.metadata!.uid! });
          this.applied.set(step.pod, pod);
          kubelet?.updatePod(pod);
          return;
        }
        // A static pod's UID is the hash of its manifest: a changed file is a different pod to
        // the kubelet, which removes the old one and adds the new one (upstream config merging
        // sees a REMOVE and an ADD, pkg/kubelet/config/config.go).
        const pod = this.prepare(step.manifest, source);
        this.applied.set(step.pod, pod);
        this.state.registerPod(step.pod, `${pod.metadata!.namespace}/${pod.metadata!.name}`, pod.metadata!.uid!);
        if (pod.metadata!.uid === old.metadata!.uid) return;
        kubelet?.deletePod(old.metadata!.uid!);
        kubelet?.addPod(pod, source);
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
        const ev = evaluateExpectation(this.state, step.expectation, this.memory, (pod) => this.netnsExists(pod));
        this.record(index, stepSummary(step), ev.met, step.expectation, ev.observed);
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
      this.record(index, stepSummary(step), false, step.condition, observed);
      throw new Error(`wait timed out after ${formatDuration(step.timeoutMs)}: observed ${JSON.stringify(observed)}`);
    }
  }

  private async inject(fault: Fault): Promise<void> {
    const faults = this.opts.backend.faults;
    const { kind, ...detail } = fault;
    const target = 'pod' in fault && fault.pod !== undefined ? `${fault.pod}${'container' in fault ? `/${fault.container}` : ''}` : 'image' in fault ? fault.image : undefined;
    this.emit({ kind: 'fault', fault: kind, ...(target !== undefined ? { target } : {}), detail });
    const ref = (name: string) => this.refOf(name);
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
        return this.underHold('runtime stop', () => faults.stopRuntime());
      case 'runtimeStart':
        return this.underHold('runtime start', async () => {
          await faults.startRuntime();
          await this.reconnected();
        });
      case 'runtimeRestart':
        return this.underHold('runtime restart', async () => {
          await faults.stopRuntime();
          await this.clock.sleep(fault.downForMs, undefined, 'runtime down');
          await faults.startRuntime();
          await this.reconnected();
        });
      case 'kubeletStop':
        return this.underHold('kubelet stop', () => this.stopKubelet());
      case 'kubeletStart':
        if (this.kubelet) throw new Error('the kubelet is already running');
        return this.underHold('kubelet start', () => this.startKubelet());
      case 'kubeletRestart':
        return this.underHold('kubelet restart', async () => {
          await this.stopKubelet();
          await this.clock.sleep(fault.downForMs, undefined, 'kubelet down');
          await this.startKubelet();
        });
      case 'probeFails':
        // The prober is the kubelet's: a stopped kubelet has none to break.
        if (!this.kubelet) throw new Error('probeFails needs a running kubelet (it was stopped by a kubeletStop fault)');
        this.kubelet.prober.failNext(this.podOf(fault.pod).metadata!.uid!, fault.container, fault.probe, fault.times);
        return;
    }
  }

  async close(): Promise<void> {
    await this.stopKubelet();
    this.unsubscribe?.();
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
