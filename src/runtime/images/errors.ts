import { status } from '@grpc/grpc-js';
import { CriError } from '../../cri/status.js';

/**
 * Errors of the image side, with the gRPC code containerd's CRI plugin gives them.
 *
 * containerd builds its messages by wrapping: each layer prefixes its own words and keeps the
 * cause (`fmt.Errorf("…: %w", err)`), and the CRI service maps the innermost known cause to a
 * code (`errdefs.ToGRPC`): a wrapped `errdefs.ErrNotFound` becomes NotFound, anything it does
 * not know (an HTTP status, an authorization failure, a dial error) stays Unknown. `wrap`
 * mirrors that: the words grow, the code of the cause is kept.
 *
 * The class itself is the one the CRI server already knows (src/cri/status.ts), so a handler
 * can throw these as they are.
 */
export { CriError };

/** errdefs.ErrNotFound's text, the tail of every "not found" containerd reports. */
export const ERR_NOT_FOUND_TEXT = 'not found';

/** go-digest's digestset: more than one image ID starts with the given prefix. */
export const ERR_DIGEST_AMBIGUOUS_TEXT = 'ambiguous digest string';

/** Prefix `words` to an error's message the way Go's `fmt.Errorf("<words>: %w", err)` does, keeping its code. */
export function wrap(words: string, err: unknown): CriError {
  if (err instanceof CriError) return new CriError(err.code, `${words}: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  return new CriError(status.UNKNOWN, `${words}: ${message}`);
}

export function notFound(message: string): CriError {
  return new CriError(status.NOT_FOUND, message);
}

export function unknown(message: string): CriError {
  return new CriError(status.UNKNOWN, message);
}
