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
})
