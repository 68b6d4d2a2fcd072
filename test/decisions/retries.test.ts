// Transactions that lose a race are retried inside the service; a client never sees a
// serialization failure or a deadlock as a 500. Faults are injected in the database itself: a
// trigger on decisions raises SQLSTATE 40001 / 40P01 for the first N inserts.

import { sql } from 'kysely'
import t from 'tap'
import { inTransaction, isRetryable, TransientDatabaseError } from '../../src/db/retry.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('which errors are retried', async (t) => {
  t.ok(isRetryable({ code: '40001' }), 'serialization failure')
  t.ok(isRetryable({ code: '40P01' }), 'deadlock')
  t.ok(isRetryable({ code: '23505', constraint: 'ledger_once_pkey' }), 'a one-time grant taken first')
  t.notOk(isRetryable({ code: '23505', constraint: 'decisions_supersedes_key' }))
  t.notOk(isRetryable({ code: '23514' }), 'a CHECK violation is a bug, not a race')
  t.notOk(isRetryable(new Error('x')))
})

t.test('faults injected in the database', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  await sql`create table fault (remaining integer not null, sqlstate text not null)`.execute(database.db)
  await sql`insert into fault values (0, '40001')`.execute(database.db)
  // Attempts are counted in a sequence, which the failing transaction's rollback does not undo.
  await sql`create sequence attempts`.execute(database.db)
  await sql
    .raw(`create function inject_fault() returns trigger language plpgsql as $$
      declare f record;
      begin
        perform nextval('attempts');
        select remaining, sqlstate into f from fault;
        if f.remaining >= currval('attempts') then raise exception 'injected fault' using errcode = f.sqlstate; end if;
        return new;
      end $$`)
    .execute(database.db)
  await sql`create trigger decisions_fault before insert on decisions for each row execute function inject_fault()`.execute(
    database.db,
  )
  const count = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from applications`.execute(database.db)).rows[0]!.n)
  const arm = async (failures: number, sqlstate: string) => {
    await sql`update fault set remaining = ${failures}, sqlstate = ${sqlstate}`.execute(database.db)
    await sql`select setval('attempts', 1, false)`.execute(database.db)
  }
  const submit = (key: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': key },
      payload: deepProcessing(`p-${key}`, '1000000.00'),
    })

  await arm(2, '40001')
  const retried = await submit('two-serialization-failures')
  t.equal(retried.statusCode, 201, 'two serialization failures, then success: 201')
  t.equal(await count(), 1)

  await arm(3, '40P01')
  t.equal((await submit('three-deadlocks')).statusCode, 201, 'three deadlocks, then success: 201')
  t.equal(await count(), 2)

  await arm(1000, '40001')
  const exhausted = await submit('always-failing')
  t.equal(exhausted.statusCode, 503, 'still failing after the bounded retries: 503')
  t.equal(exhausted.headers['retry-after'], '1')
  t.match(exhausted.headers['content-type'], /application\/problem\+json/)
  t.equal(await count(), 2, 'nothing stored')
  await arm(0, '40001')
  t.equal(
    (await submit('always-failing')).statusCode,
    201,
    'the idempotency key was released: the retry succeeds',
  )
})

t.test('inTransaction gives up after the bound', async (t) => {
  const database = await testDatabase(t)
  let calls = 0
  await t.rejects(
    inTransaction(
      database.db,
      async () => {
        calls++
        throw Object.assign(new Error('race'), { code: '40001' })
      },
      3,
    ),
    TransientDatabaseError,
  )
  t.equal(calls, 3)
})
