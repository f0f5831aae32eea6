/**
 * Domain errors thrown by services, and the one middleware that maps them (and
 * engine errors, body-parser errors and unexpected failures) to the contract's
 * error body `{ error: { code, message, details } }`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { EngineError } from '../engine/port.js';
import type { Logger } from './logger.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: malformed or invalid input; `details` names each bad field. */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(message: string, details: ErrorDetail[] = [], code = 'VALIDATION_FAILED') {
    super(code, message, details);
  }
}

/** 401: no or bad credentials. */
export class Unauthorized extends DomainError {
  readonly status = 401;
  constructor(message = 'Authentication required.', code = 'UNAUTHORIZED') {
    super(code, message);
  }
}

/** 403: authenticated but not allowed. */
export class Forbidden extends DomainError {
  readonly status = 403;
  constructor(message = 'You are not allowed to do this.', code = 'FORBIDDEN') {
    super(code, message);
  }
}

/** 404: unknown id or route. */
export class NotFound extends DomainError {
  readonly status = 404;
  constructor(message = 'Not found.', code = 'NOT_FOUND') {
    super(code, message);
  }
}

/** 405: the path exists, the method does not; `allow` lists the methods it has. */
export class MethodNotAllowed extends DomainError {
  readonly status = 405;
  constructor(
    message: string,
    readonly allow: readonly string[],
    code = 'METHOD_NOT_ALLOWED',
  ) {
    super(code, message);
  }
}

/** 409: the current state does not allow it. */
export class Conflict extends DomainError {
  readonly status = 409;
  constructor(message: string, code = 'CONFLICT', details: ErrorDetail[] = []) {
    super(code, message, details);
  }
}

/** 413: body or upload too large. */
export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  constructor(message = 'The request body is too large.', code = 'PAYLOAD_TOO_LARGE') {
    super(code, message);
  }
}

/** 415: wrong content type. */
export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  constructor(message = 'The request body must be application/json.', code = 'UNSUPPORTED_MEDIA_TYPE') {
    super(code, message);
  }
}

/** 429: rate limited. */
export class RateLimited extends DomainError {
  readonly status = 429;
  constructor(
    message = 'Too many requests; try again later.',
    readonly retryAfterSeconds?: number,
    code = 'RATE_LIMITED',
  ) {
    super(code, message);
  }
}

/** 503: a dependency (database, engine) is not available. Never caused by client input. */
export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  constructor(
    message = 'The service is temporarily unavailable.',
    code = 'SERVICE_UNAVAILABLE',
    /** Sent as Retry-After when known (back-pressure). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Engine error codes → domain errors. */
export function fromEngineError(err: EngineError): DomainError {
  switch (err.code) {
    case 'NOT_FOUND':
      return new NotFound(err.message, 'ENGINE_NOT_FOUND');
    case 'CONFLICT':
      return new Conflict(err.message, 'ENGINE_CONFLICT', err.details);
    case 'INVALID':
      return new ValidationError(err.message, err.details, 'ENGINE_INVALID');
    case 'UNAVAILABLE':
      return new ServiceUnavailable(err.message, 'ENGINE_UNAVAILABLE');
  }
}

/** Errors raised by express.json() (body-parser) carry `type` and `status`. */
interface BodyParserError {
  type: string;
  status?: number;
  message: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { type?: unknown }).type === 'string' &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

/** Maps anything thrown to a domain error (or undefined for unexpected errors). */
export function toDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof EngineError) return fromEngineError(err);
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return new ValidationError('The request body is not valid JSON.', [{ path: '', message: 'malformed JSON' }], 'MALFORMED_JSON');
      case 'entity.too.large':
        return new PayloadTooLarge();
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return new UnsupportedMediaType('Unsupported body charset or encoding.');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new ValidationError('The request body could not be read.', [], 'BAD_BODY');
      default:
        if (err.status !== undefined && err.status >= 400 && err.status < 500) {
          return new ValidationError('The request body could not be read.', [], 'BAD_BODY');
        }
    }
  }
  // Other client errors raised inside express / router (e.g. a path that does not
  // URI-decode) carry an http-errors style 4xx status: answer it, never 500.
  const status = httpStatusOf(err);
  if (status !== undefined && status >= 400 && status < 500) {
    const message = 'The request could not be understood.';
    if (status === 404) return new NotFound();
    if (status === 413) return new PayloadTooLarge();
    if (status === 415) return new UnsupportedMediaType();
    return new ValidationError(message, err instanceof URIError ? [{ path: '', message: 'malformed percent-encoding in the URL' }] : [], 'BAD_REQUEST');
  }
  return undefined;
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  if (typeof status === 'number') return status;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

/** The one error middleware: domain errors → contract body; the rest → 500, logged, internals hidden. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const domain = toDomainError(err);
    if (domain) {
      if ((domain instanceof RateLimited || domain instanceof ServiceUnavailable) && domain.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(domain.retryAfterSeconds));
      }
      if (domain instanceof MethodNotAllowed) res.setHeader('Allow', domain.allow.join(', '));
      if (domain.status >= 500) logger.warn('request failed', { method: req.method, path: req.path, code: domain.code, message: domain.message });
      res.status(domain.status).json(errorBody(domain.code, domain.message, domain.details));
      return;
    }
    logger.error('unexpected error', {
      method: req.method,
      path: req.path,
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
    res.status(500).json(errorBody('INTERNAL_ERROR', 'Something went wrong on our side; the error has been logged.'));
  };
}

/** 404 for every route nobody answered. */
export const notFoundMiddleware: RequestHandler = (req, _res, next) => {
  next(new NotFound(`No route ${req.method} ${req.path}.`, 'ROUTE_NOT_FOUND'));
};

/**
 * Back-pressure: at most `maxInFlight` API requests are served at once. One
 * more is answered at once with 503 and `Retry-After`, so that a slow database
 * or a backed-up engine makes clients wait on their side instead of piling
 * requests (and memory) up here; as answers go out, new requests are taken
 * again. `/api/health` is exempt: the orchestrator must still see the state.
 */
export function loadShedding(maxInFlight: number, onShed?: (inFlight: number) => void): RequestHandler {
  let inFlight = 0;
  return (req, res, next) => {
    if (req.path === '/health') return next();
    if (inFlight >= maxInFlight) {
      onShed?.(inFlight);
      return next(new ServiceUnavailable('The server is busy; try again shortly.', 'OVERLOADED', 1));
    }
    inFlight++;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}

/**
 * A request for a path the API has, with a method it does not have: 405 with
 * `Allow` (RFC 9110 §15.5.6) rather than a 404 that says the path is unknown.
 * `routes` are express-style paths under /api (`/work-orders/:id`).
 */
export function methodNotAllowedMiddleware(routes: readonly { method: string; path: string }[]): RequestHandler {
  const patterns = new Map<string, { re: RegExp; methods: Set<string>; literal: boolean }>();
  for (const r of routes) {
    let entry = patterns.get(r.path);
    if (!entry) {
      const source = r.path
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { re: new RegExp(`^/api${source}/?$`), methods: new Set(), literal: !r.path.includes(':') };
      patterns.set(r.path, entry);
    }
    entry.methods.add(r.method.toUpperCase());
    if (r.method.toUpperCase() === 'GET') entry.methods.add('HEAD');
  }
  return (req, _res, next) => {
    // A path spelled out (`/work-orders/export`) is that resource only, not also `/work-orders/:id`.
    const matches = [...patterns.values()].filter((p) => p.re.test(req.path));
    const literal = matches.filter((p) => p.literal);
    const allow = new Set<string>();
    for (const { methods } of literal.length ? literal : matches) for (const m of methods) allow.add(m);
    if (allow.size === 0 || allow.has(req.method)) return next();
    next(new MethodNotAllowed(`${req.method} is not allowed on ${req.path}; use ${[...allow].join(', ')}.`, [...allow]));
  };
}
