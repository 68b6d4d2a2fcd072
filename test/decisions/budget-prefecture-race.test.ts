// A prefecture's budget created while its applications arrive (POLICY.md §3 budget pools; README
// "Budgets": a prefecture's budget, when set, pays that prefecture's applications instead of the
// province-wide one, and creating it while outcomes of its applications wait in the province-wide
// queue is 409). The province-wide budget is spent; Qujing applications by two enterprises and the
// PUT that creates Qujing's budget arrive at once, on two instances. Whichever wins, no Qujing outcome
// may be left waiting in the province-wide queue once Qujing has its own budget (it would be stranded:
// its prefecture's top-ups never see it), no budget is overspent, and the same PUT, sent again after
// the province-wide queue is funded, creates the budget. And the same correction sent at once with one
// Idempotency-Key to both instances is made once; with different keys, once and 409 for the rest.
// Before the fix (src/db/budget-repository.ts lockBudgets), an application whose lock statement waited
// for the PUT never saw the budget it created (READ COMMITTED: FOR UPDATE does not see rows inserted
// meanwhile) and queued province-wide beside Qujing's unspent budget: 16 stranded, in 3 runs of 3.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { callersOn, supersededTwice } from '../helpers/budgets.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B } from '../helpers/fixtures.ts'

const APPLICATIONS = 16
// ms from the applications to the PUT (negative: from the PUT to the applications), one per round
const DELAYS = [-12, -8, -6, -5, -4, -3, -2, -1, 0, 1, 2, 4]

const application = (creditCode: string, project: string): Application => ({
  ...deepProcessing(project, '1000000.00'), // §18: 60 000.00 due
  enterprise: { creditCode, name: `Enterprise ${creditCode.slice(-4)}` },
})

t.test('a prefecture budget created while its applications queue province-wide', async (t) => {
  const first = await testDatabase(t, { poolSize: 10 })
  const { app, keys, finance, put, submit } = await callersOn(t, first)
  /** Qujing outcomes still waiting in the province-wide queue, and whether Qujing has a budget. */
  const stranded = async (year: number) =>
    (
      await sql<{ n: number; budgets: number }>`
        select (select count(*)::int from budget_queue q where q.key like ${`%${year}%interest-subsidy%`}
                  and q.key not like '%qujing%'
                  and exists (select 1 from decisions d join applications a on a.id = d.application_id
                              where d.id = q.decision_id and a.facts::text like '%"qujing"%')) as n,
               (select count(*)::int from ledger_subjects s where s.ledger = 'budget'
                  and s.cap is not null and s.key like ${`%${year}%qujing%`}) as budgets`.execute(first.db)
    ).rows[0]!

  for (let round = 0; round < DELAYS.length; round++) {
    const year = 2015 + round
    const date = `${year}-06-01`
    // The province-wide budget: exactly one outcome, spent by the first application.
    t.equal((await put(0, year, '', '60000.00')).statusCode, 200)
    const spend = await submit(0, { ...application(ENTERPRISE_A, `r${round}-spend`), applicationDate: date })
    t.equal(spend.statusCode, 201)
    const wait = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
    const delay = DELAYS[round]!
    const [created, ...responses] = await Promise.all([
      wait(delay).then(() => put(round + 1, year, '/qujing', '300000.00')),
      ...Array.from({ length: APPLICATIONS }, (_, i) =>
        wait(-delay).then(() =>
          submit(i, {
            ...application(i % 2 ? ENTERPRISE_B : ENTERPRISE_A, `r${round}-${i}`),
            applicationDate: date,
          }),
        ),
      ),
    ])
    t.same(
      [...new Set(responses.map((r) => r.statusCode))],
      [201],
      `round ${round}: every application stored`,
    )
    t.ok(
      [200, 409].includes(created!.statusCode),
      `round ${round}: the prefecture budget created or refused (${created!.statusCode})`,
    )
    const s = await stranded(year)
    t.ok(
      s.budgets === 0 || s.n === 0,
      `round ${round}: no Qujing outcome waits province-wide once Qujing has a budget (${s.n} waiting, ${s.budgets} budget)`,
    )
    if (s.budgets > 0 && s.n > 0) {
      const list = await app(0).inject({ url: `/v1/budgets?year=${year}`, headers: finance })
      t.comment(JSON.stringify(list.json().budgets))
      t.comment(
        JSON.stringify(
          (await sql`select key, count(*) from budget_queue group by key`.execute(first.db)).rows,
        ),
      )
    }
    if (created!.statusCode === 409) {
      // Fund the province-wide queue first (the 409's advice), then the same PUT creates it.
      t.equal((await put(0, year, '', `${(60000 * (APPLICATIONS + 1)).toFixed(2)}`)).statusCode, 200)
      t.equal((await put(1, year, '/qujing', '300000.00')).statusCode, 200, `round ${round}: created after`)
    }
    const overdrawn = await sql`
      select key from ledger_subjects where ledger = 'budget' and total > cap`.execute(first.db)
    t.equal(overdrawn.rows.length, 0, `round ${round}: no budget overspent`)
  }

  // One correction, sent at once to both instances under one key: made once, answered the same.
  const target = (await submit(0, application(ENTERPRISE_A, 'dup-target'))).json().decisions[0].id as string
  const correct = (i: number, key: string) =>
    app(i).inject({
      method: 'POST',
      url: `/v1/decisions/${target}/corrections`,
      headers: { ...finance, 'idempotency-key': key },
      payload: { reason: 'recheck', facts: application(ENTERPRISE_A, 'dup-target') },
    })
  const same = await Promise.all(Array.from({ length: 12 }, (_, i) => correct(i, 'one-key')))
  t.same([...new Set(same.map((r) => r.statusCode))], [201], 'one key: every answer 201')
  t.equal(new Set(same.map((r) => r.body)).size, 1, 'one key: the same answer, byte for byte')
  const target2 = same[0]!.json().decisions.at(-1).id as string
  const different = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      app(i).inject({
        method: 'POST',
        url: `/v1/decisions/${target2}/corrections`,
        headers: { ...finance, 'idempotency-key': crypto.randomUUID() },
        payload: { reason: 'recheck again' },
      }),
    ),
  )
  t.same(
    different.map((r) => r.statusCode).sort(),
    [201, ...Array(11).fill(409)],
    'different keys: one correction made, the rest 409',
  )
  t.same(await supersededTwice(first), [], 'no decision superseded twice')
  const verify = await app(1).inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
