// §14: prefectures and counties set aside 5% of land transfer revenue other than industrial land.
// Expected values computed by hand.

import t from 'tap'
import { isEngineError } from '../../../src/engine/errors.ts'
import {
  type LandDevelopmentFundInput,
  type LandTransferRevenue,
  landDevelopmentFund,
} from '../../../src/engine/finance/land-development-fund.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'

const options = { asOf: '2016-01-15', parameters: DEFAULT_PARAMETERS }
const period = { from: '2015-01-01', to: '2015-12-31' }
const entity = (id: string, level: string, total: string, industrial: string): LandTransferRevenue => ({
  id,
  level,
  totalLandTransferRevenue: total,
  industrialLandTransferRevenue: industrial,
})
const run = (entities: LandTransferRevenue[], opts = options) =>
  landDevelopmentFund({ period, entities }, opts)

const errorOf = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('a prefecture and a county', async (t) => {
  const result = run([
    entity('qujing', 'prefecture', '1000000000.00', '200000000.00'),
    entity('luliang', 'county', '12345.67', '0'),
  ])
  t.equal(result.rate, '0.05')
  t.match(result.entities[0], {
    id: 'qujing',
    applicable: true,
    base: '800000000.00', // 1 000 000 000.00 − 200 000 000.00
    amount: '40000000.00', // 0.05 × 800 000 000.00
    reasons: [],
  })
  t.match(result.entities[1], {
    id: 'luliang',
    base: '12345.67',
    amount: '617.28', // 0.05 × 12 345.67 = 617.2835 → 617.28
    industrialLandTransferRevenue: '0.00',
  })
  t.same(result.totals, {
    totalLandTransferRevenue: '1000012345.67',
    industrialLandTransferRevenue: '200000000.00',
    base: '800012345.67',
    amount: '40000617.28',
  })
  t.same(result.period, period)
  t.same(
    result.trace.parameters.map((p) => [p.name, p.value]),
    [
      ['landDevelopmentFund.rate', '0.05'],
      ['landDevelopmentFund.levels', ['prefecture', 'county']],
    ],
  )
  t.match(result.trace.steps, [
    { expression: '1000000000.00 − 200000000.00', result: '800000000.00' },
    { expression: '0.05 × 800000000.00', result: '40000000.00' },
    { expression: '12345.67 − 0.00', result: '12345.67' },
    { expression: '0.05 × 12345.67', result: '617.2835' },
    { expression: '40000000.00 + 617.28', result: '40000617.28' },
  ])
})

t.test('half-up rounding per entity; totals add the rounded amounts', async (t) => {
  // 0.05 × 10.10 = 0.505 → 0.51 each; the total is 1.02 (not 0.05 × 20.20 = 1.01)
  const result = run([entity('a', 'county', '10.10', '0.00'), entity('b', 'county', '10.10', '0.00')])
  t.same(
    result.entities.map((e) => e.amount),
    ['0.51', '0.51'],
  )
  t.equal(result.totals.amount, '1.02')
  t.equal(result.totals.base, '20.20')
  t.equal(run([entity('c', 'county', '0.10', '0')]).entities[0]!.amount, '0.01', '0.005 → 0.01')
  t.equal(run([entity('c', 'county', '0.09', '0')]).entities[0]!.amount, '0.00', '0.0045 → 0.00')
})

t.test('industrial revenue: just below, at and above the total', async (t) => {
  t.match(run([entity('yuxi', 'prefecture', '500.00', '499.99')]).entities[0], {
    base: '0.01',
    amount: '0.00',
  })
  t.match(run([entity('yuxi', 'prefecture', '500.00', '500.00')]).entities[0], {
    applicable: true,
    base: '0.00',
    amount: '0.00',
  })
  const e = errorOf(() => run([entity('yuxi', 'prefecture', '500.00', '500.01')]))
  t.ok(isEngineError(e, 'InvalidInput'))
  if (isEngineError(e)) t.equal(e.pointer, '/entities/0/industrialLandTransferRevenue')
})

t.test('levels other than prefecture and county are not covered', async (t) => {
  const result = run([
    entity('yunnan', 'province', '1000.00', '0.00'),
    entity('dali', 'prefecture', '1000.00', '0'),
  ])
  t.match(result.entities[0], {
    applicable: false,
    base: '0.00',
    amount: '0.00',
    reasons: [{ code: 'LEVEL_NOT_COVERED', field: '/entities/0/level' }],
  })
  t.equal(result.entities[1]!.amount, '50.00')
  t.equal(result.totals.amount, '50.00')
  t.equal(result.totals.totalLandTransferRevenue, '2000.00', 'revenue totals include every entity')
  t.match(result.trace.conditions[0], { input: 'province', comparison: 'in', holds: false })
  const widened = run([entity('yunnan', 'province', '1000.00', '0.00')], {
    ...options,
    parameters: DEFAULT_PARAMETERS.withOverrides({
      'landDevelopmentFund.levels': ['province', 'prefecture', 'county'],
    }),
  })
  t.equal(widened.entities[0]!.amount, '50.00', 'the level list is a parameter')
})

t.test('the rate: the day before and the day it takes effect', async (t) => {
  const entities = [entity('kunming', 'prefecture', '1000.00', '0.00')]
  const before = run(entities, { ...options, asOf: '2013-12-31' })
  t.equal(before.rate, null)
  t.match(before.entities[0], { applicable: false, amount: '0.00', reasons: [{ code: 'NOT_IN_FORCE' }] })
  t.match(before.trace.notes, [/not in force on 2013-12-31/])
  t.equal(run(entities, { ...options, asOf: '2014-01-01' }).entities[0]!.amount, '50.00')

  const reform = DEFAULT_PARAMETERS.withOverrides({
    'landDevelopmentFund.rate': { from: '2018-01-01', value: '0.06' },
  })
  t.equal(run(entities, { asOf: '2017-12-31', parameters: reform }).entities[0]!.amount, '50.00')
  const after = run(entities, { asOf: '2018-01-01', parameters: reform })
  t.equal(after.entities[0]!.amount, '60.00')
  t.match(after.trace.parameters[0], { name: 'landDevelopmentFund.rate', value: '0.06', overridden: true })
})

t.test('an empty list', async (t) => {
  const result = run([])
  t.same(result.entities, [])
  t.equal(result.totals.amount, '0.00')
})

t.test('input errors name the field', async (t) => {
  const cases: [LandDevelopmentFundInput, string][] = [
    [{ period, entities: [entity('a', 'county', '1.005', '0')] }, '/entities/0/totalLandTransferRevenue'],
    [{ period, entities: [entity('a', 'county', '-1.00', '0')] }, '/entities/0/totalLandTransferRevenue'],
    [{ period, entities: [entity('a', 'county', '1.00', 'x')] }, '/entities/0/industrialLandTransferRevenue'],
    [
      { period, entities: [entity('a', 'county', '1', '0'), entity('a', 'county', '1', '0')] },
      '/entities/1/id',
    ],
    [{ period, entities: [entity('', 'county', '1', '0')] }, '/entities/0/id'],
    [{ period: { from: '2015-12-31', to: '2015-01-01' }, entities: [] }, '/period'],
    [{ period: { from: '2015-02-30', to: '2015-03-31' }, entities: [] }, '/period'],
  ]
  for (const [input, pointer] of cases) {
    const e = errorOf(() => landDevelopmentFund(input, options))
    t.ok(isEngineError(e, 'InvalidInput'), pointer)
    if (isEngineError(e)) t.equal(e.pointer, pointer)
  }
})
