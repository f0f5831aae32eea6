/**
 * `npm run setup`: everything the project needs beyond `npm install`.
 * Today that is the FerretDB wrapper used by `npm start` / `npm test` when
 * MONGODB_URI is not set (.bin/ferretdb-local, built from tools/ferretdb),
 * and the OpenAPI fuzzer of the tests (schemathesis, in .bin/schemathesis).
 */
import path from 'node:path';
import { ensureFerretBuilt, ferretBinary, repoRoot } from './db.js';
import { ensureFuzzerInstalled, schemathesisBinary } from './fuzzer.js';

const force = process.argv.includes('--force');
try {
  const built = await ensureFerretBuilt({ force });
  if (!built) console.log(`setup: ${path.relative(repoRoot, ferretBinary)} is up to date`);
  const installed = await ensureFuzzerInstalled();
  console.log(`setup: ${path.relative(repoRoot, schemathesisBinary)} ${installed ? 'installed' : 'is up to date'}`);
  console.log('setup: done');
} catch (err) {
  console.error(`setup: ${(err as Error).message}`);
  process.exitCode = 1;
}
