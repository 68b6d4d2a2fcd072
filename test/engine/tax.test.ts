// Local taxes of tax records within an eligibility window (src/engine/tax.ts): the local retained
// share by the period's dates, the two period rules of POLICY.md §0 (reject a record straddling a
// parameter change date; prorate one straddling a window's edge) and record checks.

import t from 'tap'
import { isEngineError } from '../../src/engine/errors.ts'
import { MeasureRun } from '../../src/engine/measure.ts'
import { Rational } from '../../src/engine/money.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import type { ParameterSet } from '../../src/engine/parameters/parameter-set.ts'
import { RULESET } from '../../src/engine/ruleset.ts'
import {
  calendarYear,
  checkTaxRecords,
  localShareFor,
  localTaxesWithin,
  parseTaxAmount,
  uncoveredPeriods,
} from '../../src/engine/tax.ts'
import type { TaxRecord } from '../../src/engine/types.ts'

const newRun = (parameters: ParameterSet = DEFAULT_PARAMETERS) =>
  new MeasureRun(
    { id: 'emerging-project-tax-reward', clause: '§18' },
    {
      applicationDate: '2018-03-01',
      enterprise: { creditCode: '91530100MA6N2X3P4X', name: 'Kunming Display Technology Co.' },
    },
    '2018-03-01',
    {},
    parameters,
    RULESET.version,
  )

const POLICY_WINDOW = { from: '2014-01-01', to: '2020-12-31' }
const RECORDS = '/project/taxRecords'

/** The error `fn` throws (tap's t.throws returns it loosely typed). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('POLICY.md §5 example 3: 2015 and 2017 local taxes', async (t) => {
  const run2015 = newRun()
  const y2015 = localTaxesWithin(
    run2015,
    [{ from: '2015-01-01', to: '2015-12-31', vat: '2000000.00', enterpriseIncomeTax: '1000000.00' }],
    RECORDS,
    POLICY_WINDOW,
    'the window',
  )
  t.equal(y2015.total.toYuan(), '900000.00', '0.25 × 2 000 000 + 0.40 × 1 000 000')
  t.same(
    run2015.trace.steps.map((s) => s.expression),
    ['0.25 × 2000000.00', '0.4 × 1000000.00', '500000.00 + 400000.00'],
  )
  t.same(
    run2015.trace.parameters.map((p) => [p.name, p.value, p.from, p.to]),
    [
      ['localShare.vat', '0.25', '2013-01-01', '2016-04-30'],
      ['localShare.enterpriseIncomeTax', '0.40', '2013-01-01', null],
    ],
    'each share read is in the trace with its effective period',
  )

  const y2017 = localTaxesWithin(
    newRun(),
    [{ from: '2017-01-01', to: '2017-12-31', vat: '2000000.00', enterpriseIncomeTax: '1000000.00' }],
    RECORDS,
    POLICY_WINDOW,
    'the window',
  )
  t.equal(y2017.total.toYuan(), '1400000.00', '0.50 × 2 000 000 + 0.40 × 1 000 000')
})

t.test('the VAT share the day before and the day it changes', async (t) => {
  const run = newRun()
  const result = localTaxesWithin(
    run,
    [
      { from: '2016-04-30', to: '2016-04-30', vat: '1000.00' },
      { from: '2016-05-01', to: '2016-05-01', vat: '1000.00' },
    ],
    RECORDS,
    POLICY_WINDOW,
    'the window',
  )
  t.equal(result.total.toYuan(), '750.00', '250.00 + 500.00')
  t.same(
    run.trace.parameters.filter((p) => p.name === 'localShare.vat').map((p) => p.value),
    ['0.25', '0.50'],
    'both VAT shares recorded',
  )
})

t.test('a record straddling 2016-05-01 is rejected, naming the date and the record', async (t) => {
  const records: TaxRecord[] = [
    { from: '2016-03-01', to: '2016-03-31', vat: '100.00' },
    { from: '2016-04-01', to: '2016-05-31', vat: '200000.00' },
  ]
  const error = thrown(() => localTaxesWithin(newRun(), records, RECORDS, POLICY_WINDOW, 'the window'))
  t.ok(isEngineError(error, 'StraddlesParameterChange'), 'StraddlesParameterChange')
  if (isEngineError(error)) {
    t.equal(error.pointer, '/project/taxRecords/1')
    t.match(error.message, /2016-05-01/, 'the message names the date')
    t.equal(error.details.date, '2016-05-01')
    t.equal(error.details.parameter, 'localShare.vat')
  }

  const oneDay = thrown(() =>
    localTaxesWithin(
      newRun(),
      [{ from: '2016-04-30', to: '2016-05-01', businessTax: '10.00' }],
      RECORDS,
      POLICY_WINDOW,
      'w',
    ),
  )
  t.ok(isEngineError(oneDay, 'StraddlesParameterChange'), 'a business-tax record over the change day too')
})

t.test('a record straddling 2016-05-01 with no tax whose share changes is accepted', async (t) => {
  const eitOnly = localTaxesWithin(
    newRun(),
    [{ from: '2016-01-01', to: '2016-12-31', enterpriseIncomeTax: '1200000.00' }],
    RECORDS,
    POLICY_WINDOW,
    'w',
  )
  t.equal(eitOnly.total.toYuan(), '480000.00', 'EIT share 0.40 does not change')
  const zeroVat = localTaxesWithin(
    newRun(),
    [{ from: '2016-01-01', to: '2016-12-31', vat: '0.00', enterpriseIncomeTax: '100.00' }],
    RECORDS,
    POLICY_WINDOW,
    'w',
  )
  t.equal(zeroVat.total.toYuan(), '40.00', 'a VAT of 0.00 uses no share')
})

t.test('a straddling record outside the window is not used, so not rejected', async (t) => {
  const run = newRun()
  const result = localTaxesWithin(
    run,
    [
      { from: '2016-04-01', to: '2016-05-31', vat: '200000.00' },
      { from: '2017-01-01', to: '2017-01-31', vat: '1000.00' },
    ],
    RECORDS,
    { from: '2017-01-01', to: '2020-12-31' },
    'the window',
  )
  t.equal(result.total.toYuan(), '500.00')
  t.equal(result.records.length, 1)
  t.match(run.trace.notes[0], /\/project\/taxRecords\/0 .* not counted/)
})

t.test('business tax: 100% until 2016-04-30, not in force from 2016-05-01', async (t) => {
  const april = localTaxesWithin(
    newRun(),
    [{ from: '2016-04-01', to: '2016-04-30', businessTax: '40000.00' }],
    RECORDS,
    POLICY_WINDOW,
    'w',
  )
  t.equal(april.total.toYuan(), '40000.00')
  const may = thrown(() =>
    localTaxesWithin(
      newRun(),
      [{ from: '2016-05-01', to: '2016-05-31', businessTax: '40000.00' }],
      RECORDS,
      POLICY_WINDOW,
      'w',
    ),
  )
  t.ok(isEngineError(may, 'TaxNotInForce'), 'TaxNotInForce')
  if (isEngineError(may)) {
    t.equal(may.pointer, '/project/taxRecords/0/businessTax')
    t.equal(may.details.date, '2016-05-01', 'names the date the tax ended')
  }
  const zero = localTaxesWithin(
    newRun(),
    [{ from: '2016-05-01', to: '2016-05-31', businessTax: '0.00' }],
    RECORDS,
    POLICY_WINDOW,
    'w',
  )
  t.ok(zero.total.isZero(), 'a business tax of 0.00 after abolition is accepted')
})

t.test('a record straddling a window edge counts pro rata by days, exactly', async (t) => {
  const run = newRun()
  const result = localTaxesWithin(
    run,
    [{ from: '2015-03-01', to: '2015-03-31', vat: '100000.00' }],
    RECORDS,
    { from: '2015-03-20', to: '2020-12-31' },
    'the reward window',
  )
  t.ok(result.total.eq(Rational.of(300000n, 31n)), '100 000.00 × 12/31 × 0.25 = 300000/31')
  t.equal(result.records[0]?.days, '12/31')
  t.same(result.records[0]?.counted, { from: '2015-03-20', to: '2015-03-31' })
  t.same(run.trace.steps[0], {
    description:
      'VAT of /project/taxRecords/0 inside the reward window (2015-03-20…2015-03-31), pro rata by days',
    expression: '100000.00 × 12 / 31',
    // ruleset 1.2.0 shows a value that does not terminate as a decimal (1.0.0 and 1.1.0: "1200000/31")
    result: '38709.677419…',
  })

  const end = localTaxesWithin(
    newRun(),
    [{ from: '2020-12-01', to: '2021-01-31', enterpriseIncomeTax: '620000.00' }],
    RECORDS,
    POLICY_WINDOW,
    'w',
  )
  t.equal(end.total.toYuan(), '124000.00', '620 000.00 × 31/62 × 0.40 at the window end')
})

t.test('no record inside the window → zero, shown as a step', async (t) => {
  const run = newRun()
  const result = localTaxesWithin(
    run,
    [{ from: '2014-01-01', to: '2014-01-31', vat: '1.00' }],
    RECORDS,
    { from: '2015-01-01', to: '2015-12-31' },
    'w',
  )
  t.ok(result.total.isZero())
  t.equal(run.trace.steps.at(-1)?.expression, '0')
})

t.test('record checks', async (t) => {
  const cases: [TaxRecord, string][] = [
    [{ from: '2015-12-31', to: '2015-01-01', vat: '1.00' }, '/x/0/to'],
    [{ from: '2015-02-30', to: '2015-03-31', vat: '1.00' }, '/x/0/from'],
    [{ from: '2015-01-01', to: '2015-01-31', vat: '1.005' }, '/x/0/vat'],
    [{ from: '2015-01-01', to: '2015-01-31', enterpriseIncomeTax: '-1.00' }, '/x/0/enterpriseIncomeTax'],
    [{ from: '2015-01-01', to: '2015-01-31', businessTax: 12 as unknown as string }, '/x/0/businessTax'],
  ]
  for (const [record, pointer] of cases) {
    const error = thrown(() => checkTaxRecords([record], '/x'))
    t.ok(isEngineError(error, 'InvalidInput'), `InvalidInput for ${JSON.stringify(record)}`)
    if (isEngineError(error)) t.equal(error.pointer, pointer)
  }
  t.doesNotThrow(() => checkTaxRecords([{ from: '2015-01-01', to: '2015-01-01', vat: '1' }], '/x'))
  t.equal(parseTaxAmount('1234.5', '/a').toYuan(), '1234.50')
})

t.test('the individual income tax share, and a reform that changes mid-year', async (t) => {
  t.equal(
    localShareFor(newRun(), 'individualIncomeTax', calendarYear(2016), '/t/0', '/t/0/iit').toString(),
    '0.4',
  )
  const reformed = DEFAULT_PARAMETERS.withOverrides({
    'localShare.individualIncomeTax': { from: '2018-07-01', value: '0.50' },
  })
  const error = thrown(() =>
    localShareFor(newRun(reformed), 'individualIncomeTax', calendarYear(2018), '/t/0', '/t/0/iit'),
  )
  t.ok(isEngineError(error, 'StraddlesParameterChange'), 'a year straddling the reform date is rejected')
  if (isEngineError(error)) t.equal(error.details.date, '2018-07-01')
  t.equal(
    localShareFor(newRun(reformed), 'individualIncomeTax', calendarYear(2019), '/t/0', '/t/0/iit').toString(),
    '0.5',
  )
})

t.test('calendarYear', async (t) => {
  t.same(calendarYear(2016), { from: '2016-01-01', to: '2016-12-31' })
})

t.test('uncoveredPeriods', async (t) => {
  const year = calendarYear(2016)
  const r = (from: string, to: string): TaxRecord => ({ from, to })
  t.same(uncoveredPeriods([r('2016-01-01', '2016-12-31')], year), [], 'one record for the year')
  t.same(uncoveredPeriods([r('2015-12-01', '2017-01-31')], year), [], 'a record beyond both ends')
  t.same(uncoveredPeriods([], year), [year], 'nothing')
  t.same(
    uncoveredPeriods(
      [r('2016-02-01', '2016-05-31'), r('2016-03-01', '2016-04-30'), r('2016-07-01', '2016-11-30')],
      year,
    ),
    [
      { from: '2016-01-01', to: '2016-01-31' },
      { from: '2016-06-01', to: '2016-06-30' },
      { from: '2016-12-01', to: '2016-12-31' },
    ],
    'gaps at the start, in the middle and at the end; overlaps are fine',
  )
  t.same(
    uncoveredPeriods([r('2016-05-01', '2016-12-31'), r('2016-01-01', '2016-04-30')], year),
    [],
    'records in any order',
  )
})
