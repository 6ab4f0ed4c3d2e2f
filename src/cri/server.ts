import { chmod, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { CALL_ID_METADATA } from './client-interceptor.js';
import { endpointOf, socketPathOf } from './endpoint.js';
import { loadCri } from './proto.js';
import { serverTraceInterceptor } from './server-interceptor.js';
import { CriError } from './status.js';
import type { CallContext, ImageServiceHandlers, RuntimeServiceHandlers } from './types.js';

export interface CriServerOptions {
  endpoint: string;
  runtime: RuntimeServiceHandlers;
  image: ImageServiceHandlers;
  clock: Clock;
  /** Trace every call at the server (for a runtime serving crictl or any outside client). */
  trace?: TraceEmitter;
  /** File mode of the socket; containerd's is 0660 (root and the socket's group). */
  socketMode?: number;
}

export interface CriServer {
  endpoint: string;
  socketPath: string;
  /** Stop accepting calls, end open streams, and remove the socket file. */
  close(): Promise<void>;
}

type UnaryFn = (req: unknown, ctx: CallContext) => Promise<unknown>;
type StreamFn = (req: unknown, sink: { write(m: unknown): void; end(): void; signal: AbortSignal }, ctx: CallContext) => void;

type ServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

/**
 * A call's context. Its abort signal is made the first time a handler asks for it (most
 * handlers never do), and `settled()` stops listening once a unary call has its answer:
 * grpc-js reports every finished call as 'cancelled' when its stream closes, and aborting
 * then would tell nobody anything while costing a DOMException per call.
 */
class ServerCallContext implements CallContext {
  readonly callId: string | undefined;
  private controller: AbortController | undefined;
  private readonly onCancelled = () => this.controller?.abort();

  constructor(private readonly call: ServerCall) {
    const id = call.metadata.get(CALL_ID_METADATA)[0];
    this.callId = typeof id === 'string' ? id : undefined;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.call.cancelled) this.controller.abort();
      else this.call.once('cancelled', this.onCancelled);
    }
    return this.controller.signal;
  }

  /** The call has been answered: a later 'cancelled' is the stream closing, not the caller giving up. */
  settled(): void {
    if (this.controller) this.call.removeListener('cancelled', this.onCancelled);
  }
}

/** containerd answers a plain Go error with Unknown; crilab's handlers throw CriError for the rest. */
function toStatus(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof CriError) return { code: err.code, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.UNKNOWN, details: message };
}

function bindHandlers(service: grpc.ServiceDefinition, handlers: Record<string, unknown>): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, def] of Object.entries(service)) {
    const handler = handlers[name];
    if (def.responseStream) {
      impl[name] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        if (typeof handler !== 'function') {
          call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `method ${name} not implemented` });
          return;
        }
        const ctx = new ServerCallContext(call);
        (handler as StreamFn)(call.request, { write: (m) => call.write(m), end: () => call.end(), signal: ctx.signal }, ctx);
      };
      continue;
    }
    impl[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (typeof handler !== 'function') {
        // What a Go gRPC server says for a method its implementation does not provide.
        callback({ code: grpc.status.UNIMPLEMENTED, details: `method ${name} not implemented` });
        return;
      }
      const ctx = new ServerCallContext(call);
      (handler as UnaryFn)(call.request, ctx).then(
        (res) => {
          ctx.settled();
          callback(null, res);
        },
        (err: unknown) => {
          ctx.settled();
          callback(toStatus(err));
        },
      );
    };
  }
  return impl;
}

/** Refuse to take over a socket somebody is serving; clear a stale one left by a crash. */
async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const live = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path}: address already in use (another runtime is serving this socket)`);
  await unlink(path);
}

export async function startCriServer(opts: CriServerOptions): Promise<CriServer> {
  const cri = loadCri();
  const socketPath = socketPathOf(opts.endpoint);
  await clearStaleSocket(socketPath);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    ...(opts.trace ? { interceptors: [serverTraceInterceptor(opts.trace, opts.clock)] } : {}),
  });
  server.addService(cri.runtimeService, bindHandlers(cri.runtimeService, opts.runtime as Record<string, unknown>));
  server.addService(cri.imageService, bindHandlers(cri.imageService, opts.image as Record<string, unknown>));
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  await chmod(socketPath, opts.socketMode ?? 0o660);
  let closed = false;
  return {
    endpoint: endpointOf(socketPath),
    socketPath,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        // Give in-flight calls a moment, then cut streams such as GetContainerEvents.
        const timer = setTimeout(() => server.forceShutdown(), 500);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await unlink(socketPath).catch(() => undefined);
    },
  };
}
