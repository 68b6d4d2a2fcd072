// Every figure of POLICY.md §4 is an indicator, with the baseline and targets typed in by hand from
// the source, and each one is a registered dated parameter.

import t from 'tap'
import { INDICATORS } from '../../../src/engine/indicators/targets.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'
import { indicatorParameterName } from '../../../src/engine/parameters/indicators.ts'

// id → [clause, direction, kind, values] as POLICY.md §4 (and source §4, §5, §6, §9) state them
const expected: Record<string, [string, string, string, Record<string, string>]> = {
  'light-industry-share': ['§4', 'at-least', 'level', { baseline: '0.44', target2017: '0.50' }],
  'private-industry-share': ['§4', 'at-least', 'level', { baseline: '0.468', target2017: '0.55' }],
  'strategic-emerging-industries-share-of-gdp': [
    '§4',
    'at-least',
    'level',
    { baseline: '0.076', target2017: '0.10' },
  ],
  'science-technology-contribution': ['§4', 'at-least', 'level', { target2017: '0.60' }],
  'new-national-rd-platforms': ['§4', 'at-least', 'level', { baseline: '0', target2017: '5' }],
  'new-provincial-enterprise-tech-centers': ['§4', 'at-least', 'level', { baseline: '0', target2017: '60' }],
  'enterprises-with-rd-institution-share': ['§4', 'at-least', 'level', { target2017: '0.50' }],
  'enterprise-patents-granted-growth': ['§4', 'at-least', 'annual-growth', { target2017: '0.25' }],
  'energy-per-value-added': ['§4', 'at-most', 'level', { baseline: '2.12', target2017: '1.91' }],
  'industrial-value-added-growth': ['§4', 'at-least', 'annual-growth', { target2017: '0.12' }],
  'profit-and-tax-growth': ['§4', 'at-least', 'annual-growth', { target2017: '0.13' }],
  'labour-productivity': ['§4', 'at-least', 'level', { baseline: '36.3', target2017: '45' }],
  'new-product-output-rate': ['§4', 'at-least', 'level', { baseline: '0.048', target2017: '0.06' }],
  'light-industry-sales': [
    '§5',
    'at-least',
    'level',
    { baseline: '1180', target2017: '2450', target2020: '4000' },
  ],
  'biomedicine-sales': [
    '§5',
    'at-least',
    'level',
    { baseline: '350', target2017: '720', target2020: '1100' },
  ],
  'new-materials-sales': [
    '§5',
    'at-least',
    'level',
    { baseline: '780', target2017: '1600', target2020: '2800' },
  ],
  'advanced-equipment-sales': [
    '§5',
    'at-least',
    'level',
    { baseline: '570', target2017: '1000', target2020: '1700' },
  ],
  'electronic-information-sales': [
    '§5',
    'at-least',
    'level',
    { baseline: '437', target2017: '850', target2020: '1360' },
  ],
  'petrochemical-sales-increase': ['§5', 'at-least', 'level', { baseline: '0', target2017: '600' }],
  'petrochemical-sales': ['§5', 'at-least', 'level', { target2020: '1000' }],
  'copper-deep-processing-rate': ['§6', 'at-least', 'level', { baseline: '0.25', target2017: '0.60' }],
  'aluminium-deep-processing-rate': ['§6', 'at-least', 'level', { baseline: '0.31', target2017: '0.60' }],
  'lead-zinc-deep-processing-rate': ['§6', 'at-least', 'level', { baseline: '0.11', target2017: '0.15' }],
  'tin-deep-processing-rate': ['§6', 'at-least', 'level', { baseline: '0.50', target2017: '0.60' }],
  'industrial-investment-growth': ['§9', 'at-least', 'annual-growth', { target2020: '0.20' }],
  'industrial-investment-share-of-fixed-assets': ['§9', 'at-least', 'level', { target2020: '0.40' }],
}

t.test('every figure, as typed from the source', async (t) => {
  t.same(INDICATORS.map((i) => i.id).sort(), Object.keys(expected).sort())
  for (const indicator of INDICATORS) {
    const [clause, direction, kind, values] = expected[indicator.id]!
    t.equal(indicator.clause, clause, `${indicator.id} clause`)
    t.equal(indicator.direction, direction, `${indicator.id} direction`)
    t.equal(indicator.kind, kind, `${indicator.id} kind`)
    t.same(indicator.values, values, `${indicator.id} values`)
    t.ok(indicator.name.zh && indicator.name.en && indicator.unit, `${indicator.id} has names and a unit`)
  }
  t.same(INDICATORS.find((i) => i.id === 'light-industry-sales')?.strictTargetYears, [2020], '"超过4000亿元"')
})

t.test('each indicator is a dated parameter; the base year is 2013', async (t) => {
  t.match(DEFAULT_PARAMETERS.lookup('indicators.baseYear', '2015-01-01'), { value: 2013, clause: '§4' })
  for (const indicator of INDICATORS) {
    const name = indicatorParameterName(indicator.id)
    t.match(DEFAULT_PARAMETERS.definition(name), { kind: 'table', clause: indicator.clause }, name)
    t.same(
      DEFAULT_PARAMETERS.lookup(name, '2014-01-01')?.value,
      indicator.values,
      `${name} in force from 2014-01-01`,
    )
    t.equal(DEFAULT_PARAMETERS.lookup(name, '2013-12-31')?.value, null, `${name} not before`)
  }
})
