import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { CALL_ID_METADATA } from './client-interceptor.js';
import { CallTracer } from './trace-call.js';

/**
 * The runtime-side interceptor: traces calls from any CRI client (crictl, critest, another
 * kubelet) when the runtime runs on its own. When crilab's kubelet and runtime share one
 * trace, the kubelet side already records each call and this one is not installed.
 */
export function serverTraceInterceptor(trace: TraceEmitter, clock: Clock): ServerInterceptor {
  let counter = 0;
  return (methodDescriptor, call) => {
    let tracer: CallTracer | undefined;
    let lastMessage: unknown;
    const streaming = methodDescriptor.responseStream;
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMd) {
            const id = metadata.get(CALL_ID_METADATA)[0];
            tracer = CallTracer.fromPath(trace, clock, typeof id === 'string' ? id : `runtime-${++counter}`, methodDescriptor.path);
            nextMd(metadata);
          },
          onReceiveMessage(message, nextMsg) {
            tracer?.request(message);
            nextMsg(message);
          },
        });
      },
      sendMessage(message, next) {
        if (streaming) tracer?.streamMessage(message);
        else lastMessage = message;
        next(message);
      },
      sendStatus(status, next) {
        tracer?.finish(status.code, status.details ?? '', streaming ? undefined : lastMessage);
        next(status);
      },
    });
  };
}
