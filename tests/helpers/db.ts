/**
 * Database helpers for tests. `npm test` starts FerretDB and sets MONGODB_URI;
 * every test file gets its own database on that server, so files can run in
 * parallel without seeing each other's documents.
 *
 *   const db = useTestDatabase();
 *   const Order = db.connection.model('Order', orderSchema);   // top level is fine
 *   beforeEach(() => db.clear());                              // optional
 */
import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll } from 'vitest';

/** The server URI given by `npm test`; throws a clear error when it is missing. */
export function testServerUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    throw new Error(
      'MONGODB_URI is not set: run the tests via `npm test` (it starts FerretDB), ' +
        'or set MONGODB_URI to a MongoDB/FerretDB server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/ npx vitest run',
    );
  }
  return uri;
}

/** A database name no other test file uses: `t_<time>_<random>` (FerretDB allows [A-Za-z0-9_-], max 63). */
export function uniqueDatabaseName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** `uri` with its database path replaced by `dbName` (query options kept). */
export function withDatabaseName(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${dbName}${match[3] ?? ''}`;
}

/**
 * A URI to a fresh, unused database on the test server, for tests that start a
 * separate process (API server, worker runner) and pass it MONGODB_URI.
 * Drop it afterwards with `dropDatabaseAt(uri)`.
 */
export function freshDatabaseUri(prefix = 't'): string {
  return withDatabaseName(testServerUri(), uniqueDatabaseName(prefix));
}

/** Drops the database a URI points at (the counterpart of freshDatabaseUri). */
export async function dropDatabaseAt(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

/**
 * True when the connected server is FerretDB (its buildInfo carries
 * `ferretdbVersion`); for the few tests that check FerretDB-only behaviour.
 */
export async function serverIsFerretDB(connection: Connection): Promise<boolean> {
  if (!connection.db) await connection.asPromise();
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}

export interface TestDatabase {
  /** A dedicated mongoose Connection (not the global mongoose one); define models on it. */
  readonly connection: Connection;
  readonly dbName: string;
  /** Deletes every document in every collection of the connection's models (indexes stay). */
  clear(): Promise<void>;
}

/**
 * Gives the calling test file its own database: connects before all tests,
 * drops the database and closes after all. Call it at the top level of a test file.
 * Models may be defined at once; operations are buffered until the connection opens.
 */
export function useTestDatabase(prefix = 't'): TestDatabase {
  const serverUri = testServerUri();
  const dbName = uniqueDatabaseName(prefix);
  const connection = mongoose.createConnection();

  beforeAll(async () => {
    await connection.openUri(withDatabaseName(serverUri, dbName), { serverSelectionTimeoutMS: 10_000 });
  });

  afterAll(async () => {
    try {
      if (connection.readyState === mongoose.ConnectionStates.connected) await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  });

  return {
    connection,
    dbName,
    async clear() {
      await Promise.all(Object.values(connection.models).map((model) => model.deleteMany({})));
    },
  };
}
