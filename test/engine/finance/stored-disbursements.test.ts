// §18 concentration check over stored payments: groups of paid outcomes by designation, key when a
// designation is listed in fundConcentration.keyDesignations (top 3 = top3Reward.maxRank).

import t from 'tap'
import {
  fundConcentrationFromPaid,
  type PaidGroup,
} from '../../../src/engine/finance/stored-disbursements.ts'
import { DEFAULT_PARAMETERS } from '../../../src/engine/parameters/index.ts'

const options = { asOf: '2015-12-31', parameters: DEFAULT_PARAMETERS }
const group = (over: Partial<PaidGroup>): PaidGroup => ({
  emergingIndustry: false,
  keyTransformationLibrary: false,
  majorTransformationProject: false,
  emergingIndustryRank: null,
  count: 1,
  amount: '0.00',
  ...over,
})

t.test('key and other groups: share, pass, counts of the outcomes behind them', async (t) => {
  const r = fundConcentrationFromPaid(
    [
      group({ count: 3, amount: '400.00' }),
      group({ emergingIndustry: true, count: 2, amount: '500.00' }),
      group({ keyTransformationLibrary: true, majorTransformationProject: true, amount: '100.00' }),
    ],
    options,
  )
  t.same(r.totals, { disbursed: '1000.00', key: '600.00', other: '400.00', count: 6, keyCount: 3 })
  t.equal(r.share, '0.6')
  t.equal(r.passes, true, '60% is not less than 60%')
  t.same(
    r.groups.map((g) => [g.id, g.key]),
    [
      ['none', false],
      ['emerging-industry', true],
      ['key-transformation-library+major-transformation-project', true],
    ],
  )
  t.match(r.trace.parameters, [
    { name: 'fundConcentration.keyDesignations' },
    { name: 'top3Reward.maxRank', value: 3 },
    { name: 'fundConcentration.minimumKeyShare', value: '0.60' },
  ])
})

t.test('a ranked enterprise is key within top3Reward.maxRank only', async (t) => {
  const r = fundConcentrationFromPaid(
    [
      group({ emergingIndustryRank: 3, amount: '59.99' }),
      group({ emergingIndustryRank: 4, amount: '40.01' }),
    ],
    options,
  )
  t.same(
    r.groups.map((g) => [g.designations, g.key]),
    [
      [['emerging-top3-enterprise'], true],
      [[], false],
    ],
  )
  t.equal(r.passes, false, '59.99% < 60%')
  t.match(r.reasons, [{ code: 'KEY_SHARE_BELOW_MINIMUM' }])
  const ranks = fundConcentrationFromPaid(
    [group({ emergingIndustryRank: 4, amount: '1.00' }), group({ emergingIndustryRank: 5, amount: '1.00' })],
    options,
  )
  t.equal(
    new Set(ranks.groups.map((g) => g.id)).size,
    2,
    'groups with the same designations keep distinct ids',
  )
})

t.test('before the policy is in force: nothing key, the check NOT_IN_FORCE, nothing thrown', async (t) => {
  const r = fundConcentrationFromPaid(
    [group({ emergingIndustryRank: 1, amount: '70.00' }), group({ emergingIndustry: true, amount: '30.00' })],
    { ...options, asOf: '2013-12-31' },
  )
  t.same(
    r.groups.map((g) => [g.designations, g.key]),
    [
      [[], false],
      [['emerging-industry'], false],
    ],
    'no rank makes a "top 3", and no designation is key while fundConcentration.keyDesignations has no value',
  )
  t.equal(r.share, '0')
  t.equal(r.passes, null)
  t.match(r.reasons, [{ code: 'NOT_IN_FORCE' }])
})

t.test('the bureau narrows what counts as key (a parameter override)', async (t) => {
  const narrowed = {
    ...options,
    parameters: DEFAULT_PARAMETERS.withOverrides({
      'fundConcentration.keyDesignations': ['key-transformation-library'],
    }),
  }
  const r = fundConcentrationFromPaid(
    [
      group({ emergingIndustry: true, amount: '90.00' }),
      group({ keyTransformationLibrary: true, amount: '10.00' }),
    ],
    narrowed,
  )
  t.equal(r.totals.key, '10.00')
  t.equal(r.passes, false)
})

t.test('nothing paid: no share, neither pass nor fail', async (t) => {
  const r = fundConcentrationFromPaid([], options)
  t.equal(r.share, null)
  t.equal(r.passes, null)
  t.match(r.reasons, [{ code: 'NO_DISBURSEMENTS' }])
  t.same(r.totals, { disbursed: '0.00', key: '0.00', other: '0.00', count: 0, keyCount: 0 })
})
