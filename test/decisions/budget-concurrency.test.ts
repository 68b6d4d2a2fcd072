// A budget pool (POLICY.md §3) under concurrency, on two API instances (two apps on separate pools
// of one PostgreSQL database): 200 applications of 60 000.00 due each against a budget of
// 6 000 000.00 — exactly 100 are paid and 100 unfunded whatever the interleaving, the budget is never
// overdrawn, and the paid ones are the first 100 submitted (the application sequence is taken under
// the budget's lock, so it is the order in which they drew). Then the same top-up is sent to both
// instances at once: the queue's first 50 are funded once, in order, and nothing twice.

import { sql } from 'kysely'
import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const APPLICATIONS = 200

t.test('a budget is never overdrawn, and is drawn in submission order, on two instances', async (t) => {
  if (!requirePostgres(t, 'a budget drawn by concurrent applications on two API instances')) return
  const first = await testDatabase(t, { poolSize: 10 })
  const second = secondPool(t, first, 10)
  const logger = process.env['TEST_LOG']
    ? pino({ level: process.env['TEST_LOG'] }, pino.destination(2))
    : undefined
  const apps = [
    await buildApp({ database: first, ...(logger ? { logger } : {}) }),
    await buildApp({ database: second, ...(logger ? { logger } : {}) }),
  ]
  t.teardown(async () => {
    for (const a of apps) await a.close()
  })
  const keys = await keysFor(first)
  const put = (i: number, amount: string) =>
    apps[i % 2]!.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      headers: bearer(keys.finance),
      payload: { amount },
    })

  t.equal((await put(0, '6000000.00')).statusCode, 200)

  // 6% of 1 000 000.00 = 60 000.00 each, on projects of their own: only the budget is shared.
  const responses = await Promise.all(
    Array.from({ length: APPLICATIONS }, (_, i) =>
      apps[i % 2]!.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(i % 3 === 0 ? keys.finance : keys.enterpriseA), 'idempotency-key': `b-${i}` },
        payload: deepProcessing(`p-budget-${i}`, '1000000.00'),
      }),
    ),
  )
  const statuses = [...new Set(responses.map((r) => r.statusCode))]
  t.same(statuses, [201], 'every request answered 201 (no 500, no 503)')
  if (statuses.some((s) => s !== 201)) t.comment(responses.find((r) => r.statusCode !== 201)!.body)

  const rows = await sql<{ seq: string; decision_id: string; status: string; amount: string }>`
    select a.seq, d.id as decision_id, o.status, o.amount::text as amount
    from applications a join decisions d on d.application_id = a.id
    join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
    order by a.seq`.execute(first.db)
  const paid = rows.rows.filter((r) => r.status === 'eligible')
  const unfunded = rows.rows.filter((r) => r.status === 'unfunded')
  t.equal(paid.length, 100, 'exactly 100 paid')
  t.equal(unfunded.length, 100, 'the other 100 unfunded')
  t.ok(
    unfunded.every((r) => r.amount === '60000.00'),
    'every unfunded outcome shows its amount due',
  )
  t.ok(
    Math.max(...paid.map((r) => Number(r.seq))) < Math.min(...unfunded.map((r) => Number(r.seq))),
    'the paid ones are the first 100 submitted: none overtook',
  )

  const budget = async () =>
    (
      await apps[0]!.inject({ method: 'GET', url: '/v1/budgets?year=2015', headers: bearer(keys.auditor) })
    ).json().budgets[0]
  t.match(await budget(), {
    amount: '6000000.00',
    drawn: '6000000.00',
    remaining: '0.00',
    queue: { count: 100, amount: '6000000.00' },
  })

  // The same top-up (+ 3 000 000.00: 50 more) on both instances at once.
  const [a, b] = await Promise.all([put(0, '9000000.00'), put(1, '9000000.00')])
  t.equal(a.statusCode, 200)
  t.equal(b.statusCode, 200)
  const funded = [...a.json().funded, ...b.json().funded].map(
    (f: { supersededDecisionId: string }) => f.supersededDecisionId,
  )
  t.equal(funded.length, 50, '50 funded in all')
  t.equal(new Set(funded).size, 50, 'none twice')
  t.ok(
    a.json().funded.length === 0 || b.json().funded.length === 0,
    'one top-up funded the queue, the other found nothing left to fund',
  )
  t.same(
    [...funded].sort(),
    unfunded
      .slice(0, 50)
      .map((r) => r.decision_id)
      .sort(),
    'the first 50 of the queue, in submission order',
  )
  t.match(await budget(), {
    amount: '9000000.00',
    drawn: '9000000.00',
    remaining: '0.00',
    queue: { count: 50, amount: '3000000.00' },
  })
  const current = await sql<{ sum: string; superseded: number }>`
    select coalesce(sum(o.amount) filter (where o.status = 'eligible'), 0)::numeric(18, 2)::text as sum,
           (select count(*)::int from decisions where supersedes is not null) as superseded
    from decision_outcomes o join decisions d on d.id = o.decision_id
    where o.measure = 'interest-subsidy' and not exists (select 1 from decisions n where n.supersedes = d.id)`.execute(
    first.db,
  )
  t.equal(current.rows[0]!.sum, '9000000.00', 'what current decisions pay equals what the budget shows drawn')
  t.equal(current.rows[0]!.superseded, 50, 'exactly 50 corrections stored')
})
