/**
 * gRPC and REST failures of the cluster, as the port's EngineError, and the
 * retry of commands the gateway rejected for back-pressure.
 *
 * Zeebe answers RESOURCE_EXHAUSTED when a partition sheds load: the command
 * was not processed and may be sent again after a pause. UNAVAILABLE (no
 * connection, no leader) is retried the same way. Nothing else is retried:
 * DEADLINE_EXCEEDED, for one, may hide a command that was processed, and a
 * second createProcessInstance would start a second instance.
 */
import { EngineError } from '../port.js';

/** gRPC status codes the adapter acts on (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First pause; doubled per retry. */
  initialDelayMs: number;
  /** Ceiling of one pause. */
  maxDelayMs: number;
}

export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function grpcDetails(err: unknown): string {
  const e = err as { details?: unknown; message?: unknown } | null;
  if (typeof e?.details === 'string' && e.details) return e.details;
  return typeof e?.message === 'string' ? e.message : String(err);
}

const retryable = (code: number | undefined): boolean => code === GrpcStatus.RESOURCE_EXHAUSTED || code === GrpcStatus.UNAVAILABLE;

/** A failed gRPC call as the port's error: the code says what the caller may do about it. */
export function fromGrpcError(operation: string, err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const code = grpcCode(err);
  const details = grpcDetails(err);
  const message = `${operation}: ${details}`;
  switch (code) {
    case GrpcStatus.NOT_FOUND:
      return new EngineError('NOT_FOUND', message);
    case GrpcStatus.INVALID_ARGUMENT:
      return new EngineError('INVALID', message, [{ path: operation, message: details }]);
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.FAILED_PRECONDITION:
      return new EngineError('CONFLICT', message);
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return new EngineError('UNAVAILABLE', `${operation}: the cluster is overloaded (back-pressure), try again later`);
    default:
      return new EngineError('UNAVAILABLE', message);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying back-pressure and unavailability with exponential
 * back-off; every failure ends as an EngineError, never as a raw gRPC error.
 * `stopped()` ends the retries early (the engine is closing).
 */
export async function withRetry<T>(
  operation: string,
  policy: RetryPolicy,
  call: () => Promise<T>,
  hooks: { stopped?: () => boolean; onRetry?: (attempt: number, delayMs: number, err: unknown) => void } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const code = grpcCode(err);
      if (!retryable(code) || attempt >= policy.maxRetries || hooks.stopped?.()) throw fromGrpcError(operation, err);
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
      hooks.onRetry?.(attempt + 1, delayMs, err);
      await sleep(delayMs);
    }
  }
}
