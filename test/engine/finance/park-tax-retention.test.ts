// §18: a provincial-level park keeps the provincial share of its new tax revenue. The default
// shares are placeholders (0.30 of the local-level revenue of each tax type); expected values
// computed by hand.

import t from 'tap'
import { isEngineError } from '../../../src/engine/errors.ts'
import {
  type ParkTaxRetentionInput,
  parkTaxRetention,
} from '../../../src/engine/finance/park-tax-retention.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'

const options = { asOf: '2017-03-01', parameters: DEFAULT_PARAMETERS }
const input = (over: Partial<ParkTaxRetentionInput> = {}): ParkTaxRetentionInput => ({
  park: { id: 'qujing-economic-development-zone', level: 'provincial' },
  baseYear: 2015,
  year: 2016,
  baseYearRevenue: { vat: '1000000.00', businessTax: '500000.00' },
  currentYearRevenue: { vat: '1800000.00', businessTax: '200000.00' },
  ...over,
})

const errorOf = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('increases and decreases net across tax types', async (t) => {
  // vat +800 000.00, business tax −300 000.00 (moved to VAT on 2016-05-01): net +500 000.00;
  // provincial part 0.30 × 800 000 − 0.30 × 300 000 = 240 000 − 90 000 = 150 000.00
  const result = parkTaxRetention(input(), options)
  t.equal(result.applicable, true)
  t.equal(result.newRevenue, '500000.00')
  t.equal(result.amount, '150000.00')
  t.same(result.reasons, [])
  t.same(result.lines, [
    {
      taxType: 'businessTax',
      baseYearRevenue: '500000.00',
      currentYearRevenue: '200000.00',
      increase: '-300000.00',
      provincialShare: '0.3',
      provincialPart: '-90000.00',
    },
    {
      taxType: 'vat',
      baseYearRevenue: '1000000.00',
      currentYearRevenue: '1800000.00',
      increase: '800000.00',
      provincialShare: '0.3',
      provincialPart: '240000.00',
    },
  ])
  t.match(result.trace.parameters, [
    { name: 'parkTaxRetention.parkLevels', value: ['provincial'] },
    { name: 'parkTaxRetention.provincialShare', overridden: false },
  ])
  t.match(result.trace.steps.at(-1), { expression: 'max(0, 150000.00)', result: '150000.00' })
})

t.test('the request overrides the placeholder shares', async (t) => {
  const parameters = DEFAULT_PARAMETERS.withOverrides({
    'parkTaxRetention.provincialShare': { vat: '0.25', businessTax: '0.5' },
  })
  // 0.25 × 800 000 − 0.5 × 300 000 = 200 000 − 150 000 = 50 000.00
  const result = parkTaxRetention(input(), { ...options, parameters })
  t.equal(result.amount, '50000.00')
  t.match(result.trace.parameters[1], { overridden: true, value: { vat: '0.25', businessTax: '0.5' } })
})

t.test('a tax type given for one year only counts 0 for the other', async (t) => {
  const result = parkTaxRetention(
    input({
      baseYearRevenue: { businessTax: '100000.00' },
      currentYearRevenue: { vat: '400000.00', enterpriseIncomeTax: '50000.00' },
    }),
    options,
  )
  // 0.30 × (−100 000 + 400 000 + 50 000) = 0.30 × 350 000 = 105 000.00
  t.equal(result.newRevenue, '350000.00')
  t.equal(result.amount, '105000.00')
  t.same(
    result.lines.map((l) => l.taxType),
    ['businessTax', 'enterpriseIncomeTax', 'vat'],
  )
})

t.test('no increase: 0.00 with NO_TAX_INCREASE; just above: rounded half-up', async (t) => {
  const same = parkTaxRetention(
    input({ currentYearRevenue: { vat: '1000000.00', businessTax: '500000.00' } }),
    options,
  )
  t.equal(same.amount, '0.00')
  t.match(same.reasons, [{ code: 'NO_TAX_INCREASE' }])
  t.equal(same.applicable, true)
  const fell = parkTaxRetention(input({ currentYearRevenue: { vat: '900000.00' } }), options)
  t.equal(fell.newRevenue, '-600000.00')
  t.equal(fell.amount, '0.00')
  t.match(fell.reasons, [{ code: 'NO_TAX_INCREASE' }])
  // +0.05 of VAT: 0.30 × 0.05 = 0.015 → 0.02
  const tiny = parkTaxRetention(
    input({ baseYearRevenue: { vat: '100.00' }, currentYearRevenue: { vat: '100.05' } }),
    options,
  )
  t.equal(tiny.amount, '0.02')
  t.same(tiny.reasons, [])
  const empty = parkTaxRetention(input({ baseYearRevenue: {}, currentYearRevenue: {} }), options)
  t.equal(empty.amount, '0.00')
  t.match(empty.reasons, [{ code: 'NO_TAX_INCREASE' }])
})

t.test('only provincial-level parks (read literally)', async (t) => {
  for (const level of ['national', 'prefecture', 'county']) {
    const result = parkTaxRetention(input({ park: { id: 'p', level } }), options)
    t.equal(result.applicable, false, level)
    t.equal(result.amount, '0.00')
    t.match(result.reasons, [{ code: 'PARK_LEVEL_NOT_COVERED', field: '/park/level' }])
    t.same(result.lines, [])
  }
  const parameters = DEFAULT_PARAMETERS.withOverrides({
    'parkTaxRetention.parkLevels': ['national', 'provincial'],
  })
  t.equal(
    parkTaxRetention(input({ park: { id: 'p', level: 'national' } }), { ...options, parameters }).amount,
    '150000.00',
    'widened by parameter',
  )
})

t.test('input errors name the field', async (t) => {
  const cases: [ParkTaxRetentionInput, string][] = [
    [input({ year: 2015 }), '/year'],
    [input({ year: 2014 }), '/year'],
    [input({ year: 2016.5 }), '/year'],
    [input({ baseYear: Number.NaN }), '/baseYear'],
    [input({ currentYearRevenue: { resourceTax: '10.00' } }), '/currentYearRevenue/resourceTax'],
    [input({ baseYearRevenue: { 'a/b': '10.00' }, currentYearRevenue: {} }), '/baseYearRevenue/a~1b'],
    [input({ currentYearRevenue: { vat: '1.001' } }), '/currentYearRevenue/vat'],
    [input({ baseYearRevenue: { vat: '-1.00' } }), '/baseYearRevenue/vat'],
    [input({ baseYearRevenue: null as never }), '/baseYearRevenue'],
    [input({ currentYearRevenue: [] as never }), '/currentYearRevenue'],
  ]
  for (const [i, pointer] of cases) {
    const e = errorOf(() => parkTaxRetention(i, options))
    t.ok(isEngineError(e, 'InvalidInput'), pointer)
    if (isEngineError(e)) t.equal(e.pointer, pointer)
  }
  const parameters = DEFAULT_PARAMETERS.withOverrides({
    'parkTaxRetention.provincialShare': { vat: '0.3', resourceTax: '0.5' },
  })
  t.equal(
    parkTaxRetention(input({ baseYearRevenue: {}, currentYearRevenue: { resourceTax: '10.00' } }), {
      ...options,
      parameters,
    }).amount,
    '5.00',
    'a tax type added by parameter',
  )
})

t.test('before the rule is in force (the day before and the day it takes effect)', async (t) => {
  const before = parkTaxRetention(input(), { ...options, asOf: '2013-12-31' })
  t.equal(before.applicable, false)
  t.match(before.reasons, [{ code: 'NOT_IN_FORCE' }])
  t.equal(parkTaxRetention(input(), { ...options, asOf: '2014-01-01' }).amount, '150000.00')
})
