// ISO date helpers: leap years, month arithmetic with clamping, inclusive periods.

import t from 'tap'
import {
  addDays,
  addMonths,
  contains,
  dayNumber,
  daysIn,
  fromDayNumber,
  intersect,
  isIsoDate,
  yearOf,
} from '../../src/engine/dates.ts'

t.test('isIsoDate and leap years', async (t) => {
  t.ok(isIsoDate('2016-02-29'), '2016 is a leap year')
  t.notOk(isIsoDate('2015-02-29'), '2015 is not')
  t.ok(isIsoDate('2000-02-29'), '2000 is (divisible by 400)')
  t.notOk(isIsoDate('1900-02-29'), '1900 is not (divisible by 100)')
  t.ok(isIsoDate('2020-02-29'))
  t.ok(isIsoDate('2015-12-31'))
  t.notOk(isIsoDate('2015-04-31'))
  t.notOk(isIsoDate('2015-13-01'))
  t.notOk(isIsoDate('2015-00-10'))
  t.notOk(isIsoDate('2015-01-00'))
  t.notOk(isIsoDate('2015-1-01'))
  t.notOk(isIsoDate('2015-01-01T00:00:00Z'))
  t.notOk(isIsoDate(''))
})

t.test('addMonths clamps to the end of the month', async (t) => {
  t.equal(addMonths('2016-01-31', 1), '2016-02-29', 'leap year')
  t.equal(addMonths('2015-01-31', 1), '2015-02-28')
  t.equal(addMonths('2016-03-31', -1), '2016-02-29', 'backwards')
  t.equal(addMonths('2016-01-31', 3), '2016-04-30')
  t.equal(addMonths('2014-12-15', 1), '2015-01-15', 'over the year end')
  t.equal(addMonths('2015-01-15', -13), '2013-12-15')
  t.equal(addMonths('2014-01-01', 36), '2017-01-01', 'the 36-month startup stage')
  t.equal(addMonths('2016-02-29', 12), '2017-02-28')
  t.equal(addMonths('2016-02-29', 48), '2020-02-29')
  t.equal(addMonths('2015-06-10', 0), '2015-06-10')
  t.throws(() => addMonths('2015-6-1', 1), RangeError)
})

t.test('addDays, day numbers, yearOf', async (t) => {
  t.equal(dayNumber('1970-01-01'), 0)
  t.equal(dayNumber('1970-01-02'), 1)
  t.equal(fromDayNumber(0), '1970-01-01')
  t.equal(addDays('2016-02-28', 1), '2016-02-29')
  t.equal(addDays('2015-02-28', 1), '2015-03-01')
  t.equal(addDays('2015-12-31', 1), '2016-01-01')
  t.equal(addDays('2016-05-01', -1), '2016-04-30')
  t.equal(yearOf('2016-05-01'), 2016)
})

t.test('daysIn counts both ends', async (t) => {
  t.equal(daysIn({ from: '2016-01-01', to: '2016-12-31' }), 366)
  t.equal(daysIn({ from: '2015-01-01', to: '2015-12-31' }), 365)
  t.equal(daysIn({ from: '2016-02-01', to: '2016-02-29' }), 29)
  t.equal(daysIn({ from: '2015-02-01', to: '2015-02-28' }), 28)
  t.equal(daysIn({ from: '2016-05-01', to: '2016-05-01' }), 1, 'a single day')
  t.equal(daysIn({ from: '2014-01-01', to: '2020-12-31' }), 2557, 'the policy window: 7 × 365 + 2 leap days')
})

t.test('intersect', async (t) => {
  t.same(intersect({ from: '2015-01-01', to: '2015-12-31' }, { from: '2015-07-01', to: '2016-06-30' }), {
    from: '2015-07-01',
    to: '2015-12-31',
  })
  t.same(intersect({ from: '2015-07-01', to: '2016-06-30' }, { from: '2015-01-01', to: '2015-12-31' }), {
    from: '2015-07-01',
    to: '2015-12-31',
  })
  t.same(
    intersect({ from: '2015-01-01', to: '2015-12-31' }, { from: '2015-03-01', to: '2015-03-31' }),
    { from: '2015-03-01', to: '2015-03-31' },
    'contained',
  )
  t.same(
    intersect({ from: '2015-01-01', to: '2015-06-30' }, { from: '2015-06-30', to: '2015-12-31' }),
    { from: '2015-06-30', to: '2015-06-30' },
    'touching on one day',
  )
  t.equal(
    intersect({ from: '2015-01-01', to: '2015-06-29' }, { from: '2015-06-30', to: '2015-12-31' }),
    null,
    'adjacent but disjoint',
  )
})

t.test('contains is inclusive', async (t) => {
  const window = { from: '2014-01-01', to: '2020-12-31' }
  t.ok(contains(window, '2014-01-01'))
  t.ok(contains(window, '2020-12-31'))
  t.notOk(contains(window, '2013-12-31'))
  t.notOk(contains(window, '2021-01-01'))
})

t.test('day numbers agree with the platform calendar for every day of 1900–2100', async (t) => {
  let mismatches = 0
  const first = Date.UTC(1900, 0, 1) / 86_400_000
  const last = Date.UTC(2100, 11, 31) / 86_400_000
  for (let day = first; day <= last; day++) {
    const iso = new Date(day * 86_400_000).toISOString().slice(0, 10)
    if (fromDayNumber(day) !== iso || dayNumber(iso) !== day) mismatches++
  }
  t.equal(mismatches, 0, `${last - first + 1} days checked`)
})
