// The service's role holds no UPDATE, DELETE or TRUNCATE privilege on the append-only tables, and
// the service works as that role (DATABASE_ROLE).

import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { openPostgres } from '../../src/db/database.ts'
import { requirePostgres, TEST_DATABASE_URL, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('incentives_app may append but not alter', async (t) => {
  if (!requirePostgres(t, 'the service role (roles are a PostgreSQL server feature)')) return
  const owner = await testDatabase(t)
  const url = TEST_DATABASE_URL!.replace(/\/[^/?]*(\?.*)?$/, `/${owner.location.split('/').pop()}`)
  const service = openPostgres(url, 4, 'incentives_app')
  t.teardown(() => service.close())

  const keys = await keysFor(owner)
  const app = await buildApp({ database: service })
  t.teardown(() => app.close())
  const res = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': 'role-1' },
    payload: deepProcessing('p-role', '1000000.00'),
  })
  t.equal(res.statusCode, 201, 'the service decides and stores as incentives_app')
  const who = await sql<{ r: string }>`select current_user as r`.execute(service.db)
  t.equal(who.rows[0]!.r, 'incentives_app')

  // Even with the triggers out of the way (only the owner can do that), the role lacks the privilege.
  await sql`alter table audit_log disable trigger user`.execute(owner.db)
  t.teardown(() => sql`alter table audit_log enable trigger user`.execute(owner.db))
  for (const statement of [
    sql`update audit_log set action = 'x' where seq = 1`,
    sql`delete from audit_log where seq = 1`,
    sql`truncate audit_log`,
  ]) {
    await t.rejects(statement.execute(service.db), { code: '42501' }, 'permission denied')
  }
  await t.rejects(sql`update decisions set total_amount = 0`.execute(service.db), { code: '42501' })

  // Budgets (POLICY.md §3) work as the role too: set, drawn, unfunded and queued, funded by a top-up.
  const put = (amount: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/budgets/2016/interest-subsidy',
      headers: bearer(keys.finance),
      payload: { amount },
    })
  t.equal((await put('60000.00')).statusCode, 200, 'a budget is set as incentives_app')
  const statuses: string[] = []
  for (const i of [1, 2]) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': `role-budget-${i}` },
      payload: deepProcessing(`p-role-budget-${i}`, '1000000.00', '2016-03-01'),
    })
    t.equal(r.statusCode, 201)
    statuses.push(
      r
        .json()
        .decisions[0].evaluation.outcomes.find((o: { measure: string }) => o.measure === 'interest-subsidy')
        .status,
    )
  }
  t.same(statuses, ['eligible', 'unfunded'])
  const topUp = await put('120000.00')
  t.equal(topUp.statusCode, 200)
  t.equal(topUp.json().funded.length, 1, 'the top-up funds the queue as incentives_app')
  for (const statement of [
    sql`update budget_changes set amount = 0`,
    sql`delete from budget_queue`,
    sql`truncate budget_changes`,
  ]) {
    await t.rejects(statement.execute(service.db), { code: '42501' }, 'budget tables are append-only')
  }
})
