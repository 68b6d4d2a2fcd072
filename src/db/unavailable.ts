// A database handle that has no database: for generating the OpenAPI document without starting
// PGlite, and for tests of the readiness probe. Every query fails.

import { Kysely, PostgresDialect } from 'kysely'
import type { DatabaseHandle } from './database.ts'
import type { Database } from './schema.ts'

export const unavailableDatabase = (): DatabaseHandle => {
  const refuse = async () => {
    throw new Error('no database')
  }
  const pool = { connect: refuse, end: async () => {} }
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as never }) }),
    kind: 'postgres',
    location: '(none)',
    ping: refuse,
    close: async () => {},
  }
}
