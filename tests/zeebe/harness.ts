/**
 * The Zeebe adapter against the stand-ins: a gRPC gateway and a REST API on
 * 127.0.0.1, sharing one StandInBroker. Timings are short (long poll 200 ms,
 * worker poll 20 ms, task poll 25 ms, retry back-off 5 ms) so that a test
 * runs in real time without waiting for business time.
 */
import { loadZeebeConfig, ZeebeEngine, type ZeebeEngineOptions } from '../../engine/zeebe/index.js';
import type { ZeebeConfig } from '../../engine/zeebe/config.js';
import { StandInBroker } from './stand-in/broker.js';
import { GatewayStandIn } from './stand-in/gateway.js';
import { RestStandIn } from './stand-in/rest.js';

export interface StandIns {
  broker: StandInBroker;
  gateway: GatewayStandIn;
  rest: RestStandIn;
  config(overrides?: Partial<ZeebeConfig>): ZeebeConfig;
  engine(options?: Partial<Omit<ZeebeEngineOptions, 'config'>> & { config?: Partial<ZeebeConfig> }): ZeebeEngine;
  close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  const broker = new StandInBroker();
  const gateway = new GatewayStandIn(broker);
  const rest = new RestStandIn(broker);
  await gateway.start();
  await rest.start();
  const engines: ZeebeEngine[] = [];
  const config = (overrides: Partial<ZeebeConfig> = {}): ZeebeConfig => ({
    ...loadZeebeConfig({
      ZEEBE_GRPC_ADDRESS: gateway.address,
      ZEEBE_REST_ADDRESS: rest.address,
      ZEEBE_GRPC_CLIENT_MAX_RETRIES: '3',
      ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: '20',
      CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: '50',
      USER_TASK_POLL_INTERVAL_MS: '50',
    }),
    longPollMs: 200,
    maxRetryDelayMs: 20,
    restTimeoutMs: 2000,
    ...overrides,
  });
  return {
    broker,
    gateway,
    rest,
    config,
    engine(options = {}) {
      const { config: overrides, ...rest } = options;
      const engine = new ZeebeEngine({ retryInitialDelayMs: 5, ...rest, config: config(overrides) });
      engines.push(engine);
      return engine;
    },
    async close() {
      await Promise.all(engines.map((e) => e.close()));
      await gateway.stop();
      await rest.stop();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false (real time, bounded); the last error or a time-out fails. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
