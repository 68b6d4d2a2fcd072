// Dated parameters: the value in force on a date (the day before and the day a value changes),
// overrides (whole timeline, or from a date: a reform), errors naming the field, change dates, and
// the reader that records reads into a trace. Plus a consistency check of every registered parameter.

import t from 'tap'
import { isEngineError } from '../../../src/engine/errors.ts'
import { Rational } from '../../../src/engine/money.ts'
import { DEFAULT_PARAMETERS, PARAMETER_DEFINITIONS } from '../../../src/engine/parameters/index.ts'
import { checkValue, ParameterSet, RuleNotInForce } from '../../../src/engine/parameters/parameter-set.ts'
import type { ParameterDefinition } from '../../../src/engine/parameters/types.ts'
import { emptyTrace } from '../../../src/engine/trace.ts'

const text = { zh: '测试', en: 'test' }
const definitions: ParameterDefinition[] = [
  {
    name: 'share.vat',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: text,
    values: [
      { from: '2014-01-01', to: '2016-04-30', value: '0.25' },
      { from: '2016-05-01', to: null, value: '0.50' },
    ],
  },
  {
    name: 'share.businessTax',
    kind: 'rate',
    unit: 'ratio',
    clause: '§18',
    description: text,
    values: [{ from: '2014-01-01', to: '2016-04-30', value: '1' }],
  },
  {
    name: 'cap',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: text,
    values: [{ from: '2014-01-01', to: null, value: '10000000.00' }],
  },
  {
    name: 'months',
    kind: 'integer',
    unit: 'months',
    clause: '§18',
    description: text,
    values: [{ from: '2014-01-01', to: null, value: 36 }],
  },
  {
    name: 'start',
    kind: 'date',
    unit: 'date',
    clause: '§1',
    description: text,
    values: [{ from: '0000-01-01', to: null, value: '2014-01-01' }],
  },
  {
    name: 'levels',
    kind: 'list',
    unit: 'ids',
    clause: '§14',
    description: text,
    values: [{ from: '2014-01-01', to: null, value: ['provincial'] }],
  },
  {
    name: 'plot',
    kind: 'table',
    unit: 'ratio',
    clause: '§14',
    description: text,
    values: [{ from: '2014-01-01', to: null, value: { '25': '0.5' } }],
  },
  {
    name: 'unset',
    kind: 'amount',
    unit: 'CNY',
    clause: '§18',
    description: text,
    values: [{ from: '2014-01-01', to: null, value: null }],
  },
]
const set = ParameterSet.of(definitions)

const errorOf = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

t.test('lookup the day before and the day a value changes', async (t) => {
  t.match(set.lookup('share.vat', '2016-04-30'), {
    value: '0.25',
    from: '2014-01-01',
    to: '2016-04-30',
    clause: '§18',
    overridden: false,
  })
  t.match(set.lookup('share.vat', '2016-05-01'), { value: '0.50', from: '2016-05-01', to: null })
  t.match(set.lookup('share.vat', '2014-01-01'), { value: '0.25' }, 'the first day')
  t.match(
    set.lookup('share.vat', '2013-12-31'),
    { value: null, from: '2013-12-31', to: '2013-12-31' },
    'not yet in force',
  )
  t.match(set.lookup('share.businessTax', '2016-04-30'), { value: '1' })
  t.match(set.lookup('share.businessTax', '2016-05-01'), { value: null }, 'abolished: no value after its end')
  t.equal(set.lookup('nope', '2016-05-01'), undefined, 'unknown name')
})

t.test('changeDates lists the dates strictly inside (from, to]', async (t) => {
  t.same(set.changeDates('share.vat', '2016-01-01', '2016-12-31'), ['2016-05-01'])
  t.same(set.changeDates('share.vat', '2016-04-30', '2016-05-01'), ['2016-05-01'], 'the change day itself')
  t.same(set.changeDates('share.vat', '2016-05-01', '2016-05-31'), [], 'a period starting on the change day')
  t.same(set.changeDates('share.vat', '2016-04-01', '2016-04-30'), [], 'a period ending the day before')
  t.same(set.changeDates('share.vat', '2013-12-01', '2016-12-31'), ['2014-01-01', '2016-05-01'])
  t.same(
    set.changeDates('share.businessTax', '2016-04-01', '2016-05-31'),
    ['2016-05-01'],
    'the day after an end',
  )
  t.same(set.changeDates('nope', '2016-01-01', '2016-12-31'), [])
})

t.test('override the whole timeline', async (t) => {
  const o = set.withOverrides({ 'share.vat': '0.3' })
  t.match(o.lookup('share.vat', '2014-06-01'), {
    value: '0.3',
    from: '0000-01-01',
    to: null,
    overridden: true,
  })
  t.match(o.lookup('share.vat', '2016-05-01'), { value: '0.3' })
  t.same(o.overridden, ['share.vat'])
  t.match(
    set.lookup('share.vat', '2014-06-01'),
    { value: '0.25', overridden: false },
    'the original is unchanged',
  )
  t.same(set.overridden, [])
  t.equal(set.withOverrides({}), set, 'no overrides: the same set')
  t.same(o.changeDates('share.vat', '2014-01-01', '2020-12-31'), [])
})

t.test('override from a date (a reform)', async (t) => {
  const o = set.withOverrides({ 'share.vat': { from: '2017-01-01', value: '0.6' } })
  t.match(o.lookup('share.vat', '2015-06-01'), { value: '0.25', to: '2016-04-30' }, 'earlier values kept')
  t.match(
    o.lookup('share.vat', '2016-12-31'),
    { value: '0.50', from: '2016-05-01', to: '2016-12-31' },
    'the day before: ends there',
  )
  t.match(
    o.lookup('share.vat', '2017-01-01'),
    { value: '0.6', from: '2017-01-01', to: null, overridden: true },
    'the day of',
  )
  t.same(o.changeDates('share.vat', '2016-01-01', '2017-12-31'), ['2016-05-01', '2017-01-01'])

  const earlier = set.withOverrides({ 'share.vat': { from: '2015-01-01', value: '0.4' } })
  t.match(earlier.lookup('share.vat', '2014-12-31'), { value: '0.25', to: '2014-12-31' })
  t.match(earlier.lookup('share.vat', '2016-06-01'), { value: '0.4' }, 'later dated values are replaced')

  const ended = set.withOverrides({ cap: { from: '2018-01-01', value: null } })
  t.match(ended.lookup('cap', '2017-12-31'), { value: '10000000.00' })
  t.match(ended.lookup('cap', '2018-01-01'), { value: null }, 'a null value ends a rule')

  const set2 = set.withOverrides({ unset: '500000.00' })
  t.match(set2.lookup('unset', '2015-01-01'), { value: '500000.00' })
  t.match(set2.definition('unset'), { values: [{ from: '0000-01-01', value: '500000.00' }] })
})

t.test('an unknown name is UnknownParameter with a pointer', async (t) => {
  const e = errorOf(() => set.withOverrides({ nope: '0.1' }))
  t.ok(isEngineError(e, 'UnknownParameter'))
  if (isEngineError(e)) {
    t.equal(e.pointer, '/parameters/nope')
    t.same(e.details, { name: 'nope' })
  }
  const prefixed = errorOf(() => set.withOverrides({ nope: '0.1' }, '/request/parameters'))
  t.ok(isEngineError(prefixed) && prefixed.pointer === '/request/parameters/nope')
  const escaped = errorOf(() => set.withOverrides({ 'a/b~c': '0.1' }))
  t.ok(isEngineError(escaped) && escaped.pointer === '/parameters/a~1b~0c', 'RFC 6901 escaping')
  t.notOk(isEngineError(e, 'InvalidParameterValue'), 'the guard narrows by code')
  t.notOk(isEngineError(new Error('x')))
})

t.test('a value of the wrong kind is InvalidParameterValue', async (t) => {
  const bad: [string, unknown, string][] = [
    ['share.vat', 0.3, '/parameters/share.vat'],
    ['share.vat', '-0.1', '/parameters/share.vat'],
    ['share.vat', '30%', '/parameters/share.vat'],
    ['cap', '100.001', '/parameters/cap'],
    ['cap', '-1.00', '/parameters/cap'],
    ['months', 1.5, '/parameters/months'],
    ['months', '36', '/parameters/months'],
    ['start', '2015-02-30', '/parameters/start'],
    ['levels', ['provincial', 1], '/parameters/levels'],
    ['levels', 'provincial', '/parameters/levels'],
    ['plot', { '25': 'half' }, '/parameters/plot'],
    ['plot', ['0.5'], '/parameters/plot'],
    ['share.vat', { from: '2016-05-01', value: 0.5 }, '/parameters/share.vat/value'],
    ['share.vat', { from: '2016-5-1', value: '0.5' }, '/parameters/share.vat/from'],
  ]
  for (const [name, value, pointer] of bad) {
    const e = errorOf(() => set.withOverrides({ [name]: value as never }))
    t.ok(isEngineError(e, 'InvalidParameterValue'), `${name} = ${JSON.stringify(value)}`)
    if (isEngineError(e)) t.equal(e.pointer, pointer)
  }
  t.equal(checkValue('rate', null), null, 'null (not in force) fits every kind')
  t.equal(checkValue('table', { a: '1.5' }), null)
  t.match(checkValue('amount', '1.005'), { zh: /最多两位小数/, en: /at most 2 decimals/ })
})

t.test('the reader records each read once per name and period', async (t) => {
  const trace = emptyTrace('§18')
  const reader = set.reader(trace)
  t.ok(reader.decimal('share.vat', '2015-01-01')?.eq(Rational.parse('0.25')))
  reader.decimal('share.vat', '2015-06-01')
  reader.decimal('share.vat', '2016-06-01')
  t.same(
    trace.parameters.map((p) => [p.name, p.from, p.value]),
    [
      ['share.vat', '2014-01-01', '0.25'],
      ['share.vat', '2016-05-01', '0.50'],
    ],
  )
  t.equal(reader.decimal('share.businessTax', '2016-05-01'), null, 'not in force → null')
  t.throws(
    () => reader.requireDecimal('share.businessTax', '2016-05-01'),
    RuleNotInForce,
    'a rule the measure needs is not in force',
  )
  t.equal(reader.requireDecimal('cap', '2015-01-01').toMoney(), '10000000.00')
  t.equal(reader.integer('months', '2015-01-01'), 36)
  t.equal(reader.date('start', '2015-01-01'), '2014-01-01')
  t.same(reader.list('levels', '2015-01-01'), ['provincial'])
  t.same(reader.list('levels', '2013-01-01'), [], 'an unset list reads as empty')
  t.same(reader.table('plot', '2015-01-01'), { '25': '0.5' })
  t.same(reader.table('plot', '2013-01-01'), {})
  t.notOk(reader.isSet('unset', '2015-01-01'))
  t.ok(reader.isSet('cap', '2015-01-01'))
  t.throws(() => reader.read('nope', '2015-01-01'), /engine bug: parameter "nope"/)
  t.equal(set.definitions().length, definitions.length)
  t.equal(set.definition('nope'), undefined)
})

t.test('every registered parameter is well formed', async (t) => {
  const names = PARAMETER_DEFINITIONS.map((d) => d.name)
  t.same(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'names are unique',
  )
  for (const d of DEFAULT_PARAMETERS.definitions()) {
    t.match(d.clause, /^§\d+(–§\d+)?(, §\d+(–§\d+)?)*$/, `${d.name} cites a clause (or several: "§4, §8–§9")`)
    t.ok(d.description.zh && d.description.en, `${d.name} has zh and en descriptions`)
    t.ok(d.values.length > 0, `${d.name} has values`)
    d.values.forEach((v, i) => {
      t.equal(checkValue(d.kind, v.value), null, `${d.name} value ${i} fits kind ${d.kind}`)
      t.ok(v.to === null || v.from <= v.to, `${d.name} value ${i} period is ordered`)
      const next = d.values[i + 1]
      if (next) t.ok(v.to !== null && v.to < next.from, `${d.name} values ${i} and ${i + 1} do not overlap`)
    })
  }
})
