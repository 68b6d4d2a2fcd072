// The service's PostgreSQL sessions do not depend on the server's output formats
// (src/db/database.ts SESSION_SETTINGS), and keep the options DATABASE_URL gives. A database configured with DateStyle 'SQL, DMY' wrote
// timestamps as "06/12/2026 20:48:00 UTC": pg parsed them as null, the service failed to start
// ("Cannot read properties of null (reading 'toISOString')") and `npm run audit:verify` exited 2.

import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { openPostgres } from '../../src/db/database.ts'
import { queuePool } from '../../src/db/queue-connection.ts'
import { requirePostgres, secondPool, TEST_DATABASE_URL, testDatabase } from '../helpers/database.ts'

t.test('ISO dates whatever the database’s DateStyle', async (t) => {
  if (!requirePostgres(t, 'a database with its own DateStyle')) return
  const database = await testDatabase(t)
  const name = database.location.split('/').pop()!.split('?')[0]!
  await sql`alter database ${sql.id(name)} set datestyle = 'SQL, DMY'`.execute(database.db)
  await sql`alter database ${sql.id(name)} set intervalstyle = 'sql_standard'`.execute(database.db)

  // a plain session on that database sees the hostile setting: the test is not vacuous
  const url = new URL(TEST_DATABASE_URL!)
  url.pathname = `/${name}`
  const plain = new pg.Client({ connectionString: url.toString() })
  await plain.connect()
  t.teardown(() => plain.end())
  t.equal((await plain.query('show datestyle')).rows[0].DateStyle, 'SQL, DMY')

  const service = secondPool(t, database)
  const { rows } = await sql<{ style: string; at: Date; day: string; span: string }>`
    select current_setting('DateStyle') as style, now() as at, date '2015-06-01' as day,
           date '2015-06-01'::text as "dayText", interval '1 day 2 hours'::text as span`.execute(service.db)
  t.equal(rows[0]!.style, 'ISO, MDY', 'the service’s sessions write ISO')
  t.ok(rows[0]!.at instanceof Date && !Number.isNaN(rows[0]!.at.getTime()), 'a timestamp parses')
  t.equal(rows[0]!.day, '2015-06-01')
  t.equal((rows[0] as unknown as { dayText: string }).dayText, '2015-06-01', 'a date cast to text is ISO')
  t.equal(rows[0]!.span, '1 day 02:00:00', 'intervals in PostgreSQL style')

  // options in the URL (or PGOPTIONS) still apply: the settings are statements, not startup options
  const withOptions = new URL(url)
  withOptions.searchParams.set('options', '-c work_mem=5MB')
  const tuned = openPostgres(withOptions.toString(), 1)
  t.teardown(() => tuned.close())
  const settings = await sql<{ style: string; mem: string }>`
    select current_setting('DateStyle') as style, current_setting('work_mem') as mem`.execute(tuned.db)
  t.same(settings.rows, [{ style: 'ISO, MDY', mem: '5MB' }], 'ISO, and the URL’s options kept')

  const queue = queuePool(url.toString(), 'postgres', 1)
  t.teardown(() => queue.close())
  const q = await queue.executeSql(`select current_setting('DateStyle') as style`)
  t.same(q.rows, [{ style: 'ISO, MDY' }], 'the job queue’s sessions too')
})
