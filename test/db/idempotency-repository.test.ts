import { sql } from 'kysely'
import t from 'tap'
import { claimKey, completeKey, purgeExpiredKeys } from '../../src/db/idempotency-repository.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { testDatabase } from '../helpers/database.ts'

t.test('claims, replays, expiry and purge', async (t) => {
  const database = await testDatabase(t)
  const { record } = await database.db
    .transaction()
    .execute((trx) => createApiKey(trx, { role: 'finance' }, 'system'))
  const caller = record.id
  t.same(await claimKey(database.db, caller, 'k', 'h1'), { state: 'claimed' })
  t.same(await claimKey(database.db, caller, 'k', 'h1'), { state: 'in-progress' })
  t.same(await claimKey(database.db, caller, 'k', 'h2'), { state: 'mismatch' })
  await completeKey(database.db, caller, 'k', 201, '{"a":1}')
  t.same(await claimKey(database.db, caller, 'k', 'h1'), { state: 'done', status: 201, body: '{"a":1}' })
  const kept = await sql<{ hours: string }>`
    select extract(epoch from expires_at - created_at) / 3600 as hours from idempotency_keys`.execute(
    database.db,
  )
  t.ok(Number(kept.rows[0]!.hours) >= 24, 'kept at least 24 hours')

  t.equal(await purgeExpiredKeys(database.db), 0, 'nothing expired yet')
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(database.db)
  t.same(
    await claimKey(database.db, caller, 'k', 'h2'),
    { state: 'claimed' },
    'an expired key is claimed afresh',
  )
  await completeKey(database.db, caller, 'k', 201, '{}')
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(database.db)
  t.equal(await purgeExpiredKeys(database.db), 1)
  t.same(await claimKey(database.db, caller, 'k', 'h3'), { state: 'claimed' })
})
