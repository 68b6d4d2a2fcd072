// Progress toward the §4 targets: exact progress ratio, met, and on track against a linear path
// from the 2013 baseline to the target year (growth indicators: rate ≥ target rate). Expected
// values computed by hand.

import t from 'tap'
import { isEngineError } from '../../../src/engine/errors.ts'
import { type IndicatorActual, indicatorProgress } from '../../../src/engine/indicators/progress.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'

const asOf = '2018-03-01'
const one = (indicator: string, year: number, value: string, options = {}) => {
  const [result] = indicatorProgress([{ indicator, year, value }], { asOf, ...options })
  return result!
}

const errorOf = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('a level indicator, at least: light industry share 44% → 50% by 2017', async (t) => {
  // path at 2015: 0.44 + (0.50 − 0.44) × 2/4 = 0.47
  const on = one('light-industry-share', 2015, '0.47')
  t.match(on, {
    clause: '§4',
    baseYear: 2013,
    baseline: '0.44',
    targetYear: 2017,
    target: '0.5',
    expected: '0.47',
    progress: '0.5', // (0.47 − 0.44) ÷ (0.50 − 0.44)
    met: false,
    onTrack: true,
  })
  t.match(on.trace.conditions, [
    { id: 'target-met', comparison: '>=', threshold: '0.5', holds: false },
    { id: 'on-linear-path', comparison: '>=', threshold: '0.47', holds: true },
  ])
  t.match(on.trace.parameters, [
    { name: 'indicators.baseYear', value: 2013 },
    { name: 'indicators.light-industry-share', value: { baseline: '0.44', target2017: '0.50' } },
  ])
  t.match(one('light-industry-share', 2015, '0.4699'), { onTrack: false, met: false }, 'just below the path')
  t.match(one('light-industry-share', 2015, '0.5'), { met: true, onTrack: true, progress: '1' }, 'early')
  t.match(
    one('light-industry-share', 2017, '0.50'),
    { met: true, onTrack: true, expected: '0.5' },
    'at the target',
  )
  t.match(one('light-industry-share', 2017, '0.4999'), { met: false, onTrack: false }, 'just below')
  t.match(
    one('light-industry-share', 2013, '0.44'),
    { expected: '0.44', progress: '0', onTrack: true },
    'base year',
  )
  t.match(one('light-industry-share', 2014, '0.43'), { progress: '-1/6', onTrack: false }, 'moved away')
  // 2014 path: 0.44 + 0.06 × 1/4 = 0.455
  t.match(one('light-industry-share', 2014, '0.455'), { expected: '0.455', onTrack: true })
})

t.test('a level indicator, at most: energy 2.12 → 1.91 tce per 10 000 yuan', async (t) => {
  // path at 2015: 2.12 + (1.91 − 2.12) × 2/4 = 2.015; progress (2.015 − 2.12) ÷ (1.91 − 2.12) = 0.5
  t.match(one('energy-per-value-added', 2015, '2.015'), {
    expected: '2.015',
    progress: '0.5',
    onTrack: true,
    met: false,
  })
  t.match(one('energy-per-value-added', 2015, '2.0151'), { onTrack: false }, 'just above the path')
  t.match(one('energy-per-value-added', 2017, '1.91'), { met: true, onTrack: true }, 'at the target')
  t.match(one('energy-per-value-added', 2017, '1.9101'), { met: false }, 'just above the target')
  t.match(one('energy-per-value-added', 2017, '1.9099'), { met: true })
  t.match(one('energy-per-value-added', 2016, '1.9').trace.conditions[0], { comparison: '<=' })
})

t.test('growth indicators: the rate against the target rate', async (t) => {
  t.match(one('industrial-value-added-growth', 2015, '0.12'), {
    baseline: null,
    expected: null,
    target: '0.12',
    targetYear: 2017,
    met: true,
    onTrack: true,
    progress: '1',
  })
  t.match(one('industrial-value-added-growth', 2015, '0.1199'), { met: false, onTrack: false })
  t.match(one('industrial-value-added-growth', 2015, '0.115'), { progress: '23/24' }, '0.115 ÷ 0.12')
  t.match(one('profit-and-tax-growth', 2016, '0.13'), { met: true })
  t.match(one('enterprise-patents-granted-growth', 2014, '0.2499'), { met: false })
  t.match(one('industrial-investment-growth', 2019, '0.20'), { targetYear: 2020, met: true, onTrack: true })
  t.match(one('industrial-investment-growth', 2019, '-0.05'), { met: false, progress: '-0.25' })
})

t.test('two target years: 2017 and 2020', async (t) => {
  // 2016 → 2017 target: 1180 + (2450 − 1180) × 3/4 = 2132.5
  t.match(one('light-industry-sales', 2016, '2132.5'), {
    targetYear: 2017,
    expected: '2132.5',
    onTrack: true,
  })
  t.match(one('light-industry-sales', 2017, '2450'), { met: true }, '"增加到2450亿元" is inclusive')
  // 2019 → 2020 target: 1180 + (4000 − 1180) × 6/7 = 25180/7
  t.match(one('light-industry-sales', 2019, '3597'), {
    targetYear: 2020,
    target: '4000',
    expected: '25180/7',
    onTrack: false, // 3597 < 3597.14…
    progress: '2417/2820', // (3597 − 1180) ÷ (4000 − 1180)
  })
  t.match(one('light-industry-sales', 2019, '3598'), { onTrack: true })
  t.match(
    one('light-industry-sales', 2020, '4000'),
    { met: false, onTrack: false },
    '"超过4000亿元" is strict',
  )
  t.match(one('light-industry-sales', 2020, '4000.01'), { met: true, onTrack: true })
  t.match(one('light-industry-sales', 2020, '4000').trace.conditions[0], { comparison: '>' })
  t.match(one('biomedicine-sales', 2020, '1100'), { met: true }, 'inclusive where the source says 达到')
  t.match(one('electronic-information-sales', 2018, '1000'), { targetYear: 2020, target: '1360' })
})

t.test('after the last target year and without a baseline', async (t) => {
  const late = one('labour-productivity', 2019, '46')
  t.match(late, { targetYear: 2017, target: '45', expected: '45', met: true, onTrack: true })
  t.match(late.trace.notes, [/after the last target year 2017/])
  t.match(one('labour-productivity', 2019, '44.9'), { met: false, onTrack: false })
  const petro = one('petrochemical-sales', 2018, '900')
  t.match(petro, {
    baseline: null,
    targetYear: 2020,
    target: '1000',
    expected: null,
    progress: null,
    met: false,
    onTrack: null,
  })
  t.match(one('petrochemical-sales-increase', 2017, '600'), { met: true, progress: '1' })
  t.match(one('science-technology-contribution', 2017, '0.6'), { met: true, onTrack: null })
  t.match(one('new-provincial-enterprise-tech-centers', 2015, '30'), {
    expected: '30',
    onTrack: true,
    progress: '0.5',
  })
})

t.test('targets are parameters: override and absence', async (t) => {
  const parameters = DEFAULT_PARAMETERS.withOverrides({
    'indicators.light-industry-share': { baseline: '0.44', target2017: '0.52' },
  })
  const result = one('light-industry-share', 2017, '0.51', { parameters })
  t.match(result, { target: '0.52', met: false })
  t.match(result.trace.parameters[1], { overridden: true })
  const none = one('light-industry-share', 2017, '0.51', {
    parameters: DEFAULT_PARAMETERS.withOverrides({ 'indicators.light-industry-share': {} }),
  })
  t.match(none, { target: null, targetYear: null, met: null, onTrack: null, progress: null })
  t.match(one('light-industry-share', 2017, '0.51', { asOf: '2013-12-31' }), { target: null }, 'before 2014')
  const flat = one('light-industry-share', 2015, '0.44', {
    parameters: DEFAULT_PARAMETERS.withOverrides({
      'indicators.light-industry-share': { baseline: '0.44', target2017: '0.44' },
    }),
  })
  t.match(flat, { progress: null, met: true }, 'target equal to baseline: no progress ratio')
})

t.test('several actuals, in order', async (t) => {
  const actuals: IndicatorActual[] = [
    { indicator: 'copper-deep-processing-rate', year: 2016, value: '0.5' },
    { indicator: 'tin-deep-processing-rate', year: 2016, value: '0.575' },
  ]
  const results = indicatorProgress(actuals, { asOf })
  // copper path 2016: 0.25 + 0.35 × 3/4 = 0.5125; tin: 0.50 + 0.10 × 3/4 = 0.575
  t.match(results, [
    { indicator: 'copper-deep-processing-rate', expected: '0.5125', onTrack: false },
    { indicator: 'tin-deep-processing-rate', expected: '0.575', onTrack: true, progress: '0.75' },
  ])
  t.same(indicatorProgress([], { asOf }), [])
})

t.test('input errors name the field', async (t) => {
  const cases: [unknown, string, string | undefined][] = [
    [[{ indicator: 'nope', year: 2015, value: '1' }], '/0/indicator', undefined],
    [[{ indicator: 'nope', year: 2015, value: '1' }], '/actuals/0/indicator', '/actuals'],
    [[{ indicator: 'light-industry-share', year: 2012, value: '0.4' }], '/0/year', undefined],
    [[{ indicator: 'light-industry-share', year: 2015.5, value: '0.4' }], '/0/year', undefined],
    [[{ indicator: 'light-industry-share', year: 2015, value: '47%' }], '/0/value', undefined],
    [[{ indicator: 'light-industry-share', year: 2015, value: 0.47 }], '/0/value', undefined],
    [null, '', undefined],
  ]
  for (const [actuals, pointer, root] of cases) {
    const e = errorOf(() =>
      indicatorProgress(actuals as IndicatorActual[], { asOf, ...(root ? { pointer: root } : {}) }),
    )
    t.ok(isEngineError(e, 'InvalidInput'), pointer)
    if (isEngineError(e)) t.equal(e.pointer, pointer)
  }
})
