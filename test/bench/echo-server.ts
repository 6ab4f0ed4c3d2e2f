/**
 * A bare grpc-js server for the CRI proto, the baseline of the runtime and kubelet benchmarks:
 * the same two services on a Unix socket, every method answering at once with a canned
 * response (an ID for RunPodSandbox and CreateContainer, an empty message otherwise). No
 * interceptors, no clock, no work: what is left is the cost of gRPC itself.
 *
 * The runtime benchmark serves it from its own process (`startEchoServer`). The kubelet
 * benchmark runs it as a process of its own, as it runs the simulated runtime:
 *   node --import tsx test/bench/echo-server.ts <socket path>
 * serves until SIGTERM, after printing `ready` on stdout.
 */
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadCri } from '../../src/cri/proto.js';

const CANNED: Record<string, unknown> = {
  RunPodSandbox: { podSandboxId: 'e'.repeat(64) },
  CreateContainer: { containerId: 'c'.repeat(64) },
  Version: { version: '0.1.0', runtimeName: 'echo', runtimeVersion: '0', runtimeApiVersion: 'v1' },
};

export interface EchoServer {
  close(): Promise<void>;
}

export async function startEchoServer(socketPath: string): Promise<EchoServer> {
  const cri = loadCri();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  for (const service of [cri.runtimeService, cri.imageService]) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, def] of Object.entries(service)) {
      if (def.responseStream) impl[name] = (call: grpc.ServerWritableStream<unknown, unknown>) => call.end();
      else impl[name] = (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, CANNED[name] ?? {});
    }
    server.addService(service, impl);
  }
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return { close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const socketPath = process.argv[2];
  if (!socketPath) throw new Error('usage: node --import tsx test/bench/echo-server.ts <socket path>');
  const server = await startEchoServer(socketPath);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await server.close();
}
