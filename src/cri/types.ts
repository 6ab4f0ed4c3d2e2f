import type { MethodDefinition } from '@grpc/proto-loader';
import type { RuntimeServiceDefinition } from './generated/runtime/v1/RuntimeService.js';
import type { ImageServiceDefinition } from './generated/runtime/v1/ImageService.js';

/* Typed views of the two CRI services, derived from the generated method definitions, so the
 * proto stays the single source of names and message types. Method names keep their CRI
 * spelling (`RunPodSandbox`), as a learner will see them in crictl and the kubelet's logs. */

type RequestIn<M> = M extends MethodDefinition<infer Rq, any, any, any> ? Rq : never;
type RequestOut<M> = M extends MethodDefinition<any, any, infer Rq, any> ? Rq : never;
type ResponseIn<M> = M extends MethodDefinition<any, infer Rs, any, any> ? Rs : never;
type ResponseOut<M> = M extends MethodDefinition<any, any, any, infer Rs> ? Rs : never;

/** The declared methods of a generated definition, without grpc's `[name: string]` index signature. */
type Methods<D> = { [K in keyof D as string extends K ? never : number extends K ? never : K]: D[K] };
type RuntimeDef = Methods<RuntimeServiceDefinition>;
type ImageDef = Methods<ImageServiceDefinition>;

/** RPCs that answer with a stream of messages rather than one. */
export type StreamingMethod = 'GetContainerEvents';

export interface CallOptions {
  /** Deadline for this call in milliseconds (the kubelet's runtimeRequestTimeout is 2 m). */
  timeoutMs?: number;
}

export interface ServerStream<T> extends AsyncIterable<T> {
  cancel(): void;
}

type UnaryClient<D> = {
  [K in Exclude<keyof D, StreamingMethod>]: (request: RequestIn<D[K]>, options?: CallOptions) => Promise<ResponseOut<D[K]>>;
};

type StreamingClient<D> = {
  [K in Extract<keyof D, StreamingMethod>]: (request: RequestIn<D[K]>, options?: CallOptions) => ServerStream<ResponseOut<D[K]>>;
};

export type RuntimeServiceApi = UnaryClient<RuntimeDef> & StreamingClient<RuntimeDef>;
export type ImageServiceApi = UnaryClient<ImageDef>;

export type RuntimeMethod = keyof RuntimeDef & string;
export type ImageMethod = keyof ImageDef & string;

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** The caller's call ID, when the caller is crilab's kubelet (joins the two sides of a call). */
  callId: string | undefined;
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
}

export interface StreamSink<T> {
  write(message: T): void;
  end(): void;
  readonly signal: AbortSignal;
}

type UnaryHandlers<D> = {
  [K in Exclude<keyof D, StreamingMethod>]: (request: RequestOut<D[K]>, ctx: CallContext) => Promise<ResponseIn<D[K]>>;
};

type StreamingHandlers<D> = {
  [K in Extract<keyof D, StreamingMethod>]: (request: RequestOut<D[K]>, sink: StreamSink<ResponseIn<D[K]>>, ctx: CallContext) => void;
};

/** A runtime implements these; any it leaves out answer UNIMPLEMENTED. */
export type RuntimeServiceHandlers = Partial<UnaryHandlers<RuntimeDef> & StreamingHandlers<RuntimeDef>>;
export type ImageServiceHandlers = Partial<UnaryHandlers<ImageDef>>;

export type RuntimeRequest<K extends RuntimeMethod> = RequestIn<RuntimeDef[K]>;
export type RuntimeResponse<K extends RuntimeMethod> = ResponseOut<RuntimeDef[K]>;
export type ImageRequest<K extends ImageMethod> = RequestIn<ImageDef[K]>;
export type ImageResponse<K extends ImageMethod> = ResponseOut<ImageDef[K]>;
