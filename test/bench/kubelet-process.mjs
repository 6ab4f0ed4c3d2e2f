/**
 * The client side of the kubelet benchmark (test/bench/kubelet.bench.ts), in a process of its
 * own. It runs on plain `node` from the code tsc built into dist/ (no tsx, whose loader alone
 * costs about 140 MB), so this process's CPU time and peak RSS are the kubelet's. Plain
 * JavaScript for that reason; `npm run bench` builds dist/ first.
 *
 *   node test/bench/kubelet-process.mjs kubelet <endpoint> <pods> <concurrency> [<warm-up pods>]
 *     crilab's kubelet against the runtime at <endpoint>: <pods> pods, a sandbox and one
 *     container each, until the kubelet's own status says every one is Running and Ready;
 *     first, not measured, <warm-up pods> pods the same way.
 *   node test/bench/kubelet-process.mjs echo <endpoint> <callers> <calls>
 *     the same CRI client as the kubelet's, <callers> concurrent callers, against an echo server.
 *   node test/bench/kubelet-process.mjs replay <endpoint> <pods> <concurrency> [<warm-up pods>]
 *     no kubelet: the CRI calls the kubelet makes for <pods> pods, replayed in its pattern with
 *     the kubelet's own request messages, against the echo server or the simulated runtime.
 *
 * Prints JSON lines on stdout: `{"phase":"measuring"}` when the measured window opens (so the
 * parent can read the server process's CPU time then), then `{"phase":"done",…}` with results.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');
/** @param {string} path */
const load = (path) => import(pathToFileURL(join(dist, path)).href);

const { SimClock } = await load('clock/sim-clock.js');
const { RealClock } = await load('clock/real-clock.js');
const { createCriClient } = await load('cri/client.js');
const { Kubelet } = await load('kubelet/kubelet.js');
const { applyPodDefaults } = await load('kubelet/sources/pod-defaults.js');
const { generatePodSandboxConfig, sandboxOptionsWithDefaults } = await load('kubelet/sandbox-config.js');
const { generateContainerConfig } = await load('kubelet/container-config.js');
const { KubernetesPodUIDLabel } = await load('kubelet/labels.js');
const { TraceBus } = await load('trace/bus.js');

/** @param {Record<string, unknown>} fields */
const report = (fields) => process.stdout.write(`${JSON.stringify(fields)}\n`);
const cpuMs = (/** @type {NodeJS.CpuUsage} */ since) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
/** Peak resident set of this process over its whole life, MB. */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** @param {number} i @param {'bench' | 'warmup'} namespace */
function benchPod(i, namespace) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${namespace}-${i}`, namespace, uid: `00000000-0000-4000-${namespace === 'bench' ? '8' : '9'}000-${String(i).padStart(12, '0')}` },
    spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  };
}

/** @param {Record<string, number>} after @param {Record<string, number>} before */
function callsBetween(after, before) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const [m, n] of Object.entries(after)) if (n - (before[m] ?? 0) > 0) out[m] = n - (before[m] ?? 0);
  return out;
}

/**
 * The kubelet's CRI client, counting the calls that start while no other call is in flight:
 * those go one at a time (the PLEG inspects changed pods one after another), so their floor
 * is the one-caller echo rate, not the concurrent one. Counting adds a counter per call.
 * `onSettled` is told the method of each call that has ended.
 * @template {{ runtime: object, image: object }} C
 * @param {C} cri
 * @param {(method: string) => void} onSettled
 * @returns {{ client: C, alone: () => number }}
 */
function countingLoneCalls(cri, onSettled) {
  let inFlight = 0;
  let alone = 0;
  /** @param {object} service */
  const wrap = (service) =>
    Object.fromEntries(
      Object.entries(service).map(([name, fn]) => [
        name,
        /** @param {unknown[]} args */
        (...args) => {
          const result = fn(...args);
          if (!(result instanceof Promise)) return result; // a server stream
          if (inFlight === 0) alone++;
          inFlight++;
          return result.finally(() => {
            inFlight--;
            onSettled(name);
          });
        },
      ]),
    );
  return { client: { ...cri, runtime: wrap(cri.runtime), image: wrap(cri.image) }, alone: () => alone };
}

/** @param {string} endpoint @param {number} pods @param {number} concurrency @param {number} warmup */
async function kubelet(endpoint, pods, concurrency, warmup) {
  // The simulated clock, started at the wall time so that the runtime's timestamps (its own
  // real clock) and the kubelet's agree. See the benchmark's header for why it is simulated.
  const clock = new SimClock({ start: Date.now() });
  const bus = new TraceBus(clock, { keep: false });
  const cri = createCriClient({ endpoint, clock, trace: bus.forSource('kubelet'), name: 'kubelet' });
  await cri.waitForReady(10_000);
  // The image is on the node already (as a node's `images:` in a scenario): what is measured is
  // the kubelet's pod start, not a registry download.
  const puller = createCriClient({ endpoint, clock: new RealClock(), name: 'preload' });
  await puller.image.PullImage({ image: { image: 'busybox:1.36' } });
  puller.close();
  clock.start();
  let started = 0;
  // When the last measured container has started: what follows is the PLEG seeing the starts
  // (its inspections, one pod after another) and the statuses that make the pods Running and Ready.
  let startsLeft = Infinity;
  /** @type {{ ms: number, calls: number } | undefined} */
  let allStarted;
  const counted = countingLoneCalls(cri, (method) => {
    if (method === 'StartContainer' && --startsLeft === 0) {
      const calls = Object.values(cri.callCounts()).reduce((a, b) => a + b, 0);
      allStarted = { ms: performance.now() - started, calls };
    }
  });
  // maxPods lifted: the real kubelet admits 110 by default.
  const k = new Kubelet({ cri: counted.client, clock, trace: bus.forSource('kubelet'), nodeName: 'node-1', maxPods: warmup + pods + 10, maxConcurrentPodSyncs: concurrency });
  await k.start();

  /**
   * Add `list` and resolve once the kubelet's own status says every one of them is Running and
   * Ready. Only pod statuses are read: every other kind of trace event is counted but not built.
   * @param {Array<ReturnType<typeof benchPod>>} list
   */
  const bringUp = (list) =>
    new Promise((resolve) => {
      const wanted = new Set(list.map((p) => p.metadata.uid));
      /** @type {Set<string>} */
      const ready = new Set();
      const unsubscribe = bus.subscribe(
        (/** @type {{ uid: string, status: { phase?: string, conditions?: Array<{ type: string, status: string }> } }} */ e) => {
          if (!wanted.has(e.uid)) return;
          const s = e.status;
          if (s.phase === 'Running' && s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.add(e.uid);
          else ready.delete(e.uid);
          if (ready.size === wanted.size) {
            unsubscribe();
            resolve(undefined);
          }
        },
        { kinds: ['pod.status'] },
      );
      for (const pod of list) k.addPod(pod);
    });

  // Warm-up, not measured: a kubelet runs for days, and its code is compiled and optimised by the
  // time a burst of pods comes (the echo floor is measured warm too).
  if (warmup > 0) await bringUp(Array.from({ length: warmup }, (_, i) => benchPod(i, 'warmup')));
  report({ phase: 'measuring' });
  const callsBefore = cri.callCounts();
  const callsBeforeTotal = Object.values(callsBefore).reduce((a, b) => a + b, 0);
  const aloneBefore = counted.alone();
  started = performance.now();
  const cpu0 = process.cpuUsage();
  startsLeft = pods;
  await bringUp(Array.from({ length: pods }, (_, i) => benchPod(i, 'bench')));
  const wallMs = performance.now() - started;
  const cpu = cpuMs(cpu0);
  const byMethod = callsBetween(cri.callCounts(), callsBefore);
  const calls = Object.values(byMethod).reduce((a, b) => a + b, 0);
  const callsAlone = counted.alone() - aloneBefore;
  const startedPhase = allStarted && { ms: allStarted.ms, calls: allStarted.calls - callsBeforeTotal };
  report({ phase: 'done', wallMs, cpuMs: cpu, calls, callsAlone, byMethod, allStarted: startedPhase, peakRssMb: peakRssMb() });
  k.stop();
  await Promise.race([cri.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
  cri.close();
  clock.stop();
}

/** @param {string} endpoint @param {number} callers @param {number} calls */
async function echo(endpoint, callers, calls) {
  const clock = new RealClock();
  const cri = createCriClient({ endpoint, clock, name: 'echo' });
  await cri.waitForReady(10_000);
  // The kubelet's pod start, method by method (the echo server answers each at once).
  const mix = [
    () => cri.runtime.RunPodSandbox({ config: { metadata: { name: 'p', namespace: 'bench', uid: 'u', attempt: 0 } } }),
    () => cri.runtime.PodSandboxStatus({ podSandboxId: 'x' }),
    () => cri.image.ImageStatus({ image: { image: 'busybox:1.36' } }),
    () => cri.runtime.CreateContainer({ podSandboxId: 'x', config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox:1.36' } } }),
    () => cri.runtime.StartContainer({ containerId: 'x' }),
    () => cri.runtime.ListContainers({ filter: { labelSelector: { 'io.kubernetes.pod.uid': 'u' } } }),
  ];
  /** @param {number} n */
  const once = async (n) => {
    let next = 0;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < n) await mix[next++ % mix.length]();
      }),
    );
    return { wallMs: performance.now() - started, cpuMs: cpuMs(cpu0), calls: n };
  };
  await once(Math.min(2000, calls)); // warm-up: connection, JIT
  report({ phase: 'measuring' });
  const rounds = [await once(calls), await once(calls)];
  report({ phase: 'done', rounds, peakRssMb: peakRssMb() });
  cri.close();
  clock.stop();
}

/**
 * The kubelet's CRI calls for `pods` pods with no kubelet making them: the least any kubelet could
 * take for this call pattern against the server at `endpoint`. The pattern is the one the kubelet
 * benchmark counts (calls by method) and upstream makes:
 * - each pod's start (SyncPod), `concurrency` pods at once, each pod's calls one after another:
 *   RunPodSandbox, PodSandboxStatus (for the IP), ImageStatus (IfNotPresent, image present),
 *   CreateContainer, StartContainer;
 * - then one relist (ListPodSandbox, ListContainers) and its inspections, one pod after another
 *   (upstream updateCache → GetPodStatus): ListPodSandbox and ListContainers by the pod's UID
 *   label, PodSandboxStatus and ContainerStatus of what they found.
 * The requests are the kubelet's own (its sandbox and container config builders, on the pod as
 * the kubelet defaults it). Against the echo server the IDs are the canned ones and the lists
 * come back empty, so the inspections use the IDs the pod's start returned.
 * @param {string} endpoint @param {number} pods @param {number} concurrency @param {number} warmup
 */
async function replay(endpoint, pods, concurrency, warmup) {
  const clock = new RealClock();
  const cri = createCriClient({ endpoint, clock, name: 'replay' });
  await cri.waitForReady(10_000);
  await cri.image.PullImage({ image: { image: 'busybox:1.36' } });
  // As the benchmark's kubelet has them: every default.
  const sandboxOptions = sandboxOptionsWithDefaults();
  /** @param {ReturnType<typeof benchPod>} raw */
  const start = async (raw) => {
    const pod = applyPodDefaults(raw);
    const container = pod.spec.containers[0];
    const sandboxConfig = generatePodSandboxConfig(pod, 0, sandboxOptions);
    const { podSandboxId } = await cri.runtime.RunPodSandbox({ config: sandboxConfig, runtimeHandler: '' });
    await cri.runtime.PodSandboxStatus({ podSandboxId });
    const image = (await cri.image.ImageStatus({ image: { image: container.image } })).image;
    const config = generateContainerConfig(pod, container, 0, image?.id || container.image, 'container', sandboxOptions.ownerLabels);
    const { containerId } = await cri.runtime.CreateContainer({ podSandboxId, config, sandboxConfig });
    await cri.runtime.StartContainer({ containerId });
    return { uid: pod.metadata.uid, podSandboxId, containerId };
  };
  /** @param {Array<ReturnType<typeof benchPod>>} list */
  const bringUp = async (list) => {
    /** @type {Array<{ uid: string, podSandboxId: string, containerId: string }>} */
    const started = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < list.length) started.push(await start(list[next++]));
      }),
    );
    const startedMs = performance.now();
    let found = 0;
    await cri.runtime.ListPodSandbox({});
    await cri.runtime.ListContainers({});
    for (const p of started) {
      const selector = { [KubernetesPodUIDLabel]: p.uid };
      const sandboxes = (await cri.runtime.ListPodSandbox({ filter: { labelSelector: selector } })).items;
      await cri.runtime.PodSandboxStatus({ podSandboxId: sandboxes[0]?.id ?? p.podSandboxId });
      const containers = (await cri.runtime.ListContainers({ filter: { labelSelector: selector } })).containers;
      await cri.runtime.ContainerStatus({ containerId: containers[0]?.id ?? p.containerId });
      if (sandboxes.length === 1 && containers.length === 1) found++;
    }
    return { startedMs, found };
  };
  if (warmup > 0) await bringUp(Array.from({ length: warmup }, (_, i) => benchPod(i, 'warmup')));
  report({ phase: 'measuring' });
  const before = Object.values(cri.callCounts()).reduce((a, b) => a + b, 0);
  const begun = performance.now();
  const cpu0 = process.cpuUsage();
  const { startedMs, found } = await bringUp(Array.from({ length: pods }, (_, i) => benchPod(i, 'bench')));
  const wallMs = performance.now() - begun;
  const calls = Object.values(cri.callCounts()).reduce((a, b) => a + b, 0) - before;
  // `found`: pods whose inspection listed exactly their one sandbox and one container (all of
  // them against a runtime; none against the echo, whose lists are empty).
  report({ phase: 'done', wallMs, startPhaseMs: startedMs - begun, cpuMs: cpuMs(cpu0), calls, found });
  cri.close();
  clock.stop();
}

const [role, endpoint, a, b] = process.argv.slice(2);
if (role === 'kubelet' && endpoint) await kubelet(endpoint, Number(a), Number(b), Number(process.argv[6] ?? 0));
else if (role === 'echo' && endpoint) await echo(endpoint, Number(a), Number(b));
else if (role === 'replay' && endpoint) await replay(endpoint, Number(a), Number(b), Number(process.argv[6] ?? 0));
else {
  process.stderr.write('usage: kubelet-process.mjs kubelet <endpoint> <pods> <concurrency> [<warm-up pods>] | echo <endpoint> <callers> <calls> | replay <endpoint> <pods> <concurrency> [<warm-up pods>]\n');
  process.exit(2);
}
