// What the case runner does not check: the messages and the trace of POLICY.md §5 example 5.

import t from 'tap'
import { evaluate } from '../../../src/engine/evaluate.ts'
import type { Application } from '../../../src/engine/types.ts'

const example5 = (buildingCoefficient: string): Application => ({
  applicationDate: '2015-06-01',
  enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Industrial Co.' },
  project: {
    id: 'p-land',
    name: 'Plant',
    buildType: 'new-build',
    industryCode: 'C2611',
    policyClass: 'encouraged',
    meetsAccessConditions: true,
    prefecture: 'qujing',
    inCentralYunnanZone: false,
    majorTransformationProject: true,
    park: { id: 'qj-park', name: 'Qujing park', level: 'provincial' },
    land: {
      areaMu: '50',
      quotedPricePerMu: '180000',
      plotRatio: '1.0',
      buildingCoefficient,
      inPriorityCatalogue: true,
      meetsInvestmentIntensity: true,
    },
  },
})

const outcome = (app: Application) =>
  evaluate(app, { measures: ['land-price-ceiling'] }).outcomes.find(
    (o) => o.measure === 'land-price-ceiling',
  )!

t.test('example 5: the trace shows the ceiling arithmetic', async (t) => {
  const o = outcome(example5('0.50'))
  t.equal(o.status, 'eligible')
  t.equal(o.amount, null)
  t.same(o.ledger, [])
  t.match(o.trace.steps, [
    { expression: '1.4 × 0.6', result: '0.84' },
    { expression: '1.4 × 0.3', result: '0.42' },
    { expression: '120000.00 × 50 mu', result: '6000000.00' },
    { expression: 'max(0, 180000.00 − 120000.00) × 50 mu', result: '3000000.00' },
  ])
  t.ok(o.trace.parameters.some((p) => p.name === 'landPrice.ceilingTier2.perMu' && p.value === '120000.00'))
})

t.test('example 5 with a building coefficient of 0.41: the reason names 0.41 < 0.42', async (t) => {
  const o = outcome(example5('0.41'))
  t.equal(o.status, 'ineligible')
  t.match(o.reasons, [
    {
      code: 'BUILDING_COEFFICIENT_TOO_LOW',
      field: '/project/land/buildingCoefficient',
      message: { en: /0\.41 < 0\.42/, zh: /建筑系数0\.41低于0\.42/ },
    },
  ])
  t.match(
    o.trace.conditions.find((c) => c.id === 'building-coefficient'),
    {
      input: '0.41',
      comparison: '>=',
      threshold: '0.42',
      holds: false,
    },
  )
})
