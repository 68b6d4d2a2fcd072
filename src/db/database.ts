// The one place that opens a database: PostgreSQL through pg when a URL is given, otherwise the
// embedded PGlite on disk. Both speak to the same Kysely<Database>, run the same migrations, and map
// numeric and bigint columns to strings (exact money; pg's default, and PGlite told to match).

import { PGlite, types } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import { lockDataDirectory } from './data-dir-lock.ts'
import { APPLICATION_NAME } from './migrator.ts'
import type { Database } from './schema.ts'

export type DatabaseKind = 'postgres' | 'pglite'

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: DatabaseKind
  /** where it is: the URL without its password, or the PGlite directory */
  location: string
  /** resolves when the database answers a trivial query */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface DatabaseOptions {
  databaseUrl: string | null
  poolSize: number
  dataDir: string
  /** PostgreSQL only: SET ROLE on every connection (the least-privileged role the service runs as) */
  role?: string | null
  /** PGlite only: run with fsync on (PGlite's default start parameters include -F, fsync off) */
  pgliteDurable?: boolean
  /** PostgreSQL only: statement_timeout and lock_timeout (ms, 0 = none) for every connection */
  statementTimeoutMs?: number
  lockTimeoutMs?: number
  /** told of connection errors the pool absorbed (a dropped connection, idle or in use) */
  onConnectionError?: (error: Error) => void
}

export interface PostgresOptions {
  statementTimeoutMs?: number
  lockTimeoutMs?: number
  onConnectionError?: (error: Error) => void
}

const redact = (url: string): string => {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

const handle = (
  db: Kysely<Database>,
  kind: DatabaseKind,
  location: string,
  afterClose: () => Promise<void> = async () => {},
  beforeClose: () => Promise<void> = async () => {},
): DatabaseHandle => {
  let closed = false
  return {
    db,
    kind,
    location,
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      if (closed) return
      closed = true
      try {
        await beforeClose()
        await db.destroy()
      } finally {
        await afterClose()
      }
    },
  }
}

/**
 * A backend terminated while its statement runs (pg_terminate_backend, a server shutting down)
 * answers that statement with a FATAL error, and closes the socket only a moment later: until then
 * pg still counts the client as queryable, so a client released in between (a lone statement, not a
 * transaction, which would send ROLLBACK and see the closed socket) went back to the pool and failed
 * the next checkout's query ("Connection terminated unexpectedly"). A FATAL or PANIC error ends the
 * client first (`end()` marks it ending at once), so pg-pool discards it on release.
 */
const endOnFatal = (client: pg.PoolClient): void => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((...args: unknown[]) => {
    const result = query(...args)
    if (!(result instanceof Promise)) return result
    return result.catch((error: unknown) => {
      const severity = (error as { severity?: unknown }).severity
      if (severity === 'FATAL' || severity === 'PANIC') client.end().catch(() => {})
      throw error
    })
  }) as typeof client.query
}

/**
 * The output formats every PostgreSQL session of the service works in (its pool and the queue's),
 * whatever the server's or the database's defaults: a database set to DateStyle 'SQL, DMY' wrote
 * "06/12/2026 20:48:00 UTC", pg parsed every timestamp as null and the service could not start, and a
 * date cast to text read otherwise. Sent as the first statement of each connection, not as startup
 * options: those would replace PGOPTIONS, and options in DATABASE_URL would replace them. And the
 * session's generation, the newest migration this code knows: the database refuses decisions and
 * ledger entries from an instance older than its newest migration (migrations 2026-12-07T0400, T1200). It
 * is said as the session's `application_name`, which poolers in transaction mode carry from one server
 * connection to the next (a custom setting they drop): here for PGlite, which has no startup packet, and
 * again for PostgreSQL, whose pools also send it at connection start (connectionOf).
 */
export const SESSION_SETTINGS = `set datestyle = iso, mdy; set intervalstyle = postgres; set application_name = '${APPLICATION_NAME}'`

/**
 * What a pool of the service connects with: DATABASE_URL, and the session's name (APPLICATION_NAME) in
 * the startup packet. A pooler in transaction mode sets a client's startup application_name on each
 * server connection it lends it; a name SET later it leaves on the server connection the SET ran on
 * (seen with PgBouncer 1.18: one write in a few refused as outdated). pg lets the URL's parameters win
 * over the pool's, so an application_name written in DATABASE_URL is taken out of it.
 */
export const connectionOf = (url: string): { connectionString: string; application_name: string } => {
  let connectionString = url
  try {
    const parsed = new URL(url)
    if (parsed.searchParams.has('application_name')) {
      parsed.searchParams.delete('application_name')
      connectionString = parsed.toString()
    }
  } catch {
    // Not a URL pg parses as one (a key=value string): nothing of ours to take out of it.
  }
  return { connectionString, application_name: APPLICATION_NAME }
}

/** Runs SESSION_SETTINGS on each new connection of a pool, before its first query. */
export const pinSessionSettings = (pool: pg.Pool): void => {
  // Queries on a client run in order: this runs before the first query the pool hands it to.
  pool.on('connect', (client) => void client.query(SESSION_SETTINGS).catch(() => {}))
}

export const openPostgres = (
  url: string,
  poolSize: number,
  role: string | null = null,
  options: PostgresOptions = {},
): DatabaseHandle => {
  const onConnectionError = options.onConnectionError ?? (() => {})
  const pool = new pg.Pool({
    ...connectionOf(url),
    max: poolSize,
    // Waiting for a pool slot longer than this answers 503 (see faults.ts), not a hang.
    connectionTimeoutMillis: 30_000,
    // A server that vanished without closing the socket (a network cut) is noticed, not waited on.
    keepAlive: true,
    // Sent at connection start: a statement or a lock wait past these answers 503 (57014, 55P03)
    // instead of holding a connection and the client indefinitely. 0 leaves the server's setting.
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    // numeric and int8 stay strings (pg's default): amounts are exact, never JS numbers. A date stays
    // "YYYY-MM-DD": pg's default would make it a Date at local midnight, which shifts days.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.DATE
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format)) as never,
    },
  })
  // A connection's 'error' event with no listener crashes the process. pg-pool listens only while a
  // client is idle ('error' on the pool); a backend terminated while its client is checked out
  // (pg_terminate_backend, a server restart mid-request) emits on the client itself. Both are
  // absorbed here: the query in flight fails on its own (its request answers 503), the broken
  // client is not queryable any more, so pg-pool discards it on release, and the next checkout
  // opens a fresh connection.
  pool.on('error', onConnectionError)
  pool.on('connect', (client) => {
    client.on('error', onConnectionError)
    endOnFatal(client)
  })
  pinSessionSettings(pool)
  // Queries on a client run in order, so this runs before the first query of every connection.
  if (role)
    pool.on(
      'connect',
      (client) => void client.query(`set role "${role.replaceAll('"', '""')}"`).catch(() => {}),
    )
  return handle(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', redact(url))
}

/** A PGlite location that is not a directory on disk (nothing to lock). */
const inMemory = (dataDir: string) => /^[a-z]+:\/\//.test(dataDir)

/** A PGlite database, which can also be written out whole (its data directory as a tar image). */
export interface PgliteHandle extends DatabaseHandle {
  /** the data directory as a tar image, which `openPglite('memory://', false, image)` starts from */
  dump(): Promise<Blob>
}

export const openPglite = async (
  dataDir: string,
  durable = false,
  /** start from this data directory image (a dump) instead of an empty cluster: in memory only */
  image?: Blob,
): Promise<PgliteHandle> => {
  // One process per directory: fails at once, naming the holder, if another process has it.
  const unlock = inMemory(dataDir) ? async () => {} : await lockDataDirectory(dataDir)
  try {
    if (image && !inMemory(dataDir)) throw new Error('a PGlite image is loaded into memory:// only')
    return await startPglite(dataDir, durable, unlock, image)
  } catch (error) {
    await unlock()
    throw error
  }
}

const startPglite = async (
  dataDir: string,
  durable: boolean,
  unlock: () => Promise<void>,
  image: Blob | undefined,
): Promise<PgliteHandle> => {
  const defaults = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams
  const pglite = new PGlite(dataDir, {
    ...(image ? { loadDataDir: image } : {}),
    // PGlite starts PostgreSQL with -F (fsync off): fast, but a machine crash can lose the last
    // commits. PGLITE_DURABLE=true drops -F.
    ...(durable ? { startParams: defaults.filter((p) => p !== '-F') } : {}),
    // Match pg: int8 as a string (PGlite would give a number, or a BigInt past 2^53), dates as text.
    parsers: { [types.INT8]: (value: string) => value, [types.DATE]: (value: string) => value },
  })
  await pglite.waitReady
  // One session, set once (PGlite runs no other connection).
  await pglite.exec(SESSION_SETTINGS)
  // The lock is released only after PGlite has closed (and flushed) the directory.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  // PostgreSQL flushes a backend's statistics at most once a second; with some pending it arms a 10 s
  // timer (PGSTAT_IDLE_INTERVAL), which PGlite runs as a Node timer that close() leaves behind: the
  // process then cannot exit until it fires, and firing it re-arms it. Flushing them all with the last
  // statement leaves no timer armed.
  const flushStatistics = async () => {
    await sql`select pg_stat_force_next_flush()`.execute(db).catch(() => {})
  }
  return {
    ...handle(db, 'pglite', dataDir, unlock, flushStatistics),
    dump: () => pglite.dumpDataDir('none'),
  }
}

export const openDatabase = async (options: DatabaseOptions): Promise<DatabaseHandle> =>
  options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize, options.role ?? null, options)
    : openPglite(options.dataDir, options.pgliteDurable ?? false)
