/**
 * The express app: JSON API under /api, built from its dependencies (no
 * listen; the entry point or the test does that).
 *
 *   const app = createApp({ engine, db: connection, config, logger });
 *   app.listen(config.port, config.host);
 */
import express, { type Express, type RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { attachUserTaskListener } from '../domain/services/index.js';
import type { OrderKind } from '../domain/work-order.model.js';
import type { ProcessEngine } from '../engine/port.js';
import { authRoutes } from './auth/router.js';
import { AuthService } from './auth/service.js';
import { claimRoutes } from './claims/router.js';
import { clockRoutes } from './clock/router.js';
import { ClockService } from './clock/service.js';
import type { AppConfig } from './config.js';
import { directoryRoutes } from './directory/router.js';
import { errorMiddleware, loadShedding, methodNotAllowedMiddleware, notFoundMiddleware, UnsupportedMediaType } from './errors.js';
import { communityRoutes } from './communities/router.js';
import { healthRoutes } from './health/router.js';
import { legacyRegisterRoutes } from './legacy-register/router.js';
import { mountEndpoints, type Endpoint } from './http.js';
import type { Logger } from './logger.js';
import { notificationRoutes } from './notifications/router.js';
import { openApiRoutes } from './openapi/router.js';
import { processInstanceRoutes } from './process-instances/router.js';
import { ProcessInstanceService } from './process-instances/service.js';
import { engineLinter, type ModelLinter } from './processes/lint.js';
import { processRoutes } from './processes/router.js';
import { ProcessService } from './processes/service.js';
import { reportRoutes } from './reports/router.js';
import { ReportService } from './reports/service.js';
import { fileFormSource, parseForm, type FormDefinition, type FormSource } from './tasks/forms.js';
import { taskRoutes } from './tasks/router.js';
import { technicianRoutes } from './technicians/router.js';
import { TaskService } from './tasks/service.js';
import { uploadRoutes } from './uploads/router.js';
import { UploadService } from './uploads/service.js';
import { workOrderRoutes } from './work-orders/router.js';
import { WorkOrderService } from './work-orders/service.js';
import { feeCatalogueRoutes } from './fee-catalogue/router.js';
import { FeeCatalogueService } from './fee-catalogue/service.js';
import { maintenancePlanRoutes } from './maintenance-plans/router.js';
import { MaintenancePlanService } from './maintenance-plans/service.js';
import { outageRoutes } from './outages/router.js';
import { OutageService } from './outages/service.js';
import { paidServicesReportRoutes } from './paid-services/router.js';
import { PaidServicesReportService } from './paid-services/service.js';

export interface AppDeps {
  engine: ProcessEngine;
  db: Connection;
  config: AppConfig;
  logger: Logger;
  /** Camunda forms for task validation; `processes/forms/` by default. */
  forms?: FormSource;
  /** Model linter for deployments; engine/lint's `lintModel` by default. */
  lint?: ModelLinter;
  /** Process id per order kind; the kind's own name by default. */
  processOfKind?: Record<OrderKind, string>;
  /** Register the deadline/timeline listener on the engine (default true; once per engine and connection). */
  attachTaskListener?: boolean;
  /** Runs after POST /api/clock moved time and before it answers (the maintenance scheduler, R-PM-1). */
  onClockMoved?: () => Promise<unknown>;
}

/** An engine that can hand out deployed forms (the embedded adapter can; the port does not require it). */
interface FormStore {
  getForm(formId: string): Promise<unknown>;
}
const hasForms = (engine: ProcessEngine): engine is ProcessEngine & FormStore =>
  typeof (engine as Partial<FormStore>).getForm === 'function';

/** Forms deployed through this API, then the engine's deployed forms, then the files in processes/forms. */
function layeredForms(engine: ProcessEngine, base: FormSource): { source: FormSource; add(forms: Record<string, unknown>): void } {
  const deployed = new Map<string, FormDefinition>();
  // A form the engine hands out frozen cannot change: parsed once (a task list needs the form of every task).
  const parsed = new WeakMap<object, FormDefinition>();
  const fromEngine = async (id: string): Promise<FormDefinition | undefined> => {
    if (!hasForms(engine)) return undefined;
    try {
      const json = await engine.getForm(id);
      if (json === undefined) return undefined;
      const frozen = typeof json === 'object' && json !== null && Object.isFrozen(json) ? json : undefined;
      const known = frozen && parsed.get(frozen);
      if (known) return known;
      const form = { ...parseForm(json), id };
      if (frozen) parsed.set(frozen, form);
      return form;
    } catch {
      return undefined;
    }
  };
  return {
    source: { get: async (id) => deployed.get(id) ?? (await fromEngine(id)) ?? base.get(id) },
    add(forms) {
      for (const [id, json] of Object.entries(forms)) deployed.set(id, { ...parseForm(json), id });
    },
  };
}

/** 415 for a body that is not JSON (a request without a body is fine; endpoints that consume multipart read their own). */
const requireJsonBody = (multipartPaths: ReadonlySet<string>): RequestHandler => (req, _res, next) => {
  if (req.method === 'POST' && multipartPaths.has(req.path)) {
    next();
    return;
  }
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    next(new UnsupportedMediaType(`The request body must be application/json, not ${req.headers['content-type'] ?? 'unspecified'}.`));
    return;
  }
  next();
};

function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const fields = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (res.statusCode >= 500) logger.error('request', fields);
      else logger.info('request', fields);
    });
    next();
  };
}

export function createApp(deps: AppDeps): Express {
  const { engine, db, config, logger } = deps;
  if (deps.attachTaskListener !== false) attachUserTaskListener(engine, db, logger);

  const forms = layeredForms(engine, deps.forms ?? fileFormSource());
  const auth = new AuthService(db, { jwtSecret: config.jwtSecret, tokenTtlSeconds: config.tokenTtlSeconds });

  const endpoints: Endpoint[] = [
    ...healthRoutes({ engine, conn: db, mode: config.mode, clockControl: config.clockControl }),
    ...authRoutes(auth),
    ...workOrderRoutes(
      new WorkOrderService({ conn: db, engine, logger, ledgerIndex: config.ledgerIndex, ...(deps.processOfKind ? { processOfKind: deps.processOfKind } : {}) }),
    ),
    ...taskRoutes(new TaskService({ engine, forms: forms.source, logger })),
    ...processRoutes(new ProcessService({ engine, lint: deps.lint ?? engineLinter, onFormsDeployed: (f) => forms.add(f) })),
    ...processInstanceRoutes(new ProcessInstanceService(engine, db)),
    ...clockRoutes(new ClockService(engine, config.clockControl, deps.onClockMoved)),
    ...reportRoutes(new ReportService(db, () => engine.clock.now())),
    ...claimRoutes(db, engine),
    ...legacyRegisterRoutes(db),
    ...communityRoutes(db),
    ...technicianRoutes(db, engine, { ledgerIndex: config.ledgerIndex }),
    ...feeCatalogueRoutes(new FeeCatalogueService(db)),
    ...outageRoutes(new OutageService({ conn: db, engine, logger })),
    ...maintenancePlanRoutes(new MaintenancePlanService(db, () => engine.clock.now())),
    ...paidServicesReportRoutes(new PaidServicesReportService(db)),
    ...notificationRoutes(db),
    ...uploadRoutes(new UploadService(db, () => engine.clock.now())),
    ...directoryRoutes(db),
  ];
  endpoints.push(...openApiRoutes(endpoints));

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(logger));
  app.use(securityHeaders);
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  let lastShedLog = Number.NEGATIVE_INFINITY;
  app.use(
    '/api',
    loadShedding(config.maxInFlight, (inFlight) => {
      const now = performance.now(); // real time: the engine clock may be frozen or moved
      if (now - lastShedLog > 10_000) logger.warn('overloaded: answering 503 Retry-After', { inFlight, maxInFlight: config.maxInFlight });
      lastShedLog = now;
    }),
  );
  app.use(methodNotAllowedMiddleware(endpoints));
  app.use('/api', requireJsonBody(new Set(endpoints.filter((e) => e.consumes).map((e) => e.path))));
  app.use('/api', express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use('/api', mountEndpoints(endpoints, auth));
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(logger));
  return app;
}

/**
 * Headers on every answer, API and web app alike: no MIME sniffing, no
 * framing (click-jacking), no referrer leaking order ids, and a content
 * security policy that lets the app load only its own scripts. bpmn-js and
 * form-js set inline styles, hence 'unsafe-inline' for styles only; photos
 * are previewed from blob: URLs before upload.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  next();
};

/** For tooling that wants the OpenAPI document without serving it. */
export { buildOpenApiDocument } from './openapi/document.js';
