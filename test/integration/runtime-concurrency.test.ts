import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/real-clock.js';
import { createCriClient } from '../../src/cri/client.js';
import type { ImageServiceApi, RuntimeServiceApi } from '../../src/cri/types.js';
import { isAllowedTransition, isRuntimeMachineKind } from '../../src/runtime/machines/index.js';
import { SimRuntime } from '../../src/runtime/sim-runtime.js';
import { TraceBus } from '../../src/trace/bus.js';
import { podLifecycle } from './pod-lifecycle.js';

/**
 * The acceptance load: 32 clients, each running 200 whole pod lifecycles, all at once. Over
 * gRPC that is 44,800 calls, and grpc-js on a small shared machine does 1,000–3,000 a second,
 * so the load drives the runtime's handlers directly (the same functions the gRPC server
 * calls, through the same clock wrapper), concurrently; a smaller load goes over real gRPC.
 * A lifecycle costs about 1–2 ms of CPU (two simulated processes, four actors, a netns and
 * CNI), so the whole load takes ~5–10 s on an idle 2-core machine (more when it is shared);
 * CRILAB_LOAD_LIFECYCLES=<n> runs a lighter one while developing.
 */
const CLIENTS = 32;
const LIFECYCLES = Number(process.env['CRILAB_LOAD_LIFECYCLES'] ?? 200);
const GRPC_LIFECYCLES = 5;

interface Cri {
  runtime: RuntimeServiceApi;
  image: ImageServiceApi;
}

/** A client that calls the runtime's handlers in-process, as the gRPC server would. */
function inProcessClient(runtime: SimRuntime): Cri {
  const { runtime: rt, image } = runtime.handlers();
  const call = { callId: undefined, signal: new AbortController().signal };
  const wrap = (handlers: Record<string, unknown>) =>
    new Proxy({}, { get: (_t, name: string) => (req: unknown) => (handlers[name] as (r: unknown, c: unknown) => Promise<unknown>)(normalise(req), call) });
  return { runtime: wrap(rt as Record<string, unknown>) as RuntimeServiceApi, image: wrap(image as Record<string, unknown>) as ImageServiceApi };
}

/** What a request looks like after decoding with defaults (as the server's handlers receive it). */
function normalise(req: unknown): unknown {
  const r = req as Record<string, unknown>;
  if ('timeout' in r) return { ...r, timeout: String(r['timeout']) };
  if ('config' in r && 'podSandboxId' in r) {
    const c = r['config'] as Record<string, unknown>;
    return { ...r, config: { args: [], envs: [], labels: {}, annotations: {}, mounts: [], logPath: '', workingDir: '', stopSignal: '', linux: null, ...c } };
  }
  if ('config' in r) {
    const c = r['config'] as Record<string, unknown>;
    return { runtimeHandler: '', ...r, config: { labels: {}, annotations: {}, logDirectory: '', hostname: '', dnsConfig: null, portMappings: [], linux: null, ...c } };
  }
  return req;
}

async function lifecycles(clients: Cri[], count: number): Promise<void> {
  await Promise.all(
    clients.map(async (cri, i) => {
      for (let n = 0; n < count; n++) {
        const config = {
          metadata: { name: `p${i}-${n}`, namespace: 'load', uid: `u${i}-${n}`, attempt: 0 },
          labels: { client: String(i) },
          linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' as const } } },
        };
        await podLifecycle(cri.runtime, config);
      }
    }),
  );
}

describe('simulated runtime under concurrent clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const over of ['in-process', 'grpc'] as const) {
    const count = over === 'grpc' ? GRPC_LIFECYCLES : LIFECYCLES;
    it(`${CLIENTS} clients × ${count} pod lifecycles (${over}): no leak, every traced transition allowed by its machine`, async () => {
      const clock = new RealClock();
    const bus = new TraceBus(clock, { keep: false });
    const bad: string[] = [];
    const current = new Map<string, string>();
    let transitions = 0;
    bus.subscribe((e) => {
      if (e.kind !== 'machine.transition' || !isRuntimeMachineKind(e.machine)) return;
      transitions++;
      const key = `${e.machine}:${e.id}`;
      // Each change must be an edge of the machine, and start where the last one ended.
      if (!isAllowedTransition(e.machine, e.from, e.to) || (e.from !== null && current.get(key) !== e.from)) bad.push(`${key} ${e.from} → ${e.to} (${e.event})`);
      // Final states: `removed`, and `exited` for the pause container.
      if (e.to === 'removed' || (e.machine === 'pause' && e.to === 'exited')) current.delete(key);
      else current.set(key, e.to);
    });
    const runtime = new SimRuntime({ clock, trace: bus.forSource('runtime'), seed: 11, podCIDR: '10.244.0.0/16', logRoot: join(dir, 'logs') });
      const endpoint = `unix://${join(dir, `rt-${over}.sock`)}`;
      await runtime.serve(endpoint);
      const grpcClients = over === 'grpc' ? Array.from({ length: CLIENTS }, (_, i) => createCriClient({ endpoint, clock, name: `c${i}` })) : [];
      const clients: Cri[] = over === 'grpc' ? grpcClients : Array.from({ length: CLIENTS }, () => inProcessClient(runtime));
      await clients[0]!.image.PullImage({ image: { image: 'busybox:1.36' } });

      await lifecycles(clients, count);
      for (const c of grpcClients) c.close();

      expect(bad.slice(0, 10)).toEqual([]);
      // Per lifecycle: sandbox 4, pause 3, container 4, netns 5 (absent, created, configured, torn-down, removed).
      expect(transitions).toBe(CLIENTS * count * 16);
      expect(current.size).toBe(0);
      expect(runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
      expect(runtime.cni.ipam.allocations()).toEqual([]);
      await runtime.close();
    }, 120_000);
  }
});
