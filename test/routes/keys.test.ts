// API keys over HTTP: labels are text PostgreSQL can store; the last admin key stays.

import t from 'tap'
import { createApiKey, revokeApiKey } from '../../src/db/keys-repository.ts'
import { testApp } from '../helpers/app.ts'
import { onPostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer } from '../helpers/fixtures.ts'

const database = await testDatabase(t)
const app = await testApp(t, database)
const admin = await database.db
  .transaction()
  .execute((trx) => createApiKey(trx, { role: 'admin', label: 'first' }, 'system'))

t.test('a label with U+0000 or a lone surrogate: 400 naming it, nothing stored', async (t) => {
  for (const label of ['ops\u0000', 'ops \ud800']) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { ...bearer(admin.key), 'accept-language': 'en' },
      payload: { role: 'auditor', label },
    })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ pointer: '#/label', detail: /U\+0000 or a lone surrogate/ }])
  }
})

t.test('the last active admin key cannot be revoked: 409', async (t) => {
  const res = await app.inject({
    method: 'DELETE',
    url: `/v1/keys/${admin.record.id}`,
    headers: bearer(admin.key),
  })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { type: '/problems/last-admin-key', status: 409 })
  const again = await app.inject({ url: '/v1/keys', headers: bearer(admin.key) })
  t.equal(again.statusCode, 200, 'the key still works')

  const second = await database.db
    .transaction()
    .execute((trx) => createApiKey(trx, { role: 'admin', label: 'second' }, 'system'))
  const revoked = await app.inject({
    method: 'DELETE',
    url: `/v1/keys/${second.record.id}`,
    headers: bearer(admin.key),
  })
  t.equal(revoked.statusCode, 200, 'with another admin key active, one can go')
  t.ok(revoked.json().revokedAt)
})

t.test(
  'two concurrent revocations of the last two admin keys: exactly one succeeds',
  { skip: !onPostgres && 'needs PostgreSQL (two connections)' },
  async (t) => {
    const other = secondPool(t, database)
    for (let round = 0; round < 10; round++) {
      const make = (label: string) =>
        database.db.transaction().execute((trx) => createApiKey(trx, { role: 'admin', label }, 'system'))
      // Leave exactly two active admin keys: x and y.
      const [x, y] = [await make(`x${round}`), await make(`y${round}`)]
      const active = await database.db
        .selectFrom('api_keys')
        .select('id')
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .execute()
      for (const k of active) {
        if (k.id !== x.record.id && k.id !== y.record.id) {
          await database.db
            .transaction()
            .execute((trx) =>
              revokeApiKey(trx, k.id, { keyId: x.record.id, role: 'admin', enterprise: null }),
            )
        }
      }
      const results = await Promise.allSettled([
        database.db
          .transaction()
          .execute((trx) =>
            revokeApiKey(trx, x.record.id, { keyId: y.record.id, role: 'admin', enterprise: null }),
          ),
        other.db
          .transaction()
          .execute((trx) =>
            revokeApiKey(trx, y.record.id, { keyId: x.record.id, role: 'admin', enterprise: null }),
          ),
      ])
      t.same(
        results.map((r) => r.status).sort(),
        ['fulfilled', 'rejected'],
        `round ${round}: one revocation wins`,
      )
      const left = await database.db
        .selectFrom('api_keys')
        .select('id')
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .execute()
      t.equal(left.length, 1, 'one admin key is left')
    }
  },
)

t.test('GET /v1/keys/{id}: who a key is, for auditors, finance and admins; never its secret', async (t) => {
  const make = (role: 'auditor' | 'finance' | 'enterprise' | 'admin', label: string, enterprise?: string) =>
    database.db
      .transaction()
      .execute((trx) => createApiKey(trx, { role, label, enterprise: enterprise ?? null }, 'system'))
  const auditor = await make('auditor', 'audit office')
  const finance = await make('finance', 'finance bureau')
  const portal = await make('enterprise', 'Qujing portal', '91530300MA6K5A1B2G')
  // A fresh admin key: the tests before may have revoked the first one.
  const keyAdmin = await make('admin', 'key admin')
  for (const reader of [auditor, finance, keyAdmin]) {
    const res = await app.inject({ url: `/v1/keys/${portal.record.id}`, headers: bearer(reader.key) })
    t.equal(res.statusCode, 200, `readable with a ${reader.record.role} key`)
    t.same(res.json(), {
      id: portal.record.id,
      label: 'Qujing portal',
      role: 'enterprise',
      enterprise: '91530300MA6K5A1B2G',
      createdAt: portal.record.createdAt,
      revokedAt: null,
    })
    t.notOk(res.body.includes(portal.record.prefix), 'neither prefix nor hash nor key')
  }
  t.equal(
    (await app.inject({ url: `/v1/keys/${auditor.record.id}`, headers: bearer(portal.key) })).statusCode,
    403,
    'an enterprise key may not',
  )
  t.equal((await app.inject({ url: `/v1/keys/${auditor.record.id}` })).statusCode, 401, 'no key: 401')
  const missing = await app.inject({ url: `/v1/keys/${crypto.randomUUID()}`, headers: bearer(auditor.key) })
  t.equal(missing.statusCode, 404)
  t.equal(
    (await app.inject({ url: '/v1/keys/not-a-uuid', headers: bearer(auditor.key) })).statusCode,
    400,
    'a malformed id: 400',
  )
  await revokeApiKey(database.db, finance.record.id, {
    keyId: keyAdmin.record.id,
    role: 'admin',
    enterprise: null,
  })
  const revoked = await app.inject({ url: `/v1/keys/${finance.record.id}`, headers: bearer(auditor.key) })
  t.match(revoked.json(), { role: 'finance', label: 'finance bureau', revokedAt: String })
})

t.test('a key created: 201 with Location, where its record is read', async (t) => {
  // its own admin key: the tests above revoke theirs
  const own = await database.db
    .transaction()
    .execute((trx) => createApiKey(trx, { role: 'admin', label: 'location' }, 'system'))
  const res = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: bearer(own.key),
    payload: { role: 'auditor', label: 'located' },
  })
  t.equal(res.statusCode, 201)
  const id = res.json().apiKey.id as string
  t.equal(res.headers['location'], `/v1/keys/${id}`)
  const read = await app.inject({ url: res.headers['location'] as string, headers: bearer(own.key) })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { id, role: 'auditor', label: 'located' })
  t.notOk('key' in read.json(), 'never the secret')
})
