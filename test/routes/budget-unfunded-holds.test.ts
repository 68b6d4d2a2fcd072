// An unfunded outcome holds the one-time grants it would make (ruleset 1.6.0), as a standards award
// under review does: the same person-year claimed again is ALREADY_GRANTED naming the waiting
// decision, whether under the same budget or dated into another year's. Before, it claimed nothing:
// the second claim waited in the queue too (its amount due counted twice in the budget and the
// report), and dated into a year without a budget it was paid at once, ahead of the queue. A top-up
// funds the waiting decision, which then grants the year for good. On PGlite and PostgreSQL.

import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { bearer, ENTERPRISE_B } from '../helpers/fixtures.ts'
import { example, ledgerClient } from '../helpers/ledger-client.ts'

t.test('an unfunded talent reward holds its person-year until it is funded', async (t) => {
  const { app, keys, submit, outcome } = await ledgerClient(t)
  const finance = bearer(keys.finance)
  const talent = example('talent-iit-reward')
  const claim = (
    personId: string,
    applicationDate: string,
    creditCode = talent.enterprise.creditCode,
  ): Application => ({
    ...talent,
    applicationDate,
    enterprise: { ...talent.enterprise, creditCode },
    claims: { talents: talent.claims!.talents!.map((p) => ({ ...p, personId })) },
  })
  const budget = async () =>
    (await app.inject({ url: '/v1/budgets?year=2016', headers: bearer(keys.auditor) })).json().budgets[0] as {
      drawn: string
      queue: { count: number; amount: string }
    }

  const put = (amount: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/budgets/2016/talent-iit-reward',
      headers: finance,
      payload: { amount },
    })
  // 2016's budget: exactly the first reward (§19: the local retained share, 40 %, of 250 000.00)
  t.equal((await put('100000.00')).statusCode, 200)
  const first = await submit(claim('hold-1', '2016-04-01'))
  const paid = outcome(first, 'talent-iit-reward')
  t.match(paid, { status: 'eligible', amount: '100000.00' })

  const waiting = await submit(claim('hold-2', '2016-05-01'))
  t.match(outcome(waiting, 'talent-iit-reward'), { status: 'unfunded', amount: paid.amount })
  t.match(
    outcome(waiting, 'talent-iit-reward').ledger,
    [
      {
        kind: 'once',
        subject: { ledger: 'talent-award-year', personId: 'hold-2' },
        item: '2015',
        amount: null,
      },
    ],
    'it holds the person-year, without an amount',
  )
  t.match(await budget(), { queue: { count: 1, amount: paid.amount } })

  for (const [what, facts] of [
    ['again, under the same budget', claim('hold-2', '2016-06-01')],
    ['by another enterprise', claim('HOLD-2', '2016-06-02', ENTERPRISE_B)],
    ['dated into 2017, a year without a budget', claim('hold-2', '2017-03-01')],
  ] as const) {
    const again = outcome(await submit(facts), 'talent-iit-reward')
    t.match(again, { status: 'ineligible', amount: null }, `${what}: not paid, not queued`)
    t.match(
      again.reasons,
      [
        {
          code: 'ALREADY_CLAIMED',
          message: { en: /already claimed by a decision still awaiting its amount or its budget/ },
        },
      ],
      `${what}: claimed, not granted: nothing was paid yet`,
    )
    t.match(JSON.stringify(again), waiting.decisionId, `${what}: the reason names the waiting decision`)
  }
  t.match(await budget(), { queue: { count: 1, amount: paid.amount } }, 'one outcome waits, once')

  // the top-up funds it: the year is granted with its amount, for good
  const topUp = await put((Number(paid.amount) * 2).toFixed(2))
  t.equal(topUp.statusCode, 200)
  t.equal(topUp.json().funded.length, 1)
  const fundedBy = topUp.json().funded[0].decisionId as string
  const d = await app.inject({ url: `/v1/decisions/${fundedBy}`, headers: finance })
  t.match(
    d.json().evaluation.outcomes.find((o: { measure: string }) => o.measure === 'talent-iit-reward'),
    { status: 'eligible', amount: paid.amount, ledger: [{ item: '2015', amount: paid.amount }] },
  )
  t.match(await budget(), { queue: { count: 0 } })
  const verify = await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
