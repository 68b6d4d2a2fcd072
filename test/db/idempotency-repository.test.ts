import { sql } from 'kysely'
import t from 'tap'
import {
  ClaimLostError,
  claimKey,
  completeKey,
  purgeExpiredKeys,
  releaseKey,
  renewLease,
} from '../../src/db/idempotency-repository.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { testDatabase } from '../helpers/database.ts'

const newCaller = async (database: Awaited<ReturnType<typeof testDatabase>>) =>
  (await database.db.transaction().execute((trx) => createApiKey(trx, { role: 'finance' }, 'system'))).record
    .id

/** Ends the lease of every in-progress key, as if its process had died that long ago. */
const expireLeases = (database: Awaited<ReturnType<typeof testDatabase>>) =>
  sql`update idempotency_keys set lease_expires_at = now() - interval '1 second'`.execute(database.db)

t.test('claims, replays, expiry and purge', async (t) => {
  const database = await testDatabase(t)
  const caller = await newCaller(database)
  const first = await claimKey(database.db, caller, 'k', 'h1')
  t.equal(first.state, 'claimed')
  if (first.state !== 'claimed') return
  t.match(await claimKey(database.db, caller, 'k', 'h1'), { state: 'in-progress' })
  t.same(await claimKey(database.db, caller, 'k', 'h2'), { state: 'mismatch' })
  await completeKey(database.db, caller, 'k', first.token, 201, '{"a":1}')
  t.same(await claimKey(database.db, caller, 'k', 'h1'), { state: 'done', status: 201, body: '{"a":1}' })
  const kept = await sql<{ hours: string }>`
    select extract(epoch from expires_at - created_at) / 3600 as hours from idempotency_keys`.execute(
    database.db,
  )
  t.ok(Number(kept.rows[0]!.hours) >= 24, 'kept at least 24 hours')

  t.equal(await purgeExpiredKeys(database.db), 0, 'nothing expired yet')
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(database.db)
  const again = await claimKey(database.db, caller, 'k', 'h2')
  t.equal(again.state, 'claimed', 'an expired key is claimed afresh')
  if (again.state !== 'claimed') return
  await completeKey(database.db, caller, 'k', again.token, 201, '{}')
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(database.db)
  t.equal(await purgeExpiredKeys(database.db), 1)
  t.match(await claimKey(database.db, caller, 'k', 'h3'), { state: 'claimed' })
})

t.test('an in-progress key is a lease: a retry reclaims it only after the lease ran out', async (t) => {
  const database = await testDatabase(t)
  const caller = await newCaller(database)
  const crashed = await claimKey(database.db, caller, 'k', 'h1', 30)
  if (crashed.state !== 'claimed') return t.fail('first claim')
  const busy = await claimKey(database.db, caller, 'k', 'h1', 30)
  t.equal(busy.state, 'in-progress', 'within the lease: in progress')
  if (busy.state === 'in-progress') {
    t.ok(busy.retryAfterSeconds > 25 && busy.retryAfterSeconds <= 30, 'tells when the lease runs out')
  }

  // The process holding it "died": no renewal, the lease runs out.
  await expireLeases(database)
  t.same(await claimKey(database.db, caller, 'k', 'h2'), { state: 'mismatch' }, 'another body: still 422')
  const retry = await claimKey(database.db, caller, 'k', 'h1', 30)
  t.equal(retry.state, 'claimed', 'the same request reclaims the key')
  if (retry.state !== 'claimed') return
  t.not(retry.token, crashed.token, 'under a new claim token')

  // The first holder, if it was only slow, can neither renew nor complete: exactly once.
  t.equal(await renewLease(database.db, caller, 'k', crashed.token), false, 'the old claim cannot renew')
  await t.rejects(
    database.db
      .transaction()
      .execute((trx) => completeKey(trx, caller, 'k', crashed.token, 201, '{"old":1}')),
    ClaimLostError,
    'the old claim cannot complete',
  )
  await releaseKey(database.db, caller, 'k', crashed.token)
  t.match(await claimKey(database.db, caller, 'k', 'h1'), { state: 'in-progress' }, 'nor release it')

  t.equal(await renewLease(database.db, caller, 'k', retry.token, 30), true, 'the holder renews')
  await completeKey(database.db, caller, 'k', retry.token, 201, '{"new":1}')
  t.equal(await renewLease(database.db, caller, 'k', retry.token), false, 'a completed key is not renewed')
  await expireLeases(database)
  t.same(
    await claimKey(database.db, caller, 'k', 'h1'),
    { state: 'done', status: 201, body: '{"new":1}' },
    'a completed key is never reclaimed, whatever its lease',
  )
})

t.test('renewal keeps a live claim from being reclaimed', async (t) => {
  const database = await testDatabase(t)
  const caller = await newCaller(database)
  const claim = await claimKey(database.db, caller, 'k', 'h1', 2)
  if (claim.state !== 'claimed') return t.fail('claim')
  await expireLeases(database)
  t.equal(await renewLease(database.db, caller, 'k', claim.token, 30), true)
  t.match(
    await claimKey(database.db, caller, 'k', 'h1'),
    { state: 'in-progress' },
    'renewed: not reclaimable',
  )
})

t.test('released keys can be claimed at once', async (t) => {
  const database = await testDatabase(t)
  const caller = await newCaller(database)
  const claim = await claimKey(database.db, caller, 'k', 'h1')
  if (claim.state !== 'claimed') return t.fail('claim')
  await releaseKey(database.db, caller, 'k', claim.token)
  t.match(await claimKey(database.db, caller, 'k', 'h1'), { state: 'claimed' })
})

t.test('a reclaim waits for a completing transaction and then sees it done', async (t) => {
  const database = await testDatabase(t)
  if (database.kind !== 'postgres') {
    t.comment('PGlite has one connection: no concurrent transactions to order')
    return
  }
  const caller = await newCaller(database)
  const claim = await claimKey(database.db, caller, 'k', 'h1', 2)
  if (claim.state !== 'claimed') return t.fail('claim')
  await expireLeases(database)
  let reclaim: Promise<unknown> = Promise.resolve()
  await database.db.transaction().execute(async (trx) => {
    await completeKey(trx, caller, 'k', claim.token, 201, '{"a":1}')
    // The reclaim blocks on the row this transaction updated, then re-checks it: done.
    reclaim = claimKey(database.db, caller, 'k', 'h1')
    await new Promise((r) => setTimeout(r, 100))
  })
  t.same(await reclaim, { state: 'done', status: 201, body: '{"a":1}' })
})
