// Database faults answer 503 with Retry-After and an RFC 9457 body, never 500, never a crash:
// a refused connection, a backend terminated mid-request (57P01), a statement past
// statement_timeout (57014), rows locked past lock_timeout (55P03). Nothing of the failed request
// is stored, and the next request on the same pool succeeds.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { openPostgres } from '../../src/db/database.ts'
import { DatabaseUnavailableError, databaseUnavailable } from '../../src/db/faults.ts'
import { inTransaction } from '../../src/db/retry.ts'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, secondPool, TEST_DATABASE_URL, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const example = (name: string): Application =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', `${name}.json`), 'utf8'))
    .application

t.test('which errors mean "the database, not the request": 503', async (t) => {
  const cases: [string, unknown, string | null][] = [
    [
      'server refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'connection',
    ],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'connection'],
    ['pg_terminate_backend', { code: '57P01' }, 'connection'],
    ['crash shutdown', { code: '57P02' }, 'connection'],
    ['starting up', { code: '57P03' }, 'starting-or-stopping'],
    ['connection failure', { code: '08006' }, 'connection'],
    ['unable to connect', { code: '08001' }, 'connection'],
    ['statement_timeout', { code: '57014' }, 'statement-timeout'],
    ['lock_timeout', { code: '55P03' }, 'lock-timeout'],
    ['too many connections', { code: '53300' }, 'overloaded'],
    ['pool wait', new Error('timeout exceeded when trying to connect'), 'overloaded'],
    ['socket closed', new Error('Connection terminated unexpectedly'), 'connection'],
    [
      'broken client',
      new Error('Client has encountered a connection error and is not queryable'),
      'connection',
    ],
    ['closing pool', new Error('Cannot use a pool after calling end on the pool'), 'starting-or-stopping'],
    [
      'wrapped by pg-pool',
      new Error('Connection terminated due to connection timeout', { cause: new Error('x') }),
      'connection',
    ],
    ['in a cause', new Error('outer', { cause: { code: '57P01' } }), 'connection'],
    [
      'dual-stack connect',
      new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'connect'),
      'connection',
    ],
    ['a constraint violation is a bug', { code: '23514' }, null],
    ['a unique violation', { code: '23505' }, null],
    ['a syntax error', { code: '42601' }, null],
    ['a plain error', new Error('boom'), null],
    ['not an error', 'string', null],
  ]
  for (const [name, error, reason] of cases) {
    t.equal(databaseUnavailable(error)?.reason ?? null, reason, name)
  }
  const e = databaseUnavailable({ code: '57P03' })
  t.ok(e instanceof DatabaseUnavailableError)
  t.ok(e!.retryAfterSeconds >= 1)
})

t.test('an unreachable database: every route that needs it answers 503 with Retry-After', async (t) => {
  // Nothing listens on port 1: ECONNREFUSED on every connect.
  const database = openPostgres('postgres://postgres@127.0.0.1:1/none', 2)
  const app = await buildApp({ database })
  t.teardown(() => app.close())
  const requests = [
    { method: 'GET' as const, url: '/health/ready' },
    // the key is looked up in the database (the auth hook): 503, not 401 or 500
    {
      method: 'POST' as const,
      url: '/v1/applications',
      headers: { authorization: 'Bearer yik_0123456789abcdef_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
      payload: deepProcessing('p', '1000000.00'),
    },
  ]
  for (const request of requests) {
    const res = await app.inject({ ...request, headers: { ...request.headers, 'idempotency-key': 'k' } })
    t.equal(res.statusCode, 503, `${request.method} ${request.url}`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
    t.match(res.json(), { title: '服务暂不可用', status: 503, detail: String })
    t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/, 'no internals')
  }
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200, 'the process itself is fine')
})

t.test('faults on a live PostgreSQL', async (t) => {
  if (!requirePostgres(t, 'terminating backends and timeouts')) return
  const database = await testDatabase(t)
  const keys = await keysFor(database)
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! })
  await admin.connect()
  t.teardown(() => admin.end())
  const dbName = (await sql<{ d: string }>`select current_database() as d`.execute(database.db)).rows[0]!.d
  const count = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from applications`.execute(database.db)).rows[0]!.n)

  t.test('a backend terminated while its client is checked out does not crash the process', async (t) => {
    const pool = secondPool(t, database, 2)
    const failed = inTransaction(pool.db, async (trx) => {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid
      // Killed between two statements, while the JS side holds the client: pg emits 'error' on the
      // client itself, which crashes a process that has no listener for it.
      await admin.query('select pg_terminate_backend($1)', [pid])
      await new Promise((r) => setTimeout(r, 200))
      await sql`select 1`.execute(trx)
    })
    const error = await failed.catch((e: unknown) => e)
    t.ok(error instanceof DatabaseUnavailableError, `503-class error, got ${String(error)}`)
    await sql`select 1`.execute(pool.db)
    t.pass('the pool recovered: the next query runs on a fresh connection')
  })

  // Every ledger that pays, crashed mid-write and retried: the retry pays once, and the same thing
  // claimed again afterwards is refused — nothing of the killed request was recorded, nothing twice.
  const crashed: { name: string; facts: Application; measure: string; again: string }[] = [
    {
      name: 'interest subsidy',
      facts: deepProcessing('p-terminated', '200000000.00'),
      measure: 'interest-subsidy',
      again: 'CAP_REACHED',
    },
    {
      name: 'tax days (POLICY.md §5 example 3)',
      facts: example('emerging-project-tax-reward'),
      measure: 'emerging-project-tax-reward',
      again: 'ALREADY_REWARDED',
    },
    {
      name: 'R&D platform',
      facts: example('rd-platform-grant'),
      measure: 'rd-platform-grant',
      again: 'ALREADY_GRANTED',
    },
    {
      name: 'talent year',
      facts: example('talent-iit-reward'),
      measure: 'talent-iit-reward',
      again: 'ALREADY_REWARDED',
    },
  ]
  t.test('POST /v1/applications whose backend is terminated: 503, nothing stored, then 201', async (t) => {
    const app = await testApp(t, database)
    // The decision insert sleeps while the flag is set, so the request is surely in flight.
    await sql`create table slow (on_ boolean not null)`.execute(database.db)
    await sql`insert into slow values (false)`.execute(database.db)
    await sql
      .raw(`create function slow_insert() returns trigger language plpgsql as $$
        begin if (select on_ from slow) then perform pg_sleep(2); end if; return new; end $$`)
      .execute(database.db)
    await sql`create trigger decisions_slow before insert on decisions for each row execute function slow_insert()`.execute(
      database.db,
    )
    t.teardown(async () => {
      await sql`drop trigger decisions_slow on decisions`.execute(database.db)
    })
    for (const [n, c] of crashed.entries()) {
      await sql`update slow set on_ = true`.execute(database.db)
      const before = await count()
      const submit = (key = `terminated-${n}`) =>
        app.inject({
          method: 'POST',
          url: '/v1/applications',
          headers: { ...bearer(keys.finance), 'idempotency-key': key },
          payload: c.facts,
        })
      const pending = submit()
      // Wait until the request's backend sleeps in the trigger, then kill it: store_decision_checked
      // (the two-statement path) or store_decision (the locked one) is its statement. Active only: an
      // idle connection shows its last statement, and the two-statement path ends on that call.
      let killed = 0
      for (let i = 0; i < 100 && killed === 0; i++) {
        await new Promise((r) => setTimeout(r, 50))
        const r = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and backend_type = 'client backend' and state = 'active'
              and query like '%store_decision%'`,
          [dbName],
        )
        killed = r.rowCount ?? 0
      }
      t.equal(killed, 1, `${c.name}: the request’s backend was terminated mid-transaction`)
      const res = await pending
      t.equal(res.statusCode, 503, res.statusCode === 503 ? `${c.name}: 503` : res.body.slice(0, 300))
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.equal(res.headers['retry-after'], '1')
      t.match(res.json(), { type: '/problems/database-unavailable', code: 'connection', status: 503 })
      t.equal(await count(), before, 'nothing of it was stored')

      await sql`update slow set on_ = false`.execute(database.db)
      const ready = await app.inject({ method: 'GET', url: '/health/ready' })
      t.equal(ready.statusCode, 200)
      const retried = await submit()
      t.equal(
        retried.statusCode,
        201,
        'the retry with the same key succeeds: the key was released, the pool recovered',
      )
      const outcome = (r: typeof retried) =>
        r.json().decisions[0].evaluation.outcomes.find((o: { measure: string }) => o.measure === c.measure)
      t.match(outcome(retried), { status: 'eligible' }, `${c.name}: the retry is paid`)
      t.equal(await count(), before + 1)
      const again = await submit(`again-${n}`)
      t.match(
        outcome(again),
        { status: c.again === 'CAP_REACHED' ? 'capped' : 'ineligible', reasons: [{ code: c.again }] },
        `${c.name}: claimed again after the crash and the retry, it is refused (${c.again})`,
      )
    }
  })

  t.test('statement_timeout: 503, rolled back, key released', async (t) => {
    const pool = secondPool(t, database, 4, { statementTimeoutMs: 300 })
    const app = await buildApp({ database: pool })
    t.teardown(() => app.close())
    await sql
      .raw(`create or replace function slow_insert() returns trigger language plpgsql as $$
        begin perform pg_sleep(1); return new; end $$`)
      .execute(database.db)
    await sql`create trigger decisions_slow2 before insert on decisions for each row execute function slow_insert()`.execute(
      database.db,
    )
    const before = await count()
    const submit = () =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.finance), 'idempotency-key': 'slow' },
        payload: deepProcessing('p-slow', '1000000.00'),
      })
    const res = await submit()
    t.equal(res.statusCode, 503)
    t.equal(res.headers['retry-after'], '1')
    t.match(res.json(), { type: '/problems/database-unavailable', code: 'statement-timeout' })
    t.equal(await count(), before, 'nothing stored')
    await sql`drop trigger decisions_slow2 on decisions`.execute(database.db)
    t.equal((await submit()).statusCode, 201, 'the key was released: the retry succeeds')
  })

  t.test('lock_timeout on ledger rows held by another transaction: retried, then 503', async (t) => {
    const pool = secondPool(t, database, 4, { lockTimeoutMs: 100 })
    const app = await buildApp({ database: pool })
    t.teardown(() => app.close())
    const submit = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.finance), 'idempotency-key': key },
        payload: deepProcessing('p-locked', '1000000.00'),
      })
    t.equal((await submit('first')).statusCode, 201, 'the project’s ledger rows exist')
    const before = await count()
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL!.replace(/\/[^/]*$/, `/${dbName}`) })
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('begin')
    await holder.query('select * from ledger_subjects for update')
    const res = await submit('second')
    await holder.query('rollback')
    t.equal(res.statusCode, 503)
    t.ok(Number(res.headers['retry-after']) >= 1)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(await count(), before, 'nothing stored')
    t.equal((await submit('second')).statusCode, 201, 'once the lock is gone, the retry succeeds')
  })
})
