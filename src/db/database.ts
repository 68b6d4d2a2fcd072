// The one place that opens a database: PostgreSQL through pg when a URL is given, otherwise the
// embedded PGlite on disk. Both speak to the same Kysely<Database>, run the same migrations, and map
// numeric and bigint columns to strings (exact money; pg's default, and PGlite told to match).

import { PGlite, types } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
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
}

const redact = (url: string): string => {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

const handle = (db: Kysely<Database>, kind: DatabaseKind, location: string): DatabaseHandle => {
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
      await db.destroy()
    },
  }
}

export const openPostgres = (url: string, poolSize: number, role: string | null = null): DatabaseHandle => {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Waiting for a pool slot longer than this answers 503 (see retry.ts), not a hang.
    connectionTimeoutMillis: 30_000,
    // numeric and int8 stay strings (pg's default): amounts are exact, never JS numbers. A date stays
    // "YYYY-MM-DD": pg's default would make it a Date at local midnight, which shifts days.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.DATE
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format)) as never,
    },
  })
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  // Queries on a client run in order, so this runs before the first query of every connection.
  if (role)
    pool.on(
      'connect',
      (client) => void client.query(`set role "${role.replaceAll('"', '""')}"`).catch(() => {}),
    )
  return handle(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', redact(url))
}

export const openPglite = async (dataDir: string, durable = false): Promise<DatabaseHandle> => {
  const defaults = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams
  const pglite = new PGlite(dataDir, {
    // PGlite starts PostgreSQL with -F (fsync off): fast, but a machine crash can lose the last
    // commits. PGLITE_DURABLE=true drops -F.
    ...(durable ? { startParams: defaults.filter((p) => p !== '-F') } : {}),
    // Match pg: int8 as a string (PGlite would give a number, or a BigInt past 2^53), dates as text.
    parsers: { [types.INT8]: (value: string) => value, [types.DATE]: (value: string) => value },
  })
  await pglite.waitReady
  return handle(new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), 'pglite', dataDir)
}

export const openDatabase = async (options: DatabaseOptions): Promise<DatabaseHandle> =>
  options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize, options.role ?? null)
    : openPglite(options.dataDir, options.pgliteDurable ?? false)
