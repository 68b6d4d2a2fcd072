// The frozen database of ruleset 1.0.0 (test/fixtures/ledger-v1.json, see test/fixtures/README.md),
// loaded into a fresh database at the migration it was dumped at: the starting point of every test
// of a migration on data that already exists.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Test } from 'tap'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { migrator } from '../../src/db/migrator.ts'
import { testDatabase } from './database.ts'

/** The migration the dump was made at. */
export const DUMPED_AT = '2026-11-29T1300-app-role'

export const legacyDump = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ledger-v1.json'), 'utf8'),
) as Record<string, Record<string, unknown>[]>

const TABLES = [
  'api_keys',
  'applications',
  'decisions',
  'decision_outcomes',
  'ledger_subjects',
  'ledger_once',
  'ledger_entries',
  'audit_log',
] as const

/** A database at DUMPED_AT holding the 1.0.0 data, its sequences and its audit head as dumped. */
export const legacyDatabase = async (t: Test): Promise<DatabaseHandle> => {
  const database = await testDatabase(t, { migrate: false })
  const to = await migrator(database.db).migrateTo(DUMPED_AT)
  if (to.error) throw to.error
  for (const table of TABLES) {
    const rows = legacyDump[table]!
    if (rows.length === 0) continue
    await sql`insert into ${sql.table(table)} overriding system value
              select * from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb)`.execute(
      database.db,
    )
  }
  for (const [table, column] of [
    ['applications', 'seq'],
    ['decisions', 'seq'],
    ['ledger_entries', 'id'],
  ] as const) {
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), (select max(${sql.ref(column)}) from ${sql.table(table)}))`.execute(
      database.db,
    )
  }
  const head = legacyDump['audit_head']![0] as { seq: string; hash: string }
  await sql`update audit_head set seq = ${head.seq}, hash = ${head.hash} where id = 1`.execute(database.db)
  return database
}
