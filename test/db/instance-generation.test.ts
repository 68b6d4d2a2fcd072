// Migrations 2026-12-07T0400 and T1200: an instance older than the database's newest migration writes no decision
// and no ledger entry. Its request answers 503 (outdated-instance) with nothing of it kept — no
// application, no idempotency key held — and the same request succeeds once an instance of the
// database's generation serves it. An upgrade is simulated by recording a migration newer than this
// code knows; a newer session (one about to migrate) still writes. On PGlite and PostgreSQL.

import { sql } from 'kysely'
import t from 'tap'
import { connectionOf, SESSION_SETTINGS } from '../../src/db/database.ts'
import { APPLICATION_NAME, CODE_GENERATION } from '../../src/db/migrator.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const FUTURE = '9999-12-31T0000-a-later-version'

t.test('an instance older than the database writes nothing and says so', async (t) => {
  const database = await testDatabase(t, { poolSize: 1 })
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const db = database.db
  t.match(
    SESSION_SETTINGS,
    `set application_name = '${APPLICATION_NAME}'`,
    'every session says its generation, as its application_name (poolers carry it)',
  )
  t.equal(APPLICATION_NAME, `incentives@${CODE_GENERATION}`)
  t.same(
    connectionOf('postgres://app:p%40ss@db.example:5433/incentives?application_name=mine&sslmode=require'),
    {
      connectionString: 'postgres://app:p%40ss@db.example:5433/incentives?sslmode=require',
      application_name: APPLICATION_NAME,
    },
    'PostgreSQL pools send it at connection start, in place of a name DATABASE_URL gives',
  )
  t.match(CODE_GENERATION, /^\d{4}-\d{2}-\d{2}T\d{4}-/, 'the name of the newest migration')
  t.equal(
    (await sql<{ name: string }>`select current_setting('application_name') as name`.execute(db)).rows[0]!
      .name,
    APPLICATION_NAME,
    'the database sees it whole (not cut at 63 bytes)',
  )
  const count = async (table: 'applications' | 'decisions' | 'ledger_entries' | 'idempotency_keys') =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
    )
  const post = (key: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': key },
      payload: deepProcessing('gen-1', '120000000.00'),
    })

  // An upgrade ran a migration this code does not know.
  await sql`insert into kysely_migration (name, timestamp) values (${FUTURE}, ${new Date().toISOString()})`.execute(
    db,
  )
  const before = {
    applications: await count('applications'),
    decisions: await count('decisions'),
    ledger: await count('ledger_entries'),
    keys: await count('idempotency_keys'),
  }
  const refused = await post('gen-key-1')
  t.equal(refused.statusCode, 503, refused.body)
  t.equal(refused.headers['retry-after'], '30')
  t.match(refused.json(), { status: 503, code: 'outdated-instance', detail: /早于数据库已执行的迁移/ })
  t.same(
    {
      applications: await count('applications'),
      decisions: await count('decisions'),
      ledger: await count('ledger_entries'),
      keys: await count('idempotency_keys'),
    },
    before,
    'nothing of the refused request is kept: no application, decision, grant or idempotency key',
  )
  const read = await app.inject({ url: '/v1/applications', headers: bearer(keys.auditor) })
  t.equal(read.statusCode, 200, 'it still reads')

  // A session of the newer generation (the upgraded instance) writes; one that says none does not.
  await sql`set application_name = ${sql.lit(`incentives@${FUTURE}`)}`.execute(db)
  const served = await post('gen-key-1')
  t.equal(served.statusCode, 201, 'the same request, served by an instance of the database’s generation')
  t.equal(await count('decisions'), before.decisions + 1)
  for (const name of ['', 'psql', `other@${FUTURE}`, CODE_GENERATION]) {
    await sql`set application_name = ${sql.lit(name)}`.execute(db)
    await t.rejects(
      sql`insert into ledger_entries overriding system value select * from ledger_entries where false`.execute(
        db,
      ),
      { code: '55000', message: /^outdated instance: built for migration \(none\)/ },
      `a session named ${JSON.stringify(name)} (a version before this one, another program) inserts nothing, even no rows`,
    )
  }
  await sql`set application_name = ${sql.lit(APPLICATION_NAME)}`.execute(db)

  // Back to this code's generation once the later migration is gone (migrated down).
  await sql`delete from kysely_migration where name = ${FUTURE}`.execute(db)
  const again = await post('gen-key-2')
  t.equal(again.statusCode, 201, 'this generation writes again')
})
