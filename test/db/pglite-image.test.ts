// A PGlite started from a data directory image (openPglite(…, image): what every PGlite test file
// does, test/helpers/database.ts) is the database it was dumped from. (That such a process exits once
// its PGlite is closed — PostgreSQL's 10 s statistics timer, a Node timer under PGlite, kept
// test/i18n/consequences.test.ts and trace.test.ts alive for their whole 300 s timeout before close()
// flushed the statistics — those two files show: I could not make a smaller case linger.)

import { sql } from 'kysely'
import t from 'tap'
import { openPglite } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'

t.test('started from an image: the same tables, rows and migrations', async (t) => {
  const source = await openPglite('memory://')
  await migrateToLatest(source.db)
  const shape = async (db: typeof source.db) =>
    (
      await sql<{ what: string }>`
        select string_agg(table_name || '.' || column_name, ' ' order by table_name, column_name) as what
        from information_schema.columns where table_schema = 'public'
        union all
        select string_agg(name, ' ' order by name) from kysely_migration`.execute(db)
    ).rows.map((r) => r.what)
  const expected = await shape(source.db)
  const image = await source.dump()
  await source.close()
  const copy = await openPglite('memory://', false, image)
  t.teardown(() => copy.close())
  t.same(await shape(copy.db), expected, 'every column of every table, every migration applied')
  t.ok(expected[1]?.includes('2026-12-07T1900-batch-xlsx-format'), 'the latest migration among them')
  await t.rejects(
    openPglite(t.testdir({}), false, image),
    /memory:\/\/ only/,
    'an image is loaded into memory only',
  )
})
