// The talent reward's per-person ledger claims (the case file checks amounts and reasons).

import t from 'tap'
import { evaluate } from '../../../src/engine/evaluate.ts'
import type { Application, TalentClaim } from '../../../src/engine/types.ts'

const talent = (personId: string, year: number, designatedExcellent = true): TalentClaim => ({
  personId,
  name: personId,
  role: 'senior-technical',
  designatedExcellent,
  year,
  individualIncomeTax: '10001.01',
})

const application = (talents: TalentClaim[]): Application => ({
  applicationDate: '2017-03-01',
  enterprise: { creditCode: '91530100216543210J', name: 'Kunming Machine Tool Co.' },
  project: {
    id: 'p-machine-1',
    name: 'CNC machine tool line',
    buildType: 'expansion',
    industryCode: 'C34',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'kunming',
    inCentralYunnanZone: false,
    park: { id: 'park-1', name: 'Yangzonghai Industrial Park', level: 'provincial' },
  },
  claims: { talents },
})

t.test(
  'one once-claim per person-year that pays; the total is rounded once and its shares sum to it',
  async (t) => {
    const [outcome] = evaluate(
      application([talent('a', 2016), talent('b', 2016), talent('c', 2016, false)]),
      {
        measures: ['talent-iit-reward'],
      },
    ).outcomes
    t.equal(outcome?.status, 'eligible')
    t.equal(outcome?.amount, '8000.81', '0.40 × 10 001.01 × 2 = 8 000.808')
    // POLICY.md §0 ruling: round once, spread the last fen by largest remainder (a tie: the first claim).
    t.same(outcome?.ledger, [
      {
        kind: 'once',
        subject: { ledger: 'talent-award-year', personId: 'a' },
        item: '2016',
        amount: '4000.41',
      },
      {
        kind: 'once',
        subject: { ledger: 'talent-award-year', personId: 'b' },
        item: '2016',
        amount: '4000.40',
      },
    ])
    t.same(outcome?.reasons, [], 'per-person refusals stay in details.items when the measure pays')
    const steps = outcome?.trace.steps.map((s) => s.expression) ?? []
    t.ok(steps.includes('4000.404 + 4000.404'), 'the sum before the one rounding')
    // the shares, then (ruleset 1.2.0) the one rounding of the outcome as its last step
    t.same(
      steps.slice(-3),
      ['4000.404 → 4000.41', '4000.404 → 4000.40', 'round(8000.808)'],
      'each share shown, then the rounding',
    )
  },
)

t.test('nobody paid: the per-person reasons become the outcome reasons, with their fields', async (t) => {
  const [outcome] = evaluate(application([talent('c', 2016, false)]), {
    measures: ['talent-iit-reward'],
  }).outcomes
  t.equal(outcome?.status, 'ineligible')
  t.same(
    outcome?.reasons.map((r) => [r.code, r.field]),
    [['NOT_DESIGNATED_TALENT', '/claims/talents/0/designatedExcellent']],
  )
  t.same(outcome?.ledger, [])
})
