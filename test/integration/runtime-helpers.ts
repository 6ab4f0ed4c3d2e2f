/**
 * Shared set-up for the runtime's integration tests: a SimRuntime serving CRI on a Unix socket
 * in a temporary directory, a CRI client on the same clock, and small builders for the configs
 * a kubelet (or crictl) sends.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SimClock } from '../../src/clock/sim-clock.js';
import type { Clock } from '../../src/clock/clock.js';
import { createCriClient, type CriClient } from '../../src/cri/client.js';
import { codeName, isServiceError } from '../../src/cri/status.js';
import type { PodSandboxConfig } from '../../src/cri/generated/runtime/v1/PodSandboxConfig.js';
import type { ContainerConfig } from '../../src/cri/generated/runtime/v1/ContainerConfig.js';
import { SimRuntime, type SimRuntimeOptions } from '../../src/runtime/sim-runtime.js';
import { TraceBus } from '../../src/trace/bus.js';

export interface RuntimeHarness {
  dir: string;
  endpoint: string;
  clock: Clock;
  bus: TraceBus;
  runtime: SimRuntime;
  cri: CriClient;
  close(): Promise<void>;
}

export async function startRuntime(opts: Partial<SimRuntimeOptions> & { clock?: Clock; dir?: string } = {}): Promise<RuntimeHarness> {
  const clock = opts.clock ?? new SimClock();
  const bus = new TraceBus(clock);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'crilab-rt-'));
  mkdirSync(dir, { recursive: true });
  const endpoint = `unix://${join(dir, 'runtime.sock')}`;
  const runtime = new SimRuntime({ seed: 3, logRoot: join(dir, 'logs'), ...opts, clock, trace: bus.forSource('runtime') });
  await runtime.serve(endpoint);
  if (clock instanceof SimClock) clock.start();
  const cri = createCriClient({ endpoint, clock, name: 'test' });
  return {
    dir,
    endpoint,
    clock,
    bus,
    runtime,
    cri,
    async close() {
      cri.close();
      if (clock instanceof SimClock) clock.stop();
      await runtime.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let uidCounter = 0;

export function sandboxConfig(name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  const uid = `uid-${name}-${++uidCounter}`;
  return {
    metadata: { name, namespace: 'default', uid, attempt: 0 },
    hostname: name,
    logDirectory: `/var/log/pods/default_${name}_${uid}`,
    labels: { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid },
    annotations: {},
    linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    ...extra,
  };
}

/** A container config as the kubelet sends it: PID namespace of its own (mode CONTAINER). */
export function containerConfig(name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox:1.36' },
    command,
    logPath: `${name}/0.log`,
    labels: { 'io.kubernetes.container.name': name },
    annotations: {},
    linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    ...extra,
  };
}

/**
 * A pod with one running container; pulls busybox first. The container carries its pod's
 * labels too, as the kubelet's containers do (the PLEG finds a container's pod by them).
 */
export async function runPod(cri: CriClient, name: string, command = ['sh', '-c', 'while true; do sleep 3600; done']) {
  await cri.image.PullImage({ image: { image: 'busybox:1.36' } });
  const config = sandboxConfig(name);
  const { podSandboxId } = await cri.runtime.RunPodSandbox({ config });
  const container = containerConfig('app', command);
  container.labels = { ...config.labels, ...container.labels };
  const { containerId } = await cri.runtime.CreateContainer({ podSandboxId, config: container, sandboxConfig: config });
  await cri.runtime.StartContainer({ containerId });
  return { podSandboxId, containerId, config };
}

/** The call fails with this gRPC code (by name) and exactly this message. */
export async function expectRpcError(call: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'the call should fail').toBeDefined();
  if (!isServiceError(caught)) throw caught;
  expect(codeName(caught.code)).toBe(code);
  if (typeof message === 'string') expect(caught.details).toBe(message);
  else expect(caught.details).toMatch(message);
}

/**
 * A small WebSocket client for the streaming server: connects to `url` with `protocol`, sends
 * the given channel messages, and collects every message until the server closes.
 */
export async function streamSession(url: string, protocol: string, send: Buffer[] = []): Promise<{ protocol: string; messages: Buffer[] }> {
  const { request } = await import('node:http');
  const { randomBytes } = await import('node:crypto');
  const { maskedFrame, parseFrame } = await import('../../src/runtime/streaming/websocket.js');
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': protocol },
    });
    req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      const messages: Buffer[] = [];
      let buf = Buffer.alloc(0);
      const receive = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const f = parseFrame(buf);
          if (!f) break;
          buf = buf.subarray(f.length);
          if (f.opcode === 0x2) messages.push(f.payload);
          if (f.opcode === 0x8) socket.end();
        }
      };
      socket.on('data', receive);
      receive(head);
      socket.on('close', () => resolve({ protocol: String(res.headers['sec-websocket-protocol']), messages }));
      for (const m of send) socket.write(maskedFrame(0x2, m));
    });
    req.end();
  });
}
