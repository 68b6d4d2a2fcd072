// Runs the dated migrations in /migrations, the same files on PGlite and on PostgreSQL.
// Kysely's Migrator takes a lock (on PostgreSQL an advisory lock) so two instances starting at once
// do not migrate twice.

import { readdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely'

export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations')

const MIGRATION_FILE = /^\d{4}-\d{2}-\d{2}.*\.ts$/

/**
 * The name of the newest migration this code knows: its generation. Every session says it, as its
 * APPLICATION_NAME (src/db/database.ts SESSION_SETTINGS), and the database refuses decisions and
 * ledger entries from a session older than the newest migration it has run (migrations 2026-12-07T0400,
 * T1200).
 */
export const CODE_GENERATION: string = readdirSync(MIGRATIONS_DIR)
  .filter((f) => MIGRATION_FILE.test(f))
  .sort()
  .at(-1)!
  .replace(/\.ts$/, '')

/**
 * `incentives@<generation>`: what every session of the service calls itself. PostgreSQL cuts an
 * application_name at 63 bytes, and a cut generation would compare older than the database's and be
 * refused every write: a migration whose name makes it longer fails here, at start-up and in the tests.
 */
export const APPLICATION_NAME = `incentives@${CODE_GENERATION}`
if (Buffer.byteLength(APPLICATION_NAME) > 63)
  throw new Error(`the migration name ${CODE_GENERATION} is too long: "${APPLICATION_NAME}" exceeds 63 bytes`)

class DirectoryMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => MIGRATION_FILE.test(f)).sort()
    const migrations: Record<string, Migration> = {}
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = (await import(
        pathToFileURL(join(this.dir, file)).href
      )) as Migration
    }
    return migrations
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any schema
export const migrator = (db: Kysely<any>): Migrator =>
  new Migrator({ db, provider: new DirectoryMigrationProvider(MIGRATIONS_DIR) })

/** Migrates to the latest version; throws with the failing migration's name. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on any schema
export const migrateToLatest = async (db: Kysely<any>): Promise<MigrationResultSet> => {
  const result = await migrator(db).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const error = result.error instanceof Error ? result.error : new Error(String(result.error))
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${error.message}`, {
      cause: error,
    })
  }
  return result
}
