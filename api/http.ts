/**
 * Endpoints as data: each resource's router lists its endpoints (method, path,
 * who may call it, zod schemas, handler). The same list is mounted on express
 * (authenticate → authorize → validate → handler) and documented in the
 * OpenAPI document, so the two cannot drift apart.
 */
import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import type { z } from 'zod';
import type { Role } from '../domain/user.model.js';
import type { AuthUser } from './auth/service.js';
import { Forbidden, Unauthorized } from './errors.js';
import { validate } from './validate.js';

export type Access = 'public' | 'authenticated' | readonly Role[];

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Ctx<B, Q, P, A extends Access> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  /** The caller; absent on public endpoints. */
  user: A extends 'public' ? undefined : AuthUser;
  req: Request;
  res: Response;
}

export interface EndpointSpec<B, Q, P, A extends Access> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api, e.g. `/work-orders/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status (200 by default). */
  status?: number;
  /** Documented success body (JSON) — not enforced at run time. */
  response?: z.ZodType;
  /** Non-JSON success content type(s) (e.g. text/csv); the handler writes `res` itself. */
  produces?: string | readonly string[];
  /** Non-JSON request content type (multipart/form-data); the handler reads `req` itself. */
  consumes?: 'multipart/form-data';
  /** Error statuses this endpoint can answer, besides the common ones. */
  errors?: number[];
  /** Returns the JSON body, or undefined when it has answered through `res` itself. */
  handle(ctx: Ctx<B, Q, P, A>): Promise<unknown>;
}

/** An endpoint with its types erased, for lists, mounting and documentation. */
export interface Endpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  status?: number;
  response?: z.ZodType;
  produces?: string | readonly string[];
  consumes?: 'multipart/form-data';
  errors?: number[];
  handle(ctx: ErasedCtx): Promise<unknown>;
}

interface ErasedCtx {
  body: unknown;
  query: unknown;
  params: unknown;
  user: AuthUser | undefined;
  req: Request;
  res: Response;
}

export function endpoint<
  A extends Access,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: EndpointSpec<B, Q, P, A>): Endpoint {
  // The validate middleware guarantees body/query/params have the schemas' output
  // types when the handler runs; erasing the generics here is the one place that relies on it.
  return spec as unknown as Endpoint;
}

export interface Authenticator {
  /** Resolves the caller from the Authorization header; throws Unauthorized. */
  authenticate(req: Request): Promise<AuthUser>;
}

const userKey = Symbol('user');
type WithUser = Request & { [userKey]?: AuthUser };

export function mountEndpoints(endpoints: readonly Endpoint[], auth: Authenticator): Router {
  const router = createRouter();
  for (const ep of endpoints) {
    const handlers = [
      async (req: Request, _res: Response, next: (err?: unknown) => void) => {
        try {
          if (ep.access !== 'public') {
            const user = await auth.authenticate(req);
            if (ep.access !== 'authenticated' && !ep.access.some((r) => user.roles.includes(r))) {
              throw new Forbidden(`This needs one of the roles: ${ep.access.join(', ')}.`);
            }
            (req as WithUser)[userKey] = user;
          }
          next();
        } catch (err) {
          next(err);
        }
      },
      validate({ ...(ep.body ? { body: ep.body } : {}), ...(ep.query ? { query: ep.query } : {}), ...(ep.params ? { params: ep.params } : {}) }),
      async (req: Request, res: Response, next: (err?: unknown) => void) => {
        try {
          const user = (req as WithUser)[userKey];
          if (ep.access !== 'public' && !user) throw new Unauthorized();
          const result = await ep.handle({
            body: req.body,
            query: req.query,
            params: req.params,
            user,
            req,
            res,
          });
          if (res.headersSent) return;
          if (result === undefined) res.status(ep.status ?? 204).end();
          else res.status(ep.status ?? 200).json(result);
        } catch (err) {
          next(err);
        }
      },
    ];
    router[ep.method](ep.path, ...handlers);
  }
  return router;
}
