// Holds at once: a one-time grant (§18 rd-platform-grant, "once per platform per tier"; POLICY.md
// rulings "Whose ledger": an official identifier is once across all enterprises) claimed by many
// applications at the same moment while its budget (§3 budget pools) is spent. Each claim would be
// `unfunded`, and an unfunded outcome holds the grant without an amount (ruleset 1.6.0), so exactly
// one claim may hold it; every other — by the same enterprise, or by another, in any letter case —
// is ALREADY_CLAIMED naming the holder. Then top-ups fund the queue in submission order (§3), the
// hold becomes the grant, and the grant is never paid twice: not by the top-up sent to both
// instances at once, not by claims racing the top-up that turns the hold into a grant.
// On PostgreSQL: two API instances (two apps on separate pools of one database); on PGlite: one.

import { sql } from 'kysely'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { callersOn, supersededTwice } from '../helpers/budgets.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, ENTERPRISE_A, ENTERPRISE_B, examplePlatformClaim } from '../helpers/fixtures.ts'

const CLAIMS = 40
const GRANT = '3000000.00' // national tier (§18)

interface Outcome {
  measure: string
  status: string
  amount: string | null
  reasons: { code: string; message: { en: string } }[]
  ledger: { kind: string; item: string; amount: string | null }[]
}

t.test('one hold wins a one-time grant claimed at once, and the top-up pays it once', async (t) => {
  const first = await testDatabase(t, { poolSize: 10 })
  const { apps, app, keys, finance } = await callersOn(t, first)

  const submitAll = async (facts: (i: number) => Application, count: number) => {
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        app(i).inject({
          method: 'POST',
          url: '/v1/applications',
          headers: { ...finance, 'idempotency-key': crypto.randomUUID(), 'accept-language': 'en' },
          payload: facts(i),
        }),
      ),
    )
    const statuses = [...new Set(responses.map((r) => r.statusCode))]
    t.same(statuses, [201], 'every request answered 201 (no 500, no 503)')
    if (statuses.some((s) => s !== 201)) t.comment(responses.find((r) => r.statusCode !== 201)!.body)
    return responses.map((r) => {
      const decision = r.json().decisions[0]
      return {
        id: decision.id as string,
        grant: (decision.evaluation.outcomes as Outcome[]).find((o) => o.measure === 'rd-platform-grant')!,
      }
    })
  }
  const put = (i: number, amount: string) =>
    app(i).inject({
      method: 'PUT',
      url: '/v1/budgets/2015/rd-platform-grant',
      headers: finance,
      payload: { amount },
    })
  const budget = async () =>
    (await app(0).inject({ url: '/v1/budgets?year=2015', headers: bearer(keys.auditor) })).json()
      .budgets[0] as {
      drawn: string
      remaining: string
      queue: { count: number; amount: string }
    }
  const onceRows = (id: string) =>
    sql<{ decision_id: string; credit_code: string | null; amount: string | null }>`
      select decision_id, credit_code, amount::text as amount from ledger_once
      where ledger = 'rd-platform-grant' and upper(key) = upper(${id})`
      .execute(first.db)
      .then((r) => r.rows)

  // §3: a budget of exactly one national grant, spent by the first platform.
  t.equal((await put(0, GRANT)).statusCode, 200)
  const [spender] = await submitAll(() => examplePlatformClaim('lab-spent', ENTERPRISE_A), 1)
  t.match(spender!.grant, { status: 'eligible', amount: GRANT })
  // Another platform queued first: the queue's head, funded before the holds below.
  const [early] = await submitAll(() => examplePlatformClaim('lab-early', ENTERPRISE_B), 1)
  t.match(early!.grant, { status: 'unfunded', amount: GRANT, ledger: [{ kind: 'once', amount: null }] })

  const holders: { id: string; platform: string }[] = []
  for (const [what, id, creditCode] of [
    ['by one enterprise', 'lab-held-same', (_: number) => ENTERPRISE_A],
    ['by two enterprises', 'lab-held-two', (i: number) => (i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B)],
  ] as const) {
    // three spellings of one identifier (one platform from ruleset 1.5.0)
    const spellings = [id, id.toUpperCase(), `Lab-Held-${id.slice(9)}`]
    const outcomes = await submitAll((i) => examplePlatformClaim(spellings[i % 3]!, creditCode(i)), CLAIMS)
    const held = outcomes.filter((o) => o.grant.status === 'unfunded')
    t.equal(held.length, 1, `${what}: exactly one claim holds the platform`)
    t.match(held[0]?.grant, { amount: GRANT, ledger: [{ kind: 'once', item: 'national', amount: null }] })
    const refused = outcomes.filter((o) => o.grant.status !== 'unfunded')
    t.equal(refused.length, CLAIMS - 1)
    t.ok(
      refused.every(
        (o) =>
          o.grant.status === 'ineligible' &&
          o.grant.amount === null &&
          o.grant.reasons[0]?.code === 'ALREADY_CLAIMED' &&
          o.grant.reasons[0].message.en.includes(held[0]!.id),
      ),
      `${what}: every other claim is ALREADY_CLAIMED naming the holder, nothing queued`,
    )
    t.same(
      (await onceRows(id)).map((r) => [r.decision_id, r.amount]),
      [[held[0]!.id, null]],
      `${what}: one hold in the ledger, without an amount`,
    )
    holders.push({ id: held[0]!.id, platform: id })
  }
  t.match(
    await budget(),
    { drawn: GRANT, remaining: '0.00', queue: { count: 3, amount: '9000000.00' } },
    'the queue: the early platform and one hold per platform, nothing counted twice',
  )

  // The same top-up (two more grants) on every instance at once: the early platform, then the first
  // hold, in submission order; the second hold still waits.
  const topUps = await Promise.all(apps.map((_, i) => put(i, '9000000.00')))
  t.same(
    topUps.map((r) => r.statusCode),
    apps.map(() => 200),
  )
  const funded = topUps.flatMap((r) => r.json().funded as { supersededDecisionId: string }[])
  t.same(
    funded.map((f) => f.supersededDecisionId),
    [early!.id, holders[0]!.id],
    'funded once each, in submission order',
  )
  t.match(await budget(), { drawn: '9000000.00', queue: { count: 1, amount: GRANT } })

  // The last top-up turns the second hold into the grant while more claims of it arrive, on every
  // instance: none may be paid or queued, whichever side of the funding it lands on.
  const [last, racing] = await Promise.all([
    put(0, '12000000.00'),
    submitAll(
      (i) => examplePlatformClaim('LAB-HELD-TWO', i % 2 === 0 ? ENTERPRISE_B : ENTERPRISE_A),
      CLAIMS / 2,
    ),
  ])
  t.equal(last.statusCode, 200)
  t.same(
    last.json().funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId),
    [holders[1]!.id],
  )
  t.ok(
    racing.every(
      (o) =>
        o.grant.status === 'ineligible' && /^ALREADY_(CLAIMED|GRANTED)$/.test(o.grant.reasons[0]?.code ?? ''),
    ),
    'claims racing the funding: none paid, none queued',
  )

  // Each platform granted once, with its amount, to the decision that funded the hold.
  for (const h of holders) {
    const rows = await onceRows(h.platform)
    t.equal(rows.length, 1, `${h.platform}: one row in the ledger`)
    t.equal(rows[0]?.amount, GRANT, `${h.platform}: granted with its amount`)
    const old = await app(1).inject({ url: `/v1/decisions/${h.id}`, headers: finance })
    t.equal(rows[0]?.decision_id, old.json().supersededBy, `${h.platform}: granted to its funding decision`)
  }
  const [after] = await submitAll(() => examplePlatformClaim('lab-held-same', ENTERPRISE_B), 1)
  t.match(after!.grant, { status: 'ineligible', reasons: [{ code: 'ALREADY_GRANTED' }] }, 'a later claim')

  // What current decisions pay equals what the budget drew: four grants, none twice.
  const paid = await sql<{ sum: string; n: number }>`
    select coalesce(sum(o.amount), 0)::numeric(18, 2)::text as sum, count(*)::int as n
    from decision_outcomes o join decisions d on d.id = o.decision_id
    where o.measure = 'rd-platform-grant' and o.status = 'eligible'
      and not exists (select 1 from decisions n where n.supersedes = d.id)`.execute(first.db)
  t.same(paid.rows[0], { sum: '12000000.00', n: 4 })
  t.match(await budget(), { drawn: '12000000.00', remaining: '0.00', queue: { count: 0, amount: '0.00' } })
  t.same(await supersededTwice(first), [], 'no queued decision funded twice')
  const verify = await app(1).inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
  t.match(verify.json(), { valid: true, derived: { mismatches: [] } })
})
