// A correction that lowers what its decision drew from a budget gives the money back to the budget,
// and the queue waiting on it is funded from it, in submission order, as after a top-up (POLICY.md
// §3). Before, the freed money stayed unused — the queue kept waiting and a new eligible application
// was queued behind it — until the bureau PUT the same amount again. On PGlite and PostgreSQL: the
// funding runs as the budget's funding job (in process on PGlite, pg-boss's runner otherwise).

import t from 'tap'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { until } from '../helpers/workers.ts'

interface Outcome {
  measure: string
  status: string
  amount: string | null
  reasons: { code: string }[]
}

t.test('a correction that draws less funds the queue in order', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const interest = (decision: { evaluation: { outcomes: Outcome[] } }) =>
    decision.evaluation.outcomes.find((o) => o.measure === 'interest-subsidy')!
  const submit = async (project: string, investment: string, date: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...finance, 'idempotency-key': crypto.randomUUID() },
      payload: deepProcessing(project, investment, date),
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? `${project} stored` : r.body)
    return r.json().decisions[0] as { id: string; evaluation: { outcomes: Outcome[] } }
  }
  const budget = async () => {
    const r = await app.inject({ url: '/v1/budgets?year=2016', headers: bearer(keys.auditor) })
    return r.json().budgets[0] as {
      drawn: string
      remaining: string
      queue: { count: number; amount: string }
      funding: { inProgress: boolean; toFund: number } | null
    }
  }

  const set = await app.inject({
    method: 'PUT',
    url: '/v1/budgets/2016/interest-subsidy',
    headers: finance,
    payload: { amount: '5000000.00' },
  })
  t.equal(set.statusCode, 200)
  // 6 % of the investment (§18): 3 000 000.00, then 3 000 000.00 and 600 000.00 that no longer fit
  const a = await submit('cf-a', '50000000.00', '2016-02-01')
  t.match(interest(a), { status: 'eligible', amount: '3000000.00' })
  const b = await submit('cf-b', '50000000.00', '2016-02-02')
  t.match(interest(b), { status: 'unfunded', amount: '3000000.00' })
  const c = await submit('cf-c', '10000000.00', '2016-02-03')
  t.match(interest(c), { status: 'unfunded', amount: '600000.00', reasons: [{ code: 'BUDGET_QUEUE' }] })
  t.match(await budget(), { drawn: '3000000.00', remaining: '2000000.00', queue: { count: 2 } })

  // A's investment was 10 000 000.00: it draws 600 000.00, and 4 400 000.00 is free for B then C.
  const corrected = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${a.id}/corrections`,
    headers: { ...finance, 'idempotency-key': crypto.randomUUID() },
    payload: { reason: 'investment misread', facts: deepProcessing('cf-a', '10000000.00', '2016-02-01') },
  })
  t.equal(corrected.statusCode, 201, corrected.body)
  t.match(interest(corrected.json().decisions.at(-1)), { status: 'eligible', amount: '600000.00' })

  await until('the queue funded by the job', async () => (await budget()).queue.count === 0, 20_000)
  t.match(
    await budget(),
    { drawn: '4200000.00', remaining: '800000.00', queue: { count: 0, amount: '0.00' } },
    'B and C paid from what A gave back',
  )
  for (const [queued, amount] of [
    [b, '3000000.00'],
    [c, '600000.00'],
  ] as const) {
    const d = await app.inject({ url: `/v1/decisions/${queued.id}`, headers: finance })
    const by = d.json().supersededBy as string
    t.ok(by, 'the queued decision superseded by its funding')
    const funding = await app.inject({ url: `/v1/decisions/${by}`, headers: finance })
    t.match(interest(funding.json()), { status: 'eligible', amount })
    t.match(funding.json().correctionReason, /budget/)
  }
  // and the next application is paid at once: nothing waits before it
  const e = await submit('cf-e', '10000000.00', '2016-02-05')
  t.match(interest(e), { status: 'eligible', amount: '600000.00' })

  const verify = await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
