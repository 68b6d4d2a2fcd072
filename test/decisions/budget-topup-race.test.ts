// Budget top-ups (POLICY.md §3 budget pools; PUT /v1/budgets) racing with new applications on two
// API instances: while 120 applications of 60 000.00 due each arrive on both instances, the 2015
// budget is raised three times, on alternating instances, from 3 000 000.00 to 4 800 000.00. Whatever
// the interleaving: the budget is never overspent (no answer ever shows drawn > amount, and at the
// end drawn equals what the current decisions pay); the queue order holds (in submission order, the
// applications paid are exactly the first 80 — a top-up funds the queue's head first, and a new
// application never overtakes one waiting); and no outcome is funded twice.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B, keysFor } from '../helpers/fixtures.ts'

const withEnterprise = (facts: Application, creditCode: string): Application => ({
  ...facts,
  enterprise: { ...facts.enterprise, creditCode },
})

const APPLICATIONS = 120
const DUE = 60_000_00n // fen: 6% of 1 000 000.00 (the interest subsidy of each project)
const TOP_UPS = ['3600000.00', '4200000.00', '4800000.00']
const PAID = 80 // 4 800 000.00 / 60 000.00

t.test('top-ups racing with applications on two instances: never overspent, queue order kept', async (t) => {
  if (!requirePostgres(t, 'budget top-ups racing with applications on two API instances')) return
  const first = await testDatabase(t, { poolSize: 10 })
  const apps = [await testApp(t, first), await testApp(t, secondPool(t, first, 10))]
  const keys = await keysFor(first)
  const put = (i: number, amount: string) =>
    apps[i % 2]!.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      headers: bearer(keys.finance),
      payload: { amount },
    })
  t.equal((await put(0, '3000000.00')).statusCode, 200)

  const applications = Array.from({ length: APPLICATIONS }, (_, i) =>
    apps[i % 2]!.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...bearer(keys.finance), 'idempotency-key': `race-${i}` },
      // Two enterprises draw the one province-wide budget, alternately.
      payload: withEnterprise(
        deepProcessing(`p-race-${i}`, '1000000.00'),
        i % 2 ? ENTERPRISE_B : ENTERPRISE_A,
      ),
    }),
  )
  // The top-ups, one after the other (each raises the last), while the applications are in flight.
  const topUps = (async () => {
    const answers = []
    for (const [i, amount] of TOP_UPS.entries()) {
      await new Promise((r) => setTimeout(r, 40 * (i + 1)))
      answers.push(await put(i + 1, amount))
    }
    return answers
  })()
  const [responses, raised] = await Promise.all([Promise.all(applications), topUps])
  t.same([...new Set(responses.map((r) => r.statusCode))], [201], 'every application answered 201')
  const funded = raised.reduce((n, r) => n + (r.json().funded?.length ?? 0), 0)
  t.ok(
    funded > 0,
    `the top-ups met a waiting queue and funded ${funded} outcomes from it (the race happened)`,
  )
  for (const r of raised) {
    t.equal(r.statusCode, 200, 'every top-up answered 200')
    const b = r.json().budget
    t.ok(
      BigInt(b.drawn.replace('.', '')) <= BigInt(b.amount.replace('.', '')),
      `drawn ${b.drawn} ≤ ${b.amount}`,
    )
  }

  // Every application's current decision (the correction, when a top-up funded it), in submission order.
  const rows = await sql<{ seq: string; status: string; amount: string; decisions: number }>`
    select a.seq::text as seq, o.status, o.amount::text as amount,
           (select count(*)::int from decisions x where x.application_id = a.id) as decisions
    from applications a
    join decisions d on d.application_id = a.id
      and not exists (select 1 from decisions n where n.supersedes = d.id)
    join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
    order by a.seq`.execute(first.db)
  t.equal(rows.rows.length, APPLICATIONS, 'one current decision per application')
  const statuses = rows.rows.map((r) => r.status)
  t.same(
    statuses,
    [...Array(PAID).fill('eligible'), ...Array(APPLICATIONS - PAID).fill('unfunded')],
    'paid: exactly the first 80 submitted; the rest wait, in order',
  )
  t.ok(
    rows.rows.every((r) => r.decisions <= 2),
    'no application decided more than twice (its decision, and at most one funding correction)',
  )
  const superseded = await sql<{ n: number; distinct: number }>`
    select count(*)::int as n, count(distinct supersedes)::int as distinct
    from decisions where supersedes is not null`.execute(first.db)
  t.equal(superseded.rows[0]!.n, superseded.rows[0]!.distinct, 'no decision superseded twice')

  const budget = (
    await apps[1]!.inject({ url: '/v1/budgets?year=2015', headers: bearer(keys.finance) })
  ).json().budgets[0]
  t.match(budget, {
    amount: '4800000.00',
    drawn: '4800000.00',
    remaining: '0.00',
    queue: { count: APPLICATIONS - PAID },
  })
  const paid = rows.rows
    .filter((r) => r.status === 'eligible')
    .reduce((sum, r) => sum + BigInt(r.amount.replace('.', '')), 0n)
  t.equal(paid, DUE * BigInt(PAID), 'what the current decisions pay is what the budget shows drawn')
  const ledger = await sql<{ total: string; journal: string }>`
    select s.total::text as total,
           (select coalesce(sum(e.amount), 0)::numeric(18, 2)::text from ledger_entries e
            where e.ledger = 'budget' and e.key = s.key) as journal
    from ledger_subjects s where s.ledger = 'budget'`.execute(first.db)
  t.same(ledger.rows, [{ total: '4800000.00', journal: '4800000.00' }], 'the budget equals its journal')

  const verify = await apps[0]!.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.equal(verify.json().valid, true, 'the audit chain verifies')
})
