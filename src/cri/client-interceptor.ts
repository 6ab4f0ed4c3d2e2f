import { InterceptingCall, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { CallTracer } from './trace-call.js';

/** The metadata key that carries a call's ID to the server, so both sides can talk about one call. */
export const CALL_ID_METADATA = 'crilab-call-id';

export interface ClientTraceOptions {
  trace?: TraceEmitter;
  clock: Clock;
  /** Prefix of call IDs (`kubelet` → `kubelet-1`, `kubelet-2`…). */
  name: string;
  /** Told when a unary call starts (+1) and ends (-1). */
  onInFlight?: (delta: 1 | -1) => void;
}

/**
 * The kubelet-side interceptor. It gives every call an ID, holds the simulated clock while the
 * call is in flight (so virtual time cannot jump past a call that is still on the wire), and
 * turns the call into trace events. Server-streaming calls (GetContainerEvents) stay open for
 * as long as the kubelet listens, so they do not hold the clock.
 */
export function clientTraceInterceptor(opts: ClientTraceOptions): Interceptor {
  let counter = 0;
  return (options, nextCall) => {
    const callId = `${opts.name}-${++counter}`;
    const streaming = options.method_definition.responseStream;
    const tracer = opts.trace ? CallTracer.fromPath(opts.trace, opts.clock, callId, options.method_definition.path) : undefined;
    let lastMessage: unknown;
    let hold: ReturnType<Clock['hold']> | undefined;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(CALL_ID_METADATA, callId);
        if (!streaming) {
          hold = opts.clock.hold(callId);
          opts.onInFlight?.(1);
        }
        next(metadata, {
          onReceiveMessage(message, nextMessage) {
            if (streaming) tracer?.streamMessage(message);
            else lastMessage = message;
            nextMessage(message);
          },
          onReceiveStatus(status: StatusObject, nextStatus) {
            tracer?.finish(status.code, status.details, streaming ? undefined : lastMessage);
            nextStatus(status);
            hold?.release();
            if (!streaming) opts.onInFlight?.(-1);
          },
        });
      },
      sendMessage(message, next) {
        tracer?.request(message);
        next(message);
      },
    });
  };
}
