// §18: at least 60% of provincial special industrial funds go to key industries, enterprises and
// projects. "不少于" includes 60%.

import t from 'tap'
import { isEngineError } from '../../../src/engine/errors.ts'
import { type Disbursement, fundConcentration } from '../../../src/engine/finance/fund-concentration.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'

const options = { asOf: '2016-12-31', parameters: DEFAULT_PARAMETERS }
const d = (id: string, amount: string, key: boolean): Disbursement => ({ id, amount, key })
const run = (disbursements: Disbursement[], opts = options) => fundConcentration({ disbursements }, opts)

const errorOf = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('just below, at and above 60%', async (t) => {
  const at = run([d('a', '60.00', true), d('b', '40.00', false)])
  t.equal(at.share, '0.6')
  t.equal(at.passes, true, '0.6 ≥ 0.6')
  t.same(at.reasons, [])
  t.same(at.totals, { disbursed: '100.00', key: '60.00', other: '40.00', count: 2, keyCount: 1 })
  t.equal(at.minimumShare, '0.60', 'as the parameter is written')
  t.match(at.trace.conditions, [{ input: '0.6', comparison: '>=', threshold: '0.6', holds: true }])
  t.match(at.trace.parameters, [{ name: 'fundConcentration.minimumKeyShare', value: '0.60' }])

  const below = run([d('a', '59.99', true), d('b', '40.01', false)])
  t.equal(below.share, '0.5999')
  t.equal(below.passes, false)
  t.match(below.reasons, [{ code: 'KEY_SHARE_BELOW_MINIMUM' }])

  const above = run([d('a', '60.01', true), d('b', '39.99', false)])
  t.equal(above.share, '0.6001')
  t.equal(above.passes, true)
})

t.test('exact ratios', async (t) => {
  const thirds = run([d('a', '200.00', true), d('b', '100.00', false)])
  t.equal(thirds.share, '2/3')
  t.equal(thirds.passes, true)
  t.match(thirds.trace.steps.at(-1), { expression: '200.00 ÷ 300.00', result: '2/3' })
  // 0.1 + 0.2 = 0.3 exactly, over 0.5 → 0.6 exactly: passes
  const tenths = run([d('a', '0.1', true), d('b', '0.2', true), d('c', '0.2', false)])
  t.equal(tenths.share, '0.6')
  t.equal(tenths.passes, true)
  t.equal(tenths.totals.key, '0.30')
  t.equal(run([d('a', '5', true)]).share, '1')
  const none = run([d('a', '5', false)])
  t.equal(none.share, '0')
  t.equal(none.passes, false)
})

t.test('nothing disbursed: no share', async (t) => {
  for (const list of [[], [d('a', '0.00', true), d('b', '0', false)]]) {
    const result = run(list)
    t.equal(result.share, null)
    t.equal(result.passes, null)
    t.match(result.reasons, [{ code: 'NO_DISBURSEMENTS', field: '/disbursements' }])
    t.equal(result.totals.disbursed, '0.00')
  }
})

t.test('the minimum is a parameter', async (t) => {
  const parameters = DEFAULT_PARAMETERS.withOverrides({ 'fundConcentration.minimumKeyShare': '0.7' })
  const result = run([d('a', '200.00', true), d('b', '100.00', false)], { ...options, parameters })
  t.equal(result.passes, false, '2/3 < 0.7')
  t.equal(result.minimumShare, '0.7')
})

t.test('input errors name the field', async (t) => {
  const cases: [Disbursement[], string][] = [
    [[d('a', '1.001', true)], '/disbursements/0/amount'],
    [[d('a', '-1', true)], '/disbursements/0/amount'],
    [[d('a', '1', true), d('a', '2', false)], '/disbursements/1/id'],
    [[d('', '1', true)], '/disbursements/0/id'],
    [[{ id: 'a', amount: '1', key: 'yes' as never }], '/disbursements/0/key'],
  ]
  for (const [list, pointer] of cases) {
    const e = errorOf(() => run(list))
    t.ok(isEngineError(e, 'InvalidInput'), pointer)
    if (isEngineError(e)) t.equal(e.pointer, pointer)
  }
  const e = errorOf(() => fundConcentration({ disbursements: null as never }, options))
  t.ok(isEngineError(e, 'InvalidInput') && e.pointer === '/disbursements')
})

t.test('before the rule is in force (the day before and the day it takes effect)', async (t) => {
  const list = [d('a', '200.00', true), d('b', '100.00', false)]
  const before = run(list, { ...options, asOf: '2013-12-31' })
  t.equal(before.share, '2/3')
  t.equal(before.passes, null)
  t.equal(before.minimumShare, null)
  t.match(before.reasons, [{ code: 'NOT_IN_FORCE' }])
  t.equal(run(list, { ...options, asOf: '2014-01-01' }).passes, true)
})
