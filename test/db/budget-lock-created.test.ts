// lockBudgets (src/db/budget-repository.ts) when the lock it waits for is held by the transaction that
// creates a prefecture's budget (POLICY.md §3 budget pools; README "Budgets": a prefecture's budget,
// when set, pays that prefecture's applications instead of the province-wide one). The creator holds
// the province-wide budget's row (lockWithProvince) and inserts the prefecture's; the decision's lock
// statement waits on the province row. Once the creator commits, the decision must see, and lock, the
// prefecture's budget: under READ COMMITTED a FOR UPDATE statement never sees rows inserted while it
// waited, so before the fix it returned the province-wide budget alone and the outcome was queued
// there, stranded beside the prefecture's unspent budget (test/decisions/budget-prefecture-race.test.ts
// finds it by chance; this one step by step). Needs two connections: PostgreSQL only.

import pg from 'pg'
import t from 'tap'
import { lockBudgets } from '../../src/db/budget-repository.ts'
import { type LedgerSubject, subjectKey } from '../../src/engine/ledgers.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { until } from '../helpers/workers.ts'

t.test('a prefecture budget created while the lock waited is locked and read', async (t) => {
  if (!requirePostgres(t, 'a budget lock waiting for the transaction that creates a budget')) return
  const database = await testDatabase(t)
  const province: LedgerSubject = {
    ledger: 'budget',
    year: 2015,
    measure: 'interest-subsidy',
    prefecture: null,
  }
  const qujing: LedgerSubject = { ...province, prefecture: 'qujing' }
  const creator = new pg.Client({ connectionString: database.location })
  await creator.connect()
  t.teardown(() => creator.end())
  // pg_stat_activity is read from another session: inside a transaction it is a frozen snapshot.
  const observer = new pg.Client({ connectionString: database.location })
  await observer.connect()
  t.teardown(() => observer.end())
  const insert = (s: LedgerSubject, cap: string) =>
    creator.query(
      `insert into ledger_subjects (ledger, key, subject, total, cap) values ('budget', $1, $2, 0, $3)`,
      [subjectKey(s), JSON.stringify(s), cap],
    )
  await insert(province, '60000.00')

  // The creator: the province-wide row locked, Qujing's budget inserted, not yet committed.
  await creator.query('begin')
  await creator.query(`select 1 from ledger_subjects where ledger = 'budget' and key = $1 for update`, [
    subjectKey(province),
  ])
  await insert(qujing, '300000.00')

  // The decision's locks, in their own transaction: they wait for the creator.
  const locked = database.db
    .transaction()
    .execute((trx) => lockBudgets(trx, [province, qujing], { storedApplicationId: null, supersededId: null }))
  const pid = (await creator.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
  await until(
    'the decision waiting for the creator',
    async () =>
      (
        await observer.query(
          `select 1 from pg_stat_activity where wait_event_type = 'Lock' and $1 = any(pg_blocking_pids(pid))`,
          [pid],
        )
      ).rows.length > 0,
    10_000,
  )
  await creator.query('commit')

  const budgets = await locked
  t.same(
    budgets.map((b) => [b.prefecture, b.amount]).sort(),
    [
      [null, '60000.00'],
      ['qujing', '300000.00'],
    ].sort(),
    'both budgets locked and read, Qujing’s own included',
  )
})
