import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { clientTraceInterceptor } from './client-interceptor.js';
import { grpcTarget } from './endpoint.js';
import { loadCri } from './proto.js';
import type { CallOptions, ImageServiceApi, RuntimeServiceApi, ServerStream } from './types.js';

export interface CriClientOptions {
  /** `unix:///path/to.sock` */
  endpoint: string;
  clock: Clock;
  /** Where calls are traced; none for a bare client (benchmarks, probes of a socket). */
  trace?: TraceEmitter;
  /** Prefix of call IDs in the trace. */
  name?: string;
  /** Default per-call deadline (the kubelet's runtimeRequestTimeout, 2 minutes). */
  timeoutMs?: number;
}

export interface CriClient {
  runtime: RuntimeServiceApi;
  image: ImageServiceApi;
  /** Resolves once no unary call is in flight (to shut down without cutting a call in half). */
  idle(): Promise<void>;
  /** Wait until the socket accepts a connection. */
  waitForReady(timeoutMs: number): Promise<void>;
  /** How many calls this client has made, by method name (a call counts when it starts). */
  callCounts(): Record<string, number>;
  close(): void;
}

type AnyClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

/** A promise-based CRI client for both services, over one channel to a Unix socket. */
export function createCriClient(opts: CriClientOptions): CriClient {
  const cri = loadCri();
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const onInFlight = (delta: 1 | -1) => {
    inFlight += delta;
    if (inFlight === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      // Let the caller's continuation run first: it may start the next call of a sequence.
      setImmediate(() => (inFlight === 0 ? w.forEach((f) => f()) : idleWaiters.push(...w)));
    }
  };
  const interceptors = [clientTraceInterceptor({ clock: opts.clock, name: opts.name ?? 'client', onInFlight, ...(opts.trace ? { trace: opts.trace } : {}) })];
  const target = grpcTarget(opts.endpoint);
  const creds = grpc.credentials.createInsecure();
  // Like the kubelet's CRI client: large messages are allowed (ListContainers on a big node).
  const channelOptions = { 'grpc.max_receive_message_length': 16 * 1024 * 1024, interceptors };
  const Runtime = cri.grpcObject.runtime.v1.RuntimeService;
  const Image = cri.grpcObject.runtime.v1.ImageService;
  const runtimeClient = new Runtime(target, creds, channelOptions) as unknown as AnyClient;
  const imageClient = new Image(target, creds, { ...channelOptions, channelOverride: runtimeClient.getChannel() }) as unknown as AnyClient;
  const defaultTimeout = opts.timeoutMs ?? 120_000;
  const counts = new Map<string, number>();
  const count = (method: string) => counts.set(method, (counts.get(method) ?? 0) + 1);

  function deadline(o?: CallOptions): grpc.CallOptions {
    const ms = o?.timeoutMs ?? defaultTimeout;
    return ms > 0 ? { deadline: new Date(Date.now() + ms) } : {};
  }

  function unary(client: AnyClient, method: string) {
    return (request: unknown, o?: CallOptions) =>
      new Promise((resolve, reject) => {
        const fn = client[method];
        if (!fn) return reject(new Error(`no CRI method ${method}`));
        count(method);
        fn.call(client, request, new grpc.Metadata(), deadline(o), (err: grpc.ServiceError | null, res: unknown) =>
          err ? reject(err) : resolve(res),
        );
      });
  }

  function streaming(client: AnyClient, method: string) {
    return (request: unknown, o?: CallOptions): ServerStream<unknown> => {
      count(method);
      const call = client[method]!.call(client, request, new grpc.Metadata(), o?.timeoutMs ? deadline(o) : {}) as grpc.ClientReadableStream<unknown>;
      const iterable = call as unknown as AsyncIterable<unknown>;
      return {
        cancel: () => call.cancel(),
        [Symbol.asyncIterator]: () => iterable[Symbol.asyncIterator](),
      };
    };
  }

  const runtime: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(cri.runtimeService)) {
    runtime[name] = def.responseStream ? streaming(runtimeClient, name) : unary(runtimeClient, name);
  }
  const image: Record<string, unknown> = {};
  for (const name of Object.keys(cri.imageService)) image[name] = unary(imageClient, name);

  return {
    runtime: runtime as unknown as RuntimeServiceApi,
    image: image as unknown as ImageServiceApi,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    waitForReady: (timeoutMs) =>
      new Promise((resolve, reject) =>
        runtimeClient.waitForReady(new Date(Date.now() + timeoutMs), (err) => (err ? reject(err) : resolve())),
      ),
    callCounts: () => Object.fromEntries(counts),
    close: () => {
      imageClient.close();
      runtimeClient.close();
    },
  };
}
