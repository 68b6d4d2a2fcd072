// The talent reward's per-person ledger claims (the case file checks amounts and reasons).

import t from 'tap'
import { evaluate } from '../../../src/engine/evaluate.ts'
import type { History } from '../../../src/engine/ledgers.ts'
import type { RulesetVersion } from '../../../src/engine/ruleset.ts'
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

// §19's run of three consecutive years, as the ledger holds it (ruleset 1.4.0): the years 2015–2017
// were awarded; a correction of the 2015 decision gives 2015 back before deciding it again, so the
// ledger it decides on holds 2016 and 2017 only. 2015 is still the first year of the run.
const held = (personId: string, years: number[]): History => ({
  grants: years.map((y) => ({
    ledger: 'talent-award-year',
    key: personId,
    kind: 'once',
    item: String(y),
    period: null,
    amount: '4000.40',
    decisionId: `d-${y}`,
    creditCode: '91530100216543210J',
  })),
})
const decideTalent = (claims: TalentClaim[], history: History, ruleset?: RulesetVersion) =>
  evaluate(application(claims), { measures: ['talent-iit-reward'], history, ...(ruleset ? { ruleset } : {}) })
    .outcomes[0]!

t.test(
  'a year before the earliest held starts the run when the years held stay within it (1.4.0)',
  async (t) => {
    const again = decideTalent([talent('a', 2015)], held('a', [2016, 2017]))
    t.equal(again.status, 'eligible', '2015 decided again after its correction gave it back')
    t.equal(again.amount, '4000.40')
    // before 1.4.0 the first year held was the run's first: the same claim was refused
    const before = decideTalent([talent('a', 2015)], held('a', [2016, 2017]), '1.3.0')
    t.same(
      before.reasons.map((r) => r.code),
      ['CONSECUTIVE_YEARS_EXHAUSTED'],
      '1.3.0 replays as it decided',
    )

    // a fourth year is still refused, whichever way round it comes
    const fourth = decideTalent([talent('a', 2018)], held('a', [2015, 2016, 2017]))
    t.same(
      fourth.reasons.map((r) => r.code),
      ['CONSECUTIVE_YEARS_EXHAUSTED'],
      '2018 after 2015–2017',
    )
    const earlier = decideTalent([talent('a', 2015)], held('a', [2016, 2017, 2018]))
    t.same(
      earlier.reasons.map((r) => r.code),
      ['CONSECUTIVE_YEARS_EXHAUSTED'],
      '2015 before 2016–2018',
    )
    t.match(earlier.reasons[0]?.message.en, /2016–2018/, 'named by the run the person holds')
    const gap = decideTalent([talent('a', 2015)], held('a', [2018]))
    t.same(
      gap.reasons.map((r) => r.code),
      ['CONSECUTIVE_YEARS_EXHAUSTED'],
      '2015 would leave 2018 outside',
    )
  },
)

// Ruleset 1.6.0: one person's years in one application are one run whatever the case of the id, as
// the ledger compares it (1.5.0). Before, seven spellings of "zhang-san" for 2014–2020 were each paid.
t.test('a person written in several letter cases in one application: one run of three years', async (t) => {
  const spellings = [
    'zhang-san',
    'ZHANG-SAN',
    'Zhang-san',
    'zhang-saN',
    'ZHang-san',
    'ZHAng-san',
    'ZHANg-san',
  ]
  const claims = spellings.map((id, i) => talent(id, 2014 + i))
  const late = (c: TalentClaim[]) => ({ ...application(c), applicationDate: '2020-12-31' })
  const decide = (ruleset?: RulesetVersion) =>
    evaluate(late(claims), { measures: ['talent-iit-reward'], ...(ruleset ? { ruleset } : {}) }).outcomes[0]!
  const now = decide()
  t.equal(now.status, 'eligible')
  const items = (now.details as { items: { personId: string; year: number; status: string }[] }).items
  t.same(
    items.filter((i) => i.status === 'eligible').map((i) => i.year),
    [2014, 2015, 2016],
    'the first three years; the four after them are the fourth to seventh of one person',
  )
  t.equal(now.amount, '12001.21', 'three years of 4 000.404, rounded once')
  t.same(
    (now.ledger ?? []).map((c) => (c.kind === 'once' ? c.item : c.kind)),
    ['2014', '2015', '2016'],
    'three person-years claimed in the ledger',
  )
  const before = decide('1.5.0')
  t.equal(
    before.amount,
    '28002.83',
    '1.5.0 replays as it decided: each spelling began a run, seven years paid',
  )
})
