// pg-boss's connections (src/batches/queue.ts), with the same role semantics as the service's own
// pool (src/db/database.ts): DATABASE_URL's user connects, every connection then works as
// DATABASE_ROLE. pg-boss takes a `db` adapter (`executeSql`) in place of its own pool; this is it.
// The grants are the SQL of the queue's schema, kept here with the rest of the SQL.

import pg from 'pg'
import { connectionOf, pinSessionSettings } from './database.ts'

/** pg-boss's database adapter (PgBoss.Db). */
export interface QueueDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

export interface QueuePool extends QueueDb {
  close(): Promise<void>
}

/** pg-boss's schema (its default). */
export const QUEUE_SCHEMA = 'pgboss'

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/** A pool for pg-boss whose every connection SETs `role` before its first statement. */
export const queuePool = (
  connectionString: string,
  role: string,
  max: number,
  onConnectionError: (err: Error) => void = () => {},
): QueuePool => {
  const pool = new pg.Pool({
    ...connectionOf(connectionString),
    max,
    keepAlive: true,
  })
  pool.on('error', onConnectionError)
  pool.on('connect', (client) => {
    client.on('error', onConnectionError)
    // Queries on a client run in order: this runs before pg-boss's first statement on it.
    void client.query(`set role ${quoted(role)}`).catch(() => {})
  })
  pinSessionSettings(pool)
  let closed = false
  return {
    executeSql: (text, values) => pool.query(text, values as unknown[]),
    close: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

/**
 * What the service role needs of pg-boss's schema: to use it, and to read and write its tables
 * (jobs, their partitions, the archive, the queue list, the version row maintenance stamps) — no
 * DDL, so the schema and its queues are created and migrated only by installBatchQueue.
 */
export const grantQueueSchema = async (db: QueueDb, role: string): Promise<void> => {
  await db.executeSql(`grant usage on schema ${QUEUE_SCHEMA} to ${quoted(role)}`)
  await db.executeSql(
    `grant select, insert, update, delete on all tables in schema ${QUEUE_SCHEMA} to ${quoted(role)}`,
  )
}
