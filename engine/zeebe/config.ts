/**
 * Configuration of the Zeebe adapter: one zod schema over the environment,
 * parsed once at start-up, failing fast with the variable's name (style.md 6).
 *
 * The SDK's own settings keep the SDK's own names (ZEEBE_*, CAMUNDA_*). The
 * SDK would also read the environment by itself at import time; we never rely
 * on that: `sdkConfiguration()` turns the parsed values into the explicit
 * object passed to the SDK's constructor, so what runs is what was validated.
 */
import { z } from 'zod';

const bool = z.stringbool({ truthy: ['true', '1', 'on', 'yes'], falsy: ['false', '0', 'off', 'no'] });
const int = (min: number) => z.coerce.number().int().min(min);

export const zeebeEnvSchema = z
  .object({
    /** Zeebe gateway (gRPC), `grpc://host:26500` (plain) or `grpcs://host:443` (TLS); `host:port` means plain. */
    ZEEBE_GRPC_ADDRESS: z
      .string()
      .regex(/^(grpcs?:\/\/)?[^\s/:]+:\d{1,5}$/, 'must be grpc://host:port, grpcs://host:port or host:port')
      .default('grpc://localhost:26500'),
    /** Orchestration-cluster REST API (Operate/Tasklist data, user tasks, clock), without `/v2`. */
    ZEEBE_REST_ADDRESS: z.url({ protocol: /^https?$/ }).default('http://localhost:8080'),
    /** NONE (unprotected API, the compose default), BASIC, or OAUTH (client credentials). */
    CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'BASIC', 'OAUTH']).default('NONE'),
    CAMUNDA_BASIC_AUTH_USERNAME: z.string().min(1).optional(),
    CAMUNDA_BASIC_AUTH_PASSWORD: z.string().min(1).optional(),
    ZEEBE_CLIENT_ID: z.string().min(1).optional(),
    ZEEBE_CLIENT_SECRET: z.string().min(1).optional(),
    CAMUNDA_OAUTH_URL: z.url().optional(),
    ZEEBE_TOKEN_AUDIENCE: z.string().min(1).optional(),
    CAMUNDA_TOKEN_SCOPE: z.string().min(1).optional(),
    /** Multi-tenant clusters only. */
    CAMUNDA_TENANT_ID: z.string().min(1).optional(),
    /** Retries of a rejected command (back-pressure RESOURCE_EXHAUSTED, or UNAVAILABLE) before it fails as UNAVAILABLE. */
    ZEEBE_GRPC_CLIENT_MAX_RETRIES: int(0).max(50).default(6),
    /** Ceiling of one back-off delay between those retries, in seconds. */
    ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS: int(1).default(5),
    /** How long one job activation request waits on the gateway for jobs (long poll). */
    ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: int(1).default(30),
    /** Pause between a worker's activation requests. */
    ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: int(10).default(300),
    /** The SDK debounces connection-state changes by this much; its timer also outlives close() by up to this long. */
    ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: int(0).default(3000),
    /** Ceiling of a worker's back-off after a failed activation (back-pressure). */
    CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: int(10).default(16_000),
    /** The project's own: how often the user-task search is polled for task events (created / completed / canceled). */
    USER_TASK_POLL_INTERVAL_MS: int(50).default(1000),
    /** The project's own: time-out of one REST request. */
    CAMUNDA_REST_TIMEOUT_MS: int(100).default(15_000),
    /** Verbose SDK logging (the SDK's own name). */
    ZEEBE_CLIENT_LOG_LEVEL: z.enum(['NONE', 'ERROR', 'INFO', 'DEBUG']).default('NONE'),
    /** Kept only to reject it: the SDK's legacy address would silently win over ZEEBE_GRPC_ADDRESS. */
    ZEEBE_ADDRESS: z.string().optional(),
    CAMUNDA_SECURE_CONNECTION: bool.optional(),
  })
  .superRefine((env, ctx) => {
    const need = (names: (keyof typeof env)[], why: string) => {
      for (const name of names) if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
    };
    if (env.CAMUNDA_AUTH_STRATEGY === 'BASIC') need(['CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD'], 'when CAMUNDA_AUTH_STRATEGY=BASIC');
    if (env.CAMUNDA_AUTH_STRATEGY === 'OAUTH') need(['ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET', 'CAMUNDA_OAUTH_URL'], 'when CAMUNDA_AUTH_STRATEGY=OAUTH');
    if (env.ZEEBE_ADDRESS) {
      ctx.addIssue({ code: 'custom', path: ['ZEEBE_ADDRESS'], message: 'is the legacy name: use ZEEBE_GRPC_ADDRESS=grpc://host:port' });
    }
    if (env.CAMUNDA_SECURE_CONNECTION !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['CAMUNDA_SECURE_CONNECTION'], message: 'is deprecated: say grpcs:// in ZEEBE_GRPC_ADDRESS' });
    }
  });

export type ZeebeEnv = z.infer<typeof zeebeEnvSchema>;

export interface ZeebeConfig {
  /** Always with its scheme: grpc:// or grpcs://. */
  grpcAddress: string;
  /** Without a trailing slash; the adapter adds `/v2/...`. */
  restAddress: string;
  auth:
    | { strategy: 'NONE' }
    | { strategy: 'BASIC'; username: string; password: string }
    | { strategy: 'OAUTH'; clientId: string; clientSecret: string; oauthUrl: string; audience?: string; scope?: string };
  tenantId?: string;
  maxRetries: number;
  maxRetryDelayMs: number;
  longPollMs: number;
  workerPollIntervalMs: number;
  workerMaxBackoffMs: number;
  connectionToleranceMs: number;
  userTaskPollIntervalMs: number;
  restTimeoutMs: number;
  logLevel: 'NONE' | 'ERROR' | 'INFO' | 'DEBUG';
}

export class ZeebeConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid Zeebe configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ZeebeConfigError';
  }
}

/** Parses the environment (empty strings count as unset); throws ZeebeConfigError naming every bad variable. */
export function loadZeebeConfig(env: Record<string, string | undefined> = process.env): ZeebeConfig {
  const known = new Set(Object.keys(zeebeEnvSchema.shape));
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.has(k) && v !== undefined && v !== ''));
  const parsed = zeebeEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ZeebeConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message })));
  }
  const e = parsed.data;
  const auth: ZeebeConfig['auth'] =
    e.CAMUNDA_AUTH_STRATEGY === 'BASIC'
      ? { strategy: 'BASIC', username: e.CAMUNDA_BASIC_AUTH_USERNAME as string, password: e.CAMUNDA_BASIC_AUTH_PASSWORD as string }
      : e.CAMUNDA_AUTH_STRATEGY === 'OAUTH'
        ? {
            strategy: 'OAUTH',
            clientId: e.ZEEBE_CLIENT_ID as string,
            clientSecret: e.ZEEBE_CLIENT_SECRET as string,
            oauthUrl: e.CAMUNDA_OAUTH_URL as string,
            ...(e.ZEEBE_TOKEN_AUDIENCE ? { audience: e.ZEEBE_TOKEN_AUDIENCE } : {}),
            ...(e.CAMUNDA_TOKEN_SCOPE ? { scope: e.CAMUNDA_TOKEN_SCOPE } : {}),
          }
        : { strategy: 'NONE' };
  return {
    grpcAddress: e.ZEEBE_GRPC_ADDRESS.includes('://') ? e.ZEEBE_GRPC_ADDRESS : `grpc://${e.ZEEBE_GRPC_ADDRESS}`,
    restAddress: e.ZEEBE_REST_ADDRESS.replace(/\/+$/, '').replace(/\/v2$/, ''),
    auth,
    ...(e.CAMUNDA_TENANT_ID ? { tenantId: e.CAMUNDA_TENANT_ID } : {}),
    maxRetries: e.ZEEBE_GRPC_CLIENT_MAX_RETRIES,
    maxRetryDelayMs: e.ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS * 1000,
    longPollMs: e.ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS * 1000,
    workerPollIntervalMs: e.ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS,
    workerMaxBackoffMs: e.CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS,
    connectionToleranceMs: e.ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS,
    userTaskPollIntervalMs: e.USER_TASK_POLL_INTERVAL_MS,
    restTimeoutMs: e.CAMUNDA_REST_TIMEOUT_MS,
    logLevel: e.ZEEBE_CLIENT_LOG_LEVEL,
  };
}

/**
 * The explicit configuration object for the SDK's constructors. The SDK's own
 * retry is off: the adapter retries rejected commands itself (errors.ts), so
 * that retries do not stack and the last failure is a clean EngineError.
 */
export function sdkConfiguration(config: ZeebeConfig): Record<string, unknown> {
  const auth = config.auth;
  return {
    ZEEBE_GRPC_ADDRESS: config.grpcAddress,
    ZEEBE_REST_ADDRESS: config.restAddress,
    CAMUNDA_AUTH_STRATEGY: auth.strategy,
    ...(auth.strategy === 'BASIC' ? { CAMUNDA_BASIC_AUTH_USERNAME: auth.username, CAMUNDA_BASIC_AUTH_PASSWORD: auth.password } : {}),
    ...(auth.strategy === 'OAUTH'
      ? {
          ZEEBE_CLIENT_ID: auth.clientId,
          ZEEBE_CLIENT_SECRET: auth.clientSecret,
          CAMUNDA_OAUTH_URL: auth.oauthUrl,
          ...(auth.audience ? { ZEEBE_TOKEN_AUDIENCE: auth.audience } : {}),
          ...(auth.scope ? { CAMUNDA_TOKEN_SCOPE: auth.scope } : {}),
        }
      : {}),
    ...(config.tenantId ? { CAMUNDA_TENANT_ID: config.tenantId } : {}),
    CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: config.workerMaxBackoffMs,
    zeebeGrpcSettings: {
      ZEEBE_GRPC_CLIENT_RETRY: false,
      ZEEBE_GRPC_CLIENT_EAGER_CONNECT: false,
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: Math.max(1, Math.round(config.longPollMs / 1000)),
      ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: config.workerPollIntervalMs,
      ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: config.connectionToleranceMs,
      ZEEBE_CLIENT_LOG_LEVEL: config.logLevel,
    },
  };
}
