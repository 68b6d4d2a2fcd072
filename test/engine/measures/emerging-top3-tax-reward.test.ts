// The top-3 reward's ledger claim and trace (the case file checks amounts and reasons).

import t from 'tap'
import { evaluate } from '../../../src/engine/evaluate.ts'
import { historyFromSummary } from '../../../src/engine/history.ts'
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
  'an award year is claimed once in the top3-award-year ledger (credit code, year), and its tax days',
  async (t) => {
    const [outcome] = evaluate(application(2016), { measures: ['emerging-top3-tax-reward'] }).outcomes
    t.equal(outcome?.status, 'eligible')
    t.equal(outcome?.amount, '290000.00')
    const code = '91532300MA6M4T5U6X'
    const days = (tax: string, from: string, to: string) => ({
      kind: 'days',
      subject: {
        ledger: 'tax-days',
        measure: 'emerging-top3-tax-reward',
        creditCode: code,
        projectId: null,
        tax,
      },
      period: { from, to },
    })
    t.same(outcome?.ledger.slice(0, 1), [
      {
        kind: 'once',
        subject: { ledger: 'top3-award-year', creditCode: code },
        item: '2016',
        amount: '290000.00',
      },
    ])
    t.same(
      outcome?.ledger.slice(1),
      [
        days('vat', '2016-01-01', '2016-04-30'),
        days('vat', '2016-05-01', '2016-12-31'),
        days('enterpriseIncomeTax', '2016-05-01', '2016-12-31'),
      ],
      'the award year days, per tax',
    )
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
    history: historyFromSummary(application(2016), { top3AwardYears: [2016] }),
  }).outcomes
  t.equal(outcome?.status, 'ineligible')
  t.same(outcome?.ledger, [])
})
