// The top-3 reward's ledger claim and trace (the case file checks amounts and reasons).

import t from 'tap'
import { evaluate } from '../../../src/engine/evaluate.ts'
import type { Application } from '../../../src/engine/types.ts'

const application = (awardYear: number): Application => ({
  applicationDate: '2017-03-01',
  enterprise: {
    creditCode: '91532300MA6M4T5U6X',
    name: 'Chuxiong Biopharma Co.',
    emergingIndustryRanking: { industry: 'biomedicine', year: 2015, rank: 1 },
    taxRecords: [
      { from: '2015-01-01', to: '2015-12-31', vat: '1000000.00', enterpriseIncomeTax: '500000.00' },
      { from: '2016-01-01', to: '2016-04-30', vat: '400000.00' },
      { from: '2016-05-01', to: '2016-12-31', vat: '800000.00', enterpriseIncomeTax: '600000.00' },
    ],
  },
  claims: { top3AwardYear: awardYear },
})

t.test(
  'an award year is claimed once in the top3-award-year ledger, keyed by credit code and year',
  async (t) => {
    const [outcome] = evaluate(application(2016), { measures: ['emerging-top3-tax-reward'] }).outcomes
    t.equal(outcome?.status, 'eligible')
    t.equal(outcome?.amount, '290000.00')
    t.same(outcome?.ledger, [
      { kind: 'once', ledger: 'top3-award-year', key: '91532300MA6M4T5U6X:2016', amount: '290000.00' },
    ])
    t.same(
      outcome?.trace.steps.slice(-2).map((s) => [s.expression, s.result]),
      [
        ['740000.00 − 450000.00', '290000.00'],
        ['1 × 290000.00', '290000.00'],
      ],
    )
  },
)

t.test('an ineligible award year claims nothing', async (t) => {
  const [outcome] = evaluate(application(2016), {
    measures: ['emerging-top3-tax-reward'],
    history: { top3AwardYears: [2016] },
  }).outcomes
  t.equal(outcome?.status, 'ineligible')
  t.same(outcome?.ledger, [])
})
