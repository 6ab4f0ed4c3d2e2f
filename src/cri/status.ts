import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';

/** gRPC status names, indexed by code, as crictl prints them (`rpc error: code = NotFound desc = …`). */
const CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `CODE_${code}`;
}

/** Go's canonical spelling of a code (`NotFound`), which crictl and the kubelet's logs show. */
export function goCodeName(code: number): string {
  return codeName(code)
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
    .replace(/^Ok$/, 'OK');
}

/**
 * An error a CRI handler returns with the gRPC status containerd would give. containerd maps
 * its internal errdefs to codes (not found → NotFound, already exists → AlreadyExists,
 * invalid argument → InvalidArgument, a plain error → Unknown).
 */
export class CriError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'CriError';
  }

  toServiceError(): Partial<StatusObject> & { code: status; details: string } {
    return { code: this.code, details: this.message, metadata: new Metadata() };
  }
}

export const criErrors = {
  notFound: (msg: string) => new CriError(status.NOT_FOUND, msg),
  unknown: (msg: string) => new CriError(status.UNKNOWN, msg),
  invalidArgument: (msg: string) => new CriError(status.INVALID_ARGUMENT, msg),
  alreadyExists: (msg: string) => new CriError(status.ALREADY_EXISTS, msg),
  failedPrecondition: (msg: string) => new CriError(status.FAILED_PRECONDITION, msg),
  deadlineExceeded: (msg: string) => new CriError(status.DEADLINE_EXCEEDED, msg),
  unimplemented: (msg: string) => new CriError(status.UNIMPLEMENTED, msg),
  unavailable: (msg: string) => new CriError(status.UNAVAILABLE, msg),
};

/** Is this a gRPC error from a call (client side)? */
export function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && 'code' in err && 'details' in err;
}

/** The code of a failed call, or undefined for a non-gRPC error. */
export function errorCode(err: unknown): number | undefined {
  return isServiceError(err) ? err.code : err instanceof CriError ? err.code : undefined;
}

/** Format an error as crictl does: `rpc error: code = NotFound desc = …`. */
export function formatRpcError(err: unknown): string {
  if (isServiceError(err)) return `rpc error: code = ${goCodeName(err.code)} desc = ${err.details}`;
  if (err instanceof CriError) return `rpc error: code = ${goCodeName(err.code)} desc = ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
