// The database a test file runs against: real PostgreSQL when TEST_DATABASE_URL is set (a fresh
// database per test file, dropped at the end, so files can run in parallel), otherwise an in-memory
// PGlite. With CI=true an unreachable PostgreSQL fails the run; it never silently falls back.
//
// On PostgreSQL a migrated database is a copy of a template migrated once per run (CREATE DATABASE
// … TEMPLATE), not migrated again in every file: the template is named after the migrations'
// contents, so a changed or added migration makes a new one, and a test that needs the migrations
// themselves asks for `migrate: false` and runs them.

import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { type DatabaseHandle, openPglite, openPostgres, type PostgresOptions } from '../../src/db/database.ts'
import { MIGRATIONS_DIR, migrateToLatest } from '../../src/db/migrator.ts'

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

/** sha256 of the migration files (names and contents), 12 hex digits: which template is current. */
const migrationsSignature = async (): Promise<string> => {
  const hash = createHash('sha256')
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.ts')).sort()
  for (const file of files) {
    hash
      .update(file)
      .update('\0')
      .update(await readFile(join(MIGRATIONS_DIR, file)))
      .update('\0')
  }
  return hash.digest('hex').slice(0, 12)
}

let template: Promise<string> | null = null

/**
 * The migrated template of this run: `<database of TEST_DATABASE_URL>_t_<migrations' signature>`
 * (.ci/run drops it with its database). Built once, under an advisory lock, by whichever test file
 * gets there first; the others wait for it and copy it. Marked IS_TEMPLATE only once migrated, so a
 * half-built one (a killed run) is dropped and built again.
 */
const migratedTemplate = (url: string): Promise<string> => {
  template ??= (async () => {
    const base = new URL(url).pathname.slice(1) || 'postgres'
    const name = `${base}_t_${await migrationsSignature()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
    await client.connect()
    try {
      // Session-level: released when this connection ends, even if the build throws.
      await client.query(`select pg_advisory_lock(hashtext('yunnan-incentives test template'))`)
      const found = await client.query<{ datistemplate: boolean }>(
        'select datistemplate from pg_database where datname = $1',
        [name],
      )
      if (found.rows[0]?.datistemplate !== true) {
        await client.query(`drop database if exists ${name} with (force)`)
        await client.query(`create database ${name}`)
        const handle = openPostgres(withDatabase(url, name), 1)
        try {
          await migrateToLatest(handle.db)
        } finally {
          await handle.close()
        }
        await client.query(`alter database ${name} is_template true`)
      }
    } finally {
      await client.end()
    }
    return name
  })()
  return template
}

const PGLITE_VERSION = (
  JSON.parse(
    await readFile(
      join(import.meta.dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite', 'package.json'),
      'utf8',
    ),
  ) as { version: string }
).version
const IMAGES = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'test-pglite')
let image: Promise<Blob> | null = null

/**
 * On PGlite, the migrated database as a data directory image: a fresh in-memory PGlite runs initdb
 * and every migration (1.5–2.5 s a test file), one started from the image does neither (about 0.4 s).
 * Built once per migrations' signature and PGlite version, by whichever test process gets there first,
 * into node_modules/.cache/test-pglite (each writer renames its own file into place); the others read it.
 */
const migratedImage = (): Promise<Blob> => {
  image ??= (async () => {
    const file = join(IMAGES, `${await migrationsSignature()}-pglite-${PGLITE_VERSION}.tar`)
    const cached = await readFile(file).catch(() => null)
    if (cached) return new Blob([cached])
    const handle = await openPglite('memory://')
    try {
      await migrateToLatest(handle.db)
      const dumped = await handle.dump()
      // kept for the next test processes if the cache can be written; this one goes on either way
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
      await mkdir(IMAGES, { recursive: true })
        .then(async () => writeFile(partial, Buffer.from(await dumped.arrayBuffer())))
        .then(() => rename(partial, file))
        .catch(() => {})
      return dumped
    } finally {
      await handle.close()
    }
  })()
  return image
}

/** Opens a migrated database for this test file and closes (and drops) it when the file ends. */
export const testDatabase = async (
  t: Test,
  options: { poolSize?: number; migrate?: boolean } = {},
): Promise<DatabaseHandle> => {
  const migrate = options.migrate ?? true
  if (!TEST_DATABASE_URL) {
    const handle = migrate
      ? await openPglite('memory://', false, await migratedImage())
      : await openPglite('memory://')
    t.teardown(() => handle.close())
    return handle
  }
  const name = `test_${randomBytes(6).toString('hex')}`
  await admin(
    TEST_DATABASE_URL,
    migrate
      ? `create database ${name} template ${await migratedTemplate(TEST_DATABASE_URL)}`
      : `create database ${name}`,
  )
  const url = withDatabase(TEST_DATABASE_URL, name)
  const handles: DatabaseHandle[] = []
  const open = () => {
    const h = openPostgres(url, options.poolSize ?? 10)
    handles.push(h)
    return h
  }
  const handle = open()
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
 * TEST_DATABASE_URL they are skipped *visibly*; under CI (any value but empty, 0 or false: CI
 * services set `true`, people type `1`) that is an error, never a skip.
 */
export const underCi = (value: string | undefined): boolean =>
  value !== undefined && !['', '0', 'false'].includes(value.trim().toLowerCase())

export const requirePostgres = (t: Test, what: string): boolean => {
  if (onPostgres) return true
  if (underCi(process.env['CI'])) {
    t.fail(`${what} needs PostgreSQL: set TEST_DATABASE_URL (CI must run it, not skip it)`)
    return false
  }
  t.comment(`SKIPPED: ${what} needs PostgreSQL (set TEST_DATABASE_URL to run it)`)
  t.test(what, { skip: 'needs PostgreSQL: TEST_DATABASE_URL is unset' }, async () => {})
  return false
}
