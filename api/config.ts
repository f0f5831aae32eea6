/**
 * Configuration: one zod schema over the environment, parsed once at start-up,
 * failing fast with the offending variable's name (style convention 6).
 * Engine SDK settings (ZEEBE_*, CAMUNDA_*) keep the SDK's own names and are
 * read by the Zeebe adapter, not here.
 */
import { randomBytes } from 'node:crypto';
import { Duration } from 'luxon';
import { z } from 'zod';

const bool = z.stringbool({ truthy: ['true', '1', 'on', 'yes'], falsy: ['false', '0', 'off', 'no'] });

/** `3600`, `8h`, `30m`, `2d`, `PT8H` → seconds. */
export function parseTtlSeconds(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const short = /^(\d+)\s*(s|m|h|d)$/i.exec(v);
  if (short) {
    const n = Number(short[1]);
    const unit = short[2].toLowerCase();
    return n * (unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 86400);
  }
  const iso = Duration.fromISO(v);
  if (iso.isValid) return Math.round(iso.as('seconds'));
  return undefined;
}

export const envSchema = z
  .object({
    /** HTTP port; 0 picks a free one. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Listen address; loopback unless told otherwise. */
    HOST: z.string().min(1).default('127.0.0.1'),
    /** MongoDB (or FerretDB) URI; the start scripts start FerretDB when it is unset (not in production). */
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
      .optional(),
    /** Which ProcessEngine adapter runs the models. */
    ENGINE: z.enum(['embedded', 'zeebe']).default('embedded'),
    /** demo: `npm start` with demo users; test: the test suites; production: no demo data, no clock control. */
    MODE: z.enum(['demo', 'production', 'test']).default('demo'),
    /** Controllable engine clock (`/api/clock`); default on in demo and test mode, never in production. */
    CLOCK_CONTROL: bool.optional(),
    /** HS256 secret for bearer tokens: required in production (≥ 32 characters), generated per start otherwise. */
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Token lifetime: seconds, `8h`, or an ISO duration. */
    TOKEN_TTL: z
      .string()
      .default('8h')
      .refine((v) => (parseTtlSeconds(v) ?? 0) > 0, 'must be seconds, 8h-style or an ISO duration (PT8H)'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
    /**
     * Back-pressure: API requests served at once; beyond it the API answers 503 with
     * Retry-After instead of queueing more work on a slow database or engine.
     */
    MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(256),
    /** Largest JSON body accepted (body-parser size syntax). */
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)?$/i, 'must be a size such as 1mb').default('1mb'),
    /** R-NOTE-1: HTTP SMS gateway for `sms` notifications; unset = they are stored only (the app shows them). */
    SMS_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Bearer token for the SMS gateway. */
    SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
    /**
     * The ledger list and export served from an in-process index of work orders
     * (api/work-orders/ledger-index.ts). Turn off when another process writes the
     * same database (several API processes on one MongoDB).
     */
    LEDGER_INDEX: bool.default(true),
  })
  .superRefine((env, ctx) => {
    if (env.MODE === 'production') {
      if (!env.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production mode' });
      if (!env.MONGODB_URI) ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'is required in production mode' });
      if (env.CLOCK_CONTROL === true) {
        ctx.addIssue({ code: 'custom', path: ['CLOCK_CONTROL'], message: 'cannot be on in production mode' });
      }
    }
  });

export type Mode = 'demo' | 'production' | 'test';

export interface AppConfig {
  port: number;
  host: string;
  mongodbUri?: string;
  engine: 'embedded' | 'zeebe';
  mode: Mode;
  clockControl: boolean;
  jwtSecret: string;
  /** True when the secret was generated at start (tokens die with the process). */
  jwtSecretGenerated: boolean;
  tokenTtlSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  bodyLimit: string;
  /** API requests served at once before 503 + Retry-After (back-pressure). */
  maxInFlight: number;
  /** R-NOTE-1: where `sms` notifications go; none = stored only. */
  smsGateway?: { url: string; token?: string };
  /** GET /api/work-orders and its export from the in-process ledger index (LEDGER_INDEX, default on). */
  ledgerIndex: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as unset (a common shell habit: `FOO= npm start`).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message })),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    ...(e.MONGODB_URI !== undefined ? { mongodbUri: e.MONGODB_URI } : {}),
    engine: e.ENGINE,
    mode: e.MODE,
    clockControl: e.CLOCK_CONTROL ?? e.MODE !== 'production',
    jwtSecret: e.JWT_SECRET ?? randomBytes(32).toString('hex'),
    jwtSecretGenerated: e.JWT_SECRET === undefined,
    tokenTtlSeconds: parseTtlSeconds(e.TOKEN_TTL) ?? 8 * 3600,
    logLevel: e.LOG_LEVEL ?? (e.MODE === 'test' ? 'warn' : 'info'),
    bodyLimit: e.BODY_LIMIT,
    maxInFlight: e.MAX_IN_FLIGHT,
    ledgerIndex: e.LEDGER_INDEX,
    ...(e.SMS_GATEWAY_URL ? { smsGateway: { url: e.SMS_GATEWAY_URL, ...(e.SMS_GATEWAY_TOKEN ? { token: e.SMS_GATEWAY_TOKEN } : {}) } } : {}),
  };
}
