/** One object per mongoose connection, made on first use (caches and lock tables shared by every service on it). */
import type { Connection } from 'mongoose';

export function perConnection<T extends object>(make: (conn: Connection) => T): (conn: Connection) => T {
  const made = new WeakMap<Connection, T>();
  return (conn) => {
    let value = made.get(conn);
    if (!value) {
      value = make(conn);
      made.set(conn, value);
    }
    return value;
  };
}
