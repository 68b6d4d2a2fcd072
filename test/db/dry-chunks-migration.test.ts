// Migration 2026-12-07T2210 on a dry run under way: the claims its chunks kept a row each in
// batch_dry_claims become one row per chunk in batch_dry_chunks, in the same order, and read back
// (readDryClaims) as the chunks after will add them up; migrated down, the rows are the same again.

import { sql } from 'kysely'
import t from 'tap'
import { readDryClaims } from '../../src/db/dry-claims-repository.ts'
import { migrateToLatest, migrator } from '../../src/db/migrator.ts'
import { sealedBatch } from '../helpers/batches.ts'
import { testDatabase } from '../helpers/database.ts'
import { deepProcessing, keysWithFinanceId } from '../helpers/fixtures.ts'

const BEFORE = '2026-12-07T2200-batch-results-references'

t.test('a dry run under way keeps its claims across the migration, in order', async (t) => {
  const database = await testDatabase(t, { migrate: false })
  const to = await migrator(database.db).migrateTo(BEFORE)
  if (to.error) throw to.error
  const { financeKeyId } = await keysWithFinanceId(database)
  const id = await sealedBatch(database.db, {
    mode: 'dry-run',
    submittedBy: financeKeyId,
    facts: Array.from({ length: 6 }, (_, i) => deepProcessing(`p${i}`, '1000000.00')),
  })
  // Two chunks' claims as the service wrote them before (a row per claim, `seq` in row order), one
  // of every kind, the second chunk's inserted first.
  await sql`
    insert into batch_dry_claims (batch_id, from_row, seq, ledger, key, kind, amount, item, from_date, to_date,
                                  credit_code, queued)
    values (${id}, 3, 0, 'tax-days', 'e1', 'days', null, null, '2015-04-01', '2015-06-30', 'C1', null),
           (${id}, 3, 1, 'interest-subsidy', 'p', 'cumulative', 4600000.00, null, null, null, null, null),
           (${id}, 1, 0, 'rd-platform', 'nerc', 'once', 3000000.00, 'nerc', null, null, 'C1', null),
           (${id}, 1, 1, 'tax-days', 'e1', 'days', null, null, '2015-01-01', '2015-03-31', 'C1', null),
           (${id}, 1, 2, 'interest-subsidy', 'p', 'cumulative', 5400000.00, null, null, null, null, null),
           (${id}, 1, 3, 'budget', 'b2015', 'queued', null, null, null, null, null, 2)`.execute(database.db)
  const before = await sql`
    select * from batch_dry_claims order by from_row, seq`.execute(database.db)

  await migrateToLatest(database.db)
  const none = { item: null, from: null, to: null, creditCode: null, queued: null }
  const chunk1 = [
    {
      ledger: 'rd-platform',
      key: 'nerc',
      kind: 'once',
      amount: '3000000.00',
      ...none,
      item: 'nerc',
      creditCode: 'C1',
    },
    {
      ledger: 'tax-days',
      key: 'e1',
      kind: 'days',
      amount: null,
      ...none,
      from: '2015-01-01',
      to: '2015-03-31',
      creditCode: 'C1',
    },
    { ledger: 'interest-subsidy', key: 'p', kind: 'cumulative', amount: '5400000.00', ...none },
    { ledger: 'budget', key: 'b2015', kind: 'queued', amount: null, ...none, queued: 2 },
  ]
  const chunk3 = [
    {
      ledger: 'tax-days',
      key: 'e1',
      kind: 'days',
      amount: null,
      ...none,
      from: '2015-04-01',
      to: '2015-06-30',
      creditCode: 'C1',
    },
    { ledger: 'interest-subsidy', key: 'p', kind: 'cumulative', amount: '4600000.00', ...none },
  ]
  t.same(
    await readDryClaims(database.db, id, 3),
    chunk1,
    'the claims before row 3: the first chunk, in order',
  )
  t.same(
    await readDryClaims(database.db, id, 5),
    [...chunk1, ...chunk3],
    'before row 5: both chunks, in row order',
  )
  t.same(await readDryClaims(database.db, id, 1), [], 'before row 1: none')
  const chunks = await sql<{ from_row: number }>`
    select from_row from batch_dry_chunks where batch_id = ${id} order by from_row`.execute(database.db)
  t.same(chunks.rows, [{ from_row: 1 }, { from_row: 3 }], 'a row per chunk')

  const down = await migrator(database.db).migrateTo(BEFORE)
  if (down.error) throw down.error
  const after = await sql`select * from batch_dry_claims order by from_row, seq`.execute(database.db)
  t.same(after.rows, before.rows, 'migrated down: the same rows')
})
