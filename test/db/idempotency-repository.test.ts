// Idempotency keys: read back (findKey), purged, and claimed in the same statement as the decision
// they answer (store_decision, migration 2026-12-03T1545). Replaces the lease-based claim tests:
// there is no separate claim any more, so no claim can be lost, renewed or released; what stays is
// tested here through the route that stores (byte-identical replay, 422, the previous version's
// in-progress rows, and a failure mid-write leaving no key).

import { sql } from 'kysely'
import t from 'tap'
import { findKey, purgeExpiredKeys } from '../../src/db/idempotency-repository.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('keys', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const caller = (
    await sql<{ id: string }>`select id from api_keys where role = 'finance' limit 1`.execute(database.db)
  ).rows[0]!.id
  const post = (key: string, amount = '1000000.00', project = `p-${key}`) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': key },
      payload: deepProcessing(project, amount),
    })
  const count = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from applications`.execute(database.db)).rows[0]!.n)

  t.test('stored with the decision, read back, replayed, refused with another body', async (t) => {
    t.equal(await findKey(database.db, caller, 'k1'), null, 'no key yet')
    const first = await post('k1')
    t.equal(first.statusCode, 201)
    const stored = await findKey(database.db, caller, 'k1')
    // Migration 2026-12-03T1700: the key stores what the response shows, not its bytes.
    t.match(stored, {
      state: 'done',
      status: 201,
      replay: { decision: first.json().decisions[0].id, explain: 'summary', language: 'zh-CN' },
    })
    t.notOk(stored && 'body' in stored, 'no body stored')
    const before = await count()
    const again = await post('k1')
    t.equal(again.statusCode, 201)
    t.equal(again.body, first.body, 'rendered again, byte for byte')
    t.equal(await count(), before, 'stored once')
    t.equal((await post('k1', '2000000.00')).statusCode, 422, 'another body')
    t.equal(await count(), before)
    // A key answered before migration 2026-12-03T1700 holds its body: replayed as stored.
    await sql`update idempotency_keys set response_body = '{"answered":"before T1700"}', response_replay = null
              where key = 'k1'`.execute(database.db)
    t.equal((await post('k1')).body, '{"answered":"before T1700"}', 'a stored body is replayed as it is')
  })

  t.test(
    'a replay is rendered as the first answer: explained, in its language, not superseded',
    async (t) => {
      const send = (language: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/applications?explain=full',
          headers: { ...bearer(keys.finance), 'idempotency-key': 'k-full', 'accept-language': language },
          payload: deepProcessing('p-full', '3000000.00'),
        })
      const first = await send('en')
      t.equal(first.statusCode, 201)
      t.equal(first.headers['content-language'], 'en')
      const decisionId: string = first.json().decisions[0].id
      // Corrected since: the stored decision is superseded now, the first answer did not say so.
      const correction = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${decisionId}/corrections`,
        headers: { ...bearer(keys.finance), 'idempotency-key': 'k-full-correction' },
        payload: { reason: 'a test correction' },
      })
      t.equal(correction.statusCode, 201)
      const again = await send('zh-CN')
      t.equal(again.statusCode, 201)
      t.equal(again.body, first.body, 'the same bytes: English trace, supersededBy null')
      t.equal(again.headers['content-language'], 'en', "the first request's language")
      const retried = await app.inject({
        method: 'POST',
        url: `/v1/decisions/${decisionId}/corrections`,
        headers: { ...bearer(keys.finance), 'idempotency-key': 'k-full-correction' },
        payload: { reason: 'a test correction' },
      })
      t.equal(retried.statusCode, 201)
      t.equal(retried.body, correction.body, 'a correction replays byte for byte too')
    },
  )

  t.test('expired keys no longer count, and are purged', async (t) => {
    await sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = 'k1'`.execute(
      database.db,
    )
    t.equal(await findKey(database.db, caller, 'k1'), null, 'an expired key is not found')
    const fresh = await post('k1', '2000000.00', 'p-k1-again')
    t.equal(fresh.statusCode, 201, 'an expired key is taken over by a new request')
    await sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = 'k1'`.execute(
      database.db,
    )
    t.equal(await purgeExpiredKeys(database.db), 1)
    t.equal(await findKey(database.db, caller, 'k1'), null)
  })

  t.test('a failure mid-write leaves no key behind: the retry is decided, once', async (t) => {
    // A fault on the audit log: the last write of store_decision, after the key was claimed.
    await sql
      .raw(`create function fail_once() returns trigger language plpgsql as $$
        begin
          if not exists (select 1 from pg_class where relname = 'failed_once') then
            raise exception 'injected' using errcode = 'XX001';
          end if;
          return new;
        end $$`)
      .execute(database.db)
    await sql`create trigger audit_fault before insert on audit_log for each row execute function fail_once()`.execute(
      database.db,
    )
    const before = await count()
    t.equal((await post('crash')).statusCode, 500, 'the write fails')
    t.equal(await findKey(database.db, caller, 'crash'), null, 'the claim rolled back with the rest')
    t.equal(await count(), before, 'nothing stored')
    await sql`create table failed_once ()`.execute(database.db)
    const retry = await post('crash')
    t.equal(retry.statusCode, 201, 'the retry with the same key is decided at once, no lease to wait for')
    t.equal(await count(), before + 1)
    t.equal((await post('crash')).body, retry.body, 'and then replayed')
    await sql`drop trigger audit_fault on audit_log`.execute(database.db)
  })

  t.test('rows the previous version left in progress', async (t) => {
    const leftOver = (key: string, hash: string, lease: string) =>
      sql`insert into idempotency_keys (caller_key_id, key, request_hash, state, claim_token, lease_expires_at, expires_at)
          values (${caller}, ${key}, decode(${hash}, 'hex'), 'in-progress', gen_random_uuid(), now() + ${lease}::interval,
                  now() + interval '48 hours')`.execute(database.db)
    // The request hash of a body: what the first request stored for it (read off a done key).
    await post('probe', '1000000.00', 'p-legacy')
    const hash = (await findKey(database.db, caller, 'probe'))!.requestHash
    await leftOver('legacy-live', hash, '30 seconds')
    const busy = await post('legacy-live', '1000000.00', 'p-legacy')
    t.equal(busy.statusCode, 409, 'its lease still running: in progress')
    t.ok(Number(busy.headers['retry-after']) >= 1 && Number(busy.headers['retry-after']) <= 30)
    await leftOver('legacy-dead', hash, '-1 second')
    t.equal((await post('legacy-dead', '2000000.00', 'p-legacy')).statusCode, 422, 'another body: 422')
    const before = await count()
    const taken = await post('legacy-dead', '1000000.00', 'p-legacy')
    t.equal(taken.statusCode, 201, 'its lease run out: the same request takes it over')
    t.equal(await count(), before + 1)
    t.match(await findKey(database.db, caller, 'legacy-dead'), {
      state: 'done',
      replay: { explain: 'summary' },
    })
  })
})
