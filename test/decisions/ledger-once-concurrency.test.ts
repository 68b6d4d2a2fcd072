import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import type { Application } from '../../src/engine/types.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, ENTERPRISE_A, ENTERPRISE_B, example, keysFor } from '../helpers/fixtures.ts'

const ROUNDS = 2
const APPLICATIONS = 50

t.test('tax days and one-time grants hold under concurrency on two instances', async (t) => {
  if (!requirePostgres(t, 'concurrent applications on two API instances')) return
  const first = await testDatabase(t, { poolSize: 10 })
  const second = secondPool(t, first, 10)
  const apps = [await buildApp({ database: first }), await buildApp({ database: second })]
  t.teardown(async () => {
    for (const a of apps) await a.close()
  })
  const keys = await keysFor(first)

  const storm = async (payload: (i: number) => Application) => {
    const responses = await Promise.all(
      Array.from({ length: APPLICATIONS }, (_, i) =>
        apps[i % 2]!.inject({
          method: 'POST',
          url: '/v1/applications',
          headers: { ...bearer(keys.finance), 'idempotency-key': crypto.randomUUID() },
          payload: payload(i),
        }),
      ),
    )
    const statuses = [...new Set(responses.map((r) => r.statusCode))]
    t.same(statuses, [201], 'every request answered 201 (no 500, no 503)')
    if (statuses.some((s) => s !== 201)) t.comment(responses.find((r) => r.statusCode !== 201)!.body)
    return responses.map(
      (r) =>
        r.json().decisions[0].evaluation.outcomes as {
          measure: string
          status: string
          amount: string | null
          reasons: { code: string }[]
        }[],
    )
  }

  for (let round = 1; round <= ROUNDS; round++) {
    const tax = example('emerging-project-tax-reward')
    const facts = { ...tax, project: { ...tax.project!, id: `panels-${round}` } }
    const outcomes = (await storm(() => facts)).map(
      (o) => o.find((x) => x.measure === 'emerging-project-tax-reward')!,
    )
    const paid = outcomes.filter((o) => o.status === 'eligible')
    t.equal(paid.length, 1, `round ${round}: the period is paid exactly once`)
    t.equal(paid[0]?.amount, '450000.00')
    t.equal(
      outcomes.filter((o) => o.status === 'ineligible' && o.reasons[0]?.code === 'ALREADY_REWARDED').length,
      APPLICATIONS - 1,
      `round ${round}: the other ${APPLICATIONS - 1} are ALREADY_REWARDED`,
    )
    const days = await sql<{ n: string }>`
      select count(*)::text as n from ledger_periods
      where ledger = 'tax-days' and decision_id in (
        select d.id from decisions d join applications a on a.id = d.application_id where a.project_id = ${facts.project.id})`.execute(
      first.db,
    )
    t.equal(days.rows[0]!.n, '2', `round ${round}: VAT and EIT days of 2015 recorded once each`)

    const platform = example('rd-platform-grant')
    const id = `contested-lab-${round}`
    const spellings = [id, id.toUpperCase(), `Contested-Lab-${round}`]
    const claims = (
      await storm((i) => ({
        ...platform,
        enterprise: { creditCode: i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B, name: `Claimant ${i % 2}` },
        claims: { rdPlatforms: [{ ...platform.claims!.rdPlatforms![0]!, id: spellings[i % 3]! }] },
      }))
    ).map((o) => o.find((x) => x.measure === 'rd-platform-grant')!)
    t.equal(
      claims.filter((o) => o.status === 'eligible').length,
      1,
      `round ${round}: the platform is granted once`,
    )
    t.equal(
      claims.filter((o) => o.reasons[0]?.code === 'ALREADY_GRANTED').length,
      APPLICATIONS - 1,
      `round ${round}: every other claim, by either enterprise, is ALREADY_GRANTED`,
    )
    const once = await sql<{ n: string }>`
      select count(*)::text as n from ledger_once where ledger = 'rd-platform-grant' and upper(key) = upper(${id})`.execute(
      first.db,
    )
    t.equal(once.rows[0]!.n, '1', `round ${round}: one row in the ledger`)
  }

  // Every other ledger that pays, once: the same thing claimed at once, by one enterprise (tax days,
  // award years) or by two (a person's year, an institute: once across enterprises).
  const cases: {
    name: string
    measure: string
    facts: (i: number) => Application
    refused: string
    paid: number
  }[] = [
    {
      name: 'the startup reward’s tax days',
      measure: 'startup-tech-sme-tax-reward',
      facts: () => example('startup-tech-sme-tax-reward'),
      refused: 'ALREADY_REWARDED',
      paid: 1,
    },
    {
      name: 'a top-3 award year',
      measure: 'emerging-top3-tax-reward',
      facts: () => example('emerging-top3-tax-reward'),
      refused: 'ALREADY_REWARDED',
      paid: 1,
    },
    {
      name: 'a person’s tax year, claimed by two enterprises, the id in two letter cases',
      measure: 'talent-iit-reward',
      facts: (i) => {
        const facts = example('talent-iit-reward')
        const talent = facts.claims!.talents![0]!
        return {
          ...facts,
          enterprise: { creditCode: i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B, name: `Employer ${i % 2}` },
          claims: {
            talents: [{ ...talent, personId: i % 3 === 0 ? talent.personId.toUpperCase() : talent.personId }],
          },
        }
      },
      refused: 'ALREADY_',
      paid: 1,
    },
    {
      name: 'a research institute, claimed by two enterprises',
      measure: 'research-institute-award',
      facts: (i) => ({
        ...example('research-institute-award'),
        enterprise: { creditCode: i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B, name: `Founder ${i % 2}` },
      }),
      refused: 'ALREADY_GRANTED',
      paid: 1,
    },
    {
      // Two enterprises' own taxes are two ledgers: each is paid once, no more.
      name: 'the same emerging-project tax days of two enterprises',
      measure: 'emerging-project-tax-reward',
      facts: (i) => ({
        ...example('emerging-project-tax-reward'),
        enterprise: { creditCode: i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B, name: `Owner ${i % 2}` },
      }),
      refused: 'ALREADY_REWARDED',
      paid: 2,
    },
  ]
  // A standard whose award awaits the province's amount (ruleset 1.5.0): held for one claimant only.
  const held = (
    await storm((i) => ({
      ...example('standards-award'),
      enterprise: { creditCode: i % 2 === 0 ? ENTERPRISE_A : ENTERPRISE_B, name: `Drafter ${i % 2}` },
    }))
  ).map((o) => o.find((x) => x.measure === 'standards-award')!)
  t.equal(
    held.filter((o) => o.status === 'needs-review').length,
    1,
    'a standard awaiting its amount: held once',
  )
  t.equal(
    held.filter((o) => o.reasons[0]?.code === 'ALREADY_CLAIMED').length,
    APPLICATIONS - 1,
    'every other claim, by either enterprise, is ALREADY_CLAIMED',
  )

  for (const c of cases) {
    const outcomes = (await storm(c.facts)).map((o) => o.find((x) => x.measure === c.measure)!)
    t.equal(outcomes.filter((o) => o.status === 'eligible').length, c.paid, `${c.name}: paid ${c.paid}×`)
    t.equal(
      outcomes.filter((o) => o.status === 'ineligible' && o.reasons[0]?.code.startsWith(c.refused)).length,
      APPLICATIONS - c.paid,
      `${c.name}: every other claim refused (${c.refused}…)`,
    )
  }
})
