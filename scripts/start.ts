/**
 * `npm start`: the database (FerretDB unless MONGODB_URI is set), the embedded
 * engine, the job workers and the API on http://127.0.0.1:3000, with every
 * model in processes/ deployed and the demo users seeded (demo mode).
 */
import { loadConfig, ConfigError } from '../api/config.js';
import { createLogger } from '../api/logger.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../domain/services/index.js';
import { startDatabase } from './db.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const db = await startDatabase({ ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}) });
  const server = await startServer({ config, mongodbUri: db.uri, logger });

  const lines = [
    '',
    `物业报事报修 workflow platform — listening on ${server.url}`,
    `  engine: ${server.engine.kind}, mode: ${config.mode}, clock control: ${config.clockControl ? 'on (POST /api/clock)' : 'off'}`,
    `  models: ${server.deployed.map((d) => `${d.bpmnProcessId} v${d.version}`).join(', ')}`,
    `  API description: ${server.url}/api/openapi.json`,
  ];
  if (config.mode !== 'production') {
    lines.push(
      `  log in: POST ${server.url}/api/auth/login {"username":"dispatcher1","password":"${DEMO_PASSWORD}"}`,
      `  demo users (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.username).join(', ')}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await server.close();
    await db.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
