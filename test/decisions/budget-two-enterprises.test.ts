// Budgets drawn by two enterprises (POLICY.md §3 budget pools: approvals draw in submission order;
// once spent, eligible outcomes are `unfunded`), concurrently, from two API instances on PostgreSQL
// (one on PGlite). Qujing's prefecture budget (it pays Qujing's applications, and only them) and the
// province-wide budget (which pays Kunming's) are drawn at once by enterprises A and B, each through
// its own enterprise key, with the same project labels (rulings "Whose ledger": ledger keys are
// (credit code, project id), so A's "p-1" is not B's). Neither budget is overspent; each is paid in
// submission order whoever submitted; top-ups of both, sent to both instances at once, fund each
// queue in submission order — never the other budget's queue, nothing twice — and what the current
// decisions pay per budget equals what it drew.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { callersOn, supersededTwice } from '../helpers/budgets.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, ENTERPRISE_B } from '../helpers/fixtures.ts'

const PER_ENTERPRISE = 30 // in each prefecture
const DUE = '60000.00' // §18: 6 % of 1 000 000.00

const application = (creditCode: string, prefecture: 'qujing' | 'kunming', project: string): Application => {
  const facts = deepProcessing(project, '1000000.00')
  return {
    ...facts,
    enterprise: { creditCode, name: `Enterprise ${creditCode.slice(-4)}` },
    project: { ...facts.project!, prefecture, inCentralYunnanZone: prefecture === 'kunming' },
  }
}

t.test('two enterprises draw two budgets at once: in order, never overspent', async (t) => {
  const first = await testDatabase(t, { poolSize: 10 })
  const { apps, app, keys, put: putIn, submit } = await callersOn(t, first)
  const put = (i: number, path: string, amount: string) => putIn(i, 2015, path, amount)
  const budgets = async () => {
    const list = (await app(1).inject({ url: '/v1/budgets?year=2015', headers: bearer(keys.auditor) })).json()
      .budgets as { prefecture: string | null; drawn: string; remaining: string; queue: { count: number } }[]
    return {
      province: list.find((b) => b.prefecture === null)!,
      qujing: list.find((b) => b.prefecture === 'qujing')!,
    }
  }
  /** Every current interest-subsidy outcome of a prefecture, in submission (application) order. */
  const rows = async (prefecture: string) =>
    (
      await sql<{ seq: string; decision: string; credit_code: string; status: string; amount: string }>`
        select a.seq::text as seq, d.id as decision, a.enterprise_credit_code as credit_code,
               o.status, o.amount::text as amount
        from applications a join decisions d on d.application_id = a.id
          and not exists (select 1 from decisions n where n.supersedes = d.id)
        join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
        where a.facts->'project'->>'prefecture' = ${prefecture}
        order by a.seq`.execute(first.db)
    ).rows

  // §3: Qujing's own budget pays 20 outcomes; the province-wide one (Kunming's) pays 10.
  t.equal((await put(0, '/qujing', '1200000.00')).statusCode, 200)
  t.equal((await put(1, '', '600000.00')).statusCode, 200)

  // A and B at once, in both prefectures, on every instance, with the same project labels.
  const storm = Array.from({ length: 4 * PER_ENTERPRISE }, (_, i) =>
    application(
      i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B,
      i % 4 < 2 ? 'qujing' : 'kunming',
      `p-${Math.floor(i / 4)}`,
    ),
  )
  const responses = await Promise.all(storm.map((facts, i) => submit(i, facts)))
  const statuses = [...new Set(responses.map((r) => r.statusCode))]
  t.same(statuses, [201], 'every request answered 201 (no 500, no 503, no 409)')
  if (statuses.some((s) => s !== 201)) t.comment(responses.find((r) => r.statusCode !== 201)!.body)

  for (const [prefecture, paidCount] of [
    ['qujing', 20],
    ['kunming', 10],
  ] as const) {
    const all = await rows(prefecture)
    t.equal(all.length, 2 * PER_ENTERPRISE, `${prefecture}: every application decided once`)
    const paid = all.filter((r) => r.status === 'eligible')
    const waiting = all.filter((r) => r.status === 'unfunded')
    t.equal(paid.length, paidCount, `${prefecture}: exactly ${paidCount} paid`)
    t.equal(waiting.length, all.length - paidCount, `${prefecture}: the others unfunded`)
    t.ok(
      [...paid, ...waiting].every((r) => r.amount === DUE),
      `${prefecture}: each shows ${DUE}, paid or due`,
    )
    t.same(
      all.map((r) => r.status),
      [...paid.map(() => 'eligible'), ...waiting.map(() => 'unfunded')],
      `${prefecture}: paid in submission order, whichever enterprise submitted`,
    )
    t.same(
      new Set(all.map((r) => r.credit_code)),
      new Set([ENTERPRISE_A, ENTERPRISE_B]),
      `${prefecture}: both enterprises drew it`,
    )
  }
  t.match(await budgets(), {
    qujing: { drawn: '1200000.00', remaining: '0.00', queue: { count: 40 } },
    province: { drawn: '600000.00', remaining: '0.00', queue: { count: 50 } },
  })

  // Two more, one by each enterprise, in a known order: they queue last.
  const late = []
  for (const creditCode of [ENTERPRISE_B, ENTERPRISE_A]) {
    const r = await submit(late.length, application(creditCode, 'qujing', 'late'))
    t.equal(r.statusCode, 201)
    late.push(r.json().decisions[0].id as string)
  }
  const queued = (await rows('qujing')).filter((r) => r.status === 'unfunded').map((r) => r.decision)
  t.same(queued.slice(-2), late, 'the late ones wait at the end of the queue, B before A')

  const provinceQueued = (await rows('kunming')).filter((r) => r.status === 'unfunded').map((r) => r.decision)
  // Both budgets topped up at once, each on every instance: Qujing + 20, the province + 25.
  const topUps = await Promise.all(
    apps.flatMap((_, i) => [put(i, '/qujing', '2400000.00'), put(i + 1, '', '2100000.00')]),
  )
  t.same(
    topUps.map((r) => r.statusCode),
    topUps.map(() => 200),
  )
  const fundedIn = (path: string) =>
    topUps
      .filter((r) => (r.json().budget.prefecture ?? '') === path)
      .flatMap((r) => r.json().funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId))
  t.same(fundedIn('qujing'), queued.slice(0, 20), 'Qujing: the first 20 of its queue, in order, once')
  t.same(fundedIn(''), provinceQueued.slice(0, 25), 'the province: the first 25 of its own queue, in order')

  // The last top-up of Qujing funds the rest, the late ones last, B then A.
  const last = await put(1, '/qujing', '3720000.00')
  t.equal(last.statusCode, 200)
  t.same(
    last.json().funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId),
    queued.slice(20),
    'Qujing: the rest of its queue, in submission order',
  )
  t.match(await budgets(), {
    qujing: { drawn: '3720000.00', remaining: '0.00', queue: { count: 0 } },
    province: { drawn: '2100000.00', remaining: '0.00', queue: { count: 25 } },
  })
  for (const [prefecture, drawn] of [
    ['qujing', '3720000.00'],
    ['kunming', '2100000.00'],
  ] as const) {
    const paid = await sql<{ sum: string }>`
      select coalesce(sum(o.amount), 0)::numeric(18, 2)::text as sum
      from applications a join decisions d on d.application_id = a.id
        and not exists (select 1 from decisions n where n.supersedes = d.id)
      join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
      where o.status = 'eligible' and a.facts->'project'->>'prefecture' = ${prefecture}`.execute(first.db)
    t.equal(paid.rows[0]!.sum, drawn, `${prefecture}: what current decisions pay equals the budget drawn`)
  }
  t.same(await supersededTwice(first), [], 'no queued decision funded twice')
  const verify = await app(0).inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
