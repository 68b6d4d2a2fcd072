// GET /v1/keys/current: every role reads its own key's record (never a secret or hash); no key is
// 401, a revoked key 401.

import t from 'tap'
import type { Caller } from '../../src/auth/api-keys.ts'
import { createApiKey, revokeApiKey } from '../../src/db/keys-repository.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, ENTERPRISE_A } from '../helpers/fixtures.ts'

const database = await testDatabase(t)
const app = await testApp(t, database)
const admin = await createApiKey(database.db, { role: 'admin', label: 'first admin' }, 'system')
const adminCaller: Caller = { keyId: admin.record.id, role: 'admin', enterprise: null }

t.test('each role reads its own record', async (t) => {
  const made = [
    admin,
    await createApiKey(database.db, { role: 'finance', label: '财政厅' }, adminCaller),
    await createApiKey(database.db, { role: 'auditor', label: 'audit office' }, adminCaller),
    await createApiKey(
      database.db,
      { role: 'enterprise', enterprise: ENTERPRISE_A, label: 'portal' },
      adminCaller,
    ),
  ]
  for (const { key, record } of made) {
    const r = await app.inject({ url: '/v1/keys/current', headers: bearer(key) })
    t.equal(r.statusCode, 200, record.role)
    t.same(r.json(), record, `${record.role}: its id, role, label and enterprise`)
    t.notMatch(r.body, /hash|secret/i, 'no secret material')
    t.equal(r.headers['cache-control'], 'no-store')
  }
})

t.test('no key, or a revoked one: 401', async (t) => {
  t.equal((await app.inject('/v1/keys/current')).statusCode, 401)
  const gone = await createApiKey(database.db, { role: 'auditor', label: 'gone' }, adminCaller)
  await database.db.transaction().execute((trx) => revokeApiKey(trx, gone.record.id, adminCaller))
  const r = await app.inject({ url: '/v1/keys/current', headers: bearer(gone.key) })
  t.equal(r.statusCode, 401)
  t.match(r.json(), { type: '/problems/unauthorized' })
})
