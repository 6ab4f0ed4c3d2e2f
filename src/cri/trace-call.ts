import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock/clock.js';
import { emitLazily, type TraceEmitter } from '../trace/bus.js';
import { messageTypeName, sizeMessage } from './message-size.js';
import { codeName } from './status.js';

/** `/runtime.v1.RuntimeService/Version` → service and method, split once per method. */
const pathNames = new Map<string, { service: string; method: string }>();

/**
 * What both interceptors share: turning one call into `cri.request`, `cri.stream` and
 * `cri.response` trace events with the message sizes. The clock times the call: on the
 * simulated clock a call takes no time unless the runtime waited on that clock (a slow
 * pull), so recordings are the same on every run.
 *
 * Sizing a message (its proto3 JSON and both encodings) costs more than the call's own
 * serialisation, so the events go out through `emitLazily`: a trace nobody keeps or reads
 * for that kind numbers the event and skips the sizing.
 */
export class CallTracer {
  private readonly startedClock: number;
  private readonly startedWall = performance.now();

  constructor(
    private readonly trace: TraceEmitter,
    private readonly clock: Clock,
    readonly callId: string,
    readonly service: string,
    readonly method: string,
  ) {
    this.startedClock = clock.now();
  }

  static fromPath(trace: TraceEmitter, clock: Clock, callId: string, path: string): CallTracer {
    let names = pathNames.get(path);
    if (!names) {
      const [, service = '', method = ''] = path.split('/');
      names = { service, method };
      pathNames.set(path, names);
    }
    return new CallTracer(trace, clock, callId, names.service, names.method);
  }

  request(message: unknown): void {
    emitLazily(this.trace, 'cri.request', () => {
      const sized = this.size('request', message);
      return { kind: 'cri.request', ...this.ids(), request: sized.json, protoBytes: sized.protoBytes, jsonBytes: sized.jsonBytes };
    });
  }

  streamMessage(message: unknown): void {
    emitLazily(this.trace, 'cri.stream', () => {
      const sized = this.size('response', message);
      return { kind: 'cri.stream', ...this.ids(), message: sized.json, protoBytes: sized.protoBytes, jsonBytes: sized.jsonBytes };
    });
  }

  /** End of the call: a response message on success, or a non-OK status. */
  finish(code: number, details: string, response: unknown | undefined): void {
    const durationMs = this.duration();
    emitLazily(this.trace, 'cri.response', () => {
      if (code === 0 && response !== undefined) {
        const sized = this.size('response', response);
        return { kind: 'cri.response', ...this.ids(), response: sized.json, durationMs, protoBytes: sized.protoBytes, jsonBytes: sized.jsonBytes };
      }
      const status = code === 0 ? {} : { status: { code, codeName: codeName(code), message: details } };
      return { kind: 'cri.response', ...this.ids(), ...status, durationMs, protoBytes: 0, jsonBytes: 0 };
    });
  }

  /** The fields every event of this call starts with (in this order, as recordings have them). */
  private ids(): { callId: string; service: string; method: string } {
    return { callId: this.callId, service: this.service, method: this.method };
  }

  private size(side: 'request' | 'response', message: unknown): ReturnType<typeof sizeMessage> {
    return sizeMessage(messageTypeName(this.service, this.method, side), message);
  }

  private duration(): number {
    if (this.clock.kind === 'sim') return this.clock.now() - this.startedClock;
    // Real calls: sub-millisecond precision matters (a Version call takes ~0.3 ms here).
    return Math.round((performance.now() - this.startedWall) * 1000) / 1000;
  }
}
