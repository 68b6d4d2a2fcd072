// A correction racing the top-up that funds the same waiting decision. Ten applications hold one
// platform each (§18 rd-platform-grant, once per platform per tier; ruleset 1.6.0: an unfunded
// outcome holds its one-time grant without an amount) in a spent budget's queue (§3 budget pools).
// Then, at once: the top-up that funds all ten, and a correction of each of the ten (the route that
// supersedes a decision, its grants given back first and decided again on the ledger as it stands).
// Each waiting decision is superseded once — by its funding or by its correction, the other one
// answering 409 or skipping it — every platform ends granted once with its amount, the budget is
// drawn to the fen of what current decisions pay, nothing waits while money remains, no 500.
// Repeated in four rounds on fresh platforms, the top-up sent later each round. Two API instances on PostgreSQL; one on PGlite.

import { sql } from 'kysely'
import t from 'tap'
import { callersOn, supersededTwice } from '../helpers/budgets.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, ENTERPRISE_A, ENTERPRISE_B, examplePlatformClaim } from '../helpers/fixtures.ts'
import { until } from '../helpers/workers.ts'

const HOLDERS = 10
const DELAYS = [0, 5, 20, 60] // ms between the corrections and the top-up, per round
const GRANT = 3_000_000_00n // national tier (§18), in fen
const fen = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`

t.test('a correction and the top-up funding the same held decision: superseded once', async (t) => {
  const first = await testDatabase(t, { poolSize: 10 })
  const { app, keys, finance } = await callersOn(t, first)
  const post = (i: number, url: string, payload: object) =>
    app(i).inject({
      method: 'POST',
      url,
      headers: { ...finance, 'idempotency-key': crypto.randomUUID() },
      payload,
    })
  const put = (i: number, amount: bigint) =>
    app(i).inject({
      method: 'PUT',
      url: '/v1/budgets/2015/rd-platform-grant',
      headers: finance,
      payload: { amount: fen(amount) },
    })
  const budget = async () =>
    (await app(0).inject({ url: '/v1/budgets?year=2015', headers: bearer(keys.auditor) })).json()
      .budgets[0] as {
      drawn: string
      remaining: string
      queue: { count: number }
      funding: { inProgress: boolean } | null
    }

  t.equal((await put(0, GRANT)).statusCode, 200)
  const spent = await post(0, '/v1/applications', examplePlatformClaim('race-spent', ENTERPRISE_A))
  t.equal(spent.statusCode, 201)
  let amount = GRANT
  for (let round = 1; round <= DELAYS.length; round++) {
    const held: string[] = []
    for (let i = 0; i < HOLDERS; i++) {
      const r = await post(
        i,
        '/v1/applications',
        examplePlatformClaim(`race-${round}-${i}`, i % 2 ? ENTERPRISE_B : ENTERPRISE_A),
      )
      t.equal(r.statusCode, 201)
      held.push(r.json().decisions[0].id)
    }
    t.match(
      await budget(),
      { remaining: '0.00', queue: { count: HOLDERS } },
      `round ${round}: ten holds wait`,
    )

    amount += BigInt(HOLDERS) * GRANT
    // The corrections first, the top-up a little later each round, so that both sides win some.
    const sent = held.map((id, i) =>
      post(i + 1, `/v1/decisions/${id}/corrections`, { reason: 'recheck the platform' }),
    )
    await new Promise((r) => setTimeout(r, DELAYS[round - 1]))
    const [topUp, ...corrections] = await Promise.all([put(round, amount), ...sent])
    t.equal(topUp!.statusCode, 200, `round ${round}: the top-up answers`)
    const statuses = corrections.map((r) => r.statusCode)
    t.ok(
      statuses.every((s) => s === 201 || s === 409),
      `round ${round}: each correction made or refused as already superseded (${statuses.join(' ')})`,
    )
    if (!statuses.every((s) => s === 201 || s === 409))
      t.comment(corrections.find((r) => r.statusCode !== 201 && r.statusCode !== 409)!.body)
    const funded = new Set(
      topUp!.json().funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId) as string[],
    )
    held.forEach((id, i) => {
      const corrected = corrections[i]!.statusCode === 201
      t.ok(corrected !== funded.has(id), `round ${round}: ${id} superseded by exactly one of them`)
    })
    await until(
      'the funding settled',
      async () => {
        const b = await budget()
        return !b.funding?.inProgress && b.queue.count === 0
      },
      20_000,
    )

    t.match(
      await budget(),
      { drawn: fen(amount), remaining: '0.00', queue: { count: 0 } },
      `round ${round}: every hold paid, the budget drawn to the fen`,
    )
    const once = await sql<{ key: string; amount: string | null; n: number }>`
      select lower(key) as key, max(amount)::text as amount, count(*)::int as n from ledger_once
      where ledger = 'rd-platform-grant' and lower(key) like ${`race-${round}-%`} group by lower(key)`.execute(
      first.db,
    )
    t.equal(once.rows.length, HOLDERS, `round ${round}: a ledger row per platform`)
    t.ok(
      once.rows.every((r) => r.n === 1 && r.amount === fen(GRANT)),
      `round ${round}: each platform granted once, with its amount`,
    )
  }
  const paid = await sql<{ sum: string }>`
    select coalesce(sum(o.amount), 0)::numeric(18, 2)::text as sum
    from decision_outcomes o join decisions d on d.id = o.decision_id
    where o.measure = 'rd-platform-grant' and o.status = 'eligible'
      and not exists (select 1 from decisions n where n.supersedes = d.id)`.execute(first.db)
  t.equal(paid.rows[0]!.sum, fen(amount), 'what current decisions pay equals what the budget drew')
  t.same(await supersededTwice(first), [], 'no decision superseded twice')
  const verify = await app(1).inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
