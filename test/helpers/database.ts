// The database a test file runs against: real PostgreSQL when TEST_DATABASE_URL is set (a fresh
// database per test file, dropped at the end, so files can run in parallel), otherwise an in-memory
// PGlite. With CI=true an unreachable PostgreSQL fails the run; it never silently falls back.

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'
import { type DatabaseHandle, openPglite, openPostgres, type PostgresOptions } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || null
export const onPostgres = TEST_DATABASE_URL !== null

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const admin = async (url: string, statement: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Opens a migrated database for this test file and closes (and drops) it when the file ends. */
export const testDatabase = async (
  t: Test,
  options: { poolSize?: number; migrate?: boolean } = {},
): Promise<DatabaseHandle> => {
  const migrate = options.migrate ?? true
  if (!TEST_DATABASE_URL) {
    const handle = await openPglite('memory://')
    if (migrate) await migrateToLatest(handle.db)
    t.teardown(() => handle.close())
    return handle
  }
  const name = `test_${randomBytes(6).toString('hex')}`
  await admin(TEST_DATABASE_URL, `create database ${name}`)
  const url = withDatabase(TEST_DATABASE_URL, name)
  const handles: DatabaseHandle[] = []
  const open = () => {
    const h = openPostgres(url, options.poolSize ?? 10)
    handles.push(h)
    return h
  }
  const handle = open()
  if (migrate) await migrateToLatest(handle.db)
  t.teardown(async () => {
    for (const h of handles) await h.close()
    await admin(TEST_DATABASE_URL, `drop database if exists ${name} with (force)`)
  })
  return handle
}

/**
 * A second, independent pool on the same PostgreSQL database as `handle`, as a second API
 * instance would have. Only meaningful on PostgreSQL.
 */
export const secondPool = (
  t: Test,
  handle: DatabaseHandle,
  poolSize = 10,
  options: PostgresOptions = {},
): DatabaseHandle => {
  if (handle.kind !== 'postgres' || !TEST_DATABASE_URL) throw new Error('secondPool needs PostgreSQL')
  const db = handle.location.split('/').pop()!.split('?')[0]!
  const other = openPostgres(withDatabase(TEST_DATABASE_URL, db), poolSize, null, options)
  t.teardown(() => other.close())
  return other
}

/**
 * For tests that need several real connections (concurrency): they run only on PostgreSQL. Without
 * TEST_DATABASE_URL they are skipped *visibly*; under CI=true that is an error, never a skip.
 */
export const requirePostgres = (t: Test, what: string): boolean => {
  if (onPostgres) return true
  if (process.env['CI'] === 'true') {
    t.fail(`${what} needs PostgreSQL: set TEST_DATABASE_URL (CI must run it, not skip it)`)
    return false
  }
  t.comment(`SKIPPED: ${what} needs PostgreSQL (set TEST_DATABASE_URL to run it)`)
  t.test(what, { skip: 'needs PostgreSQL: TEST_DATABASE_URL is unset' }, async () => {})
  return false
}
