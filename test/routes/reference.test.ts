// GET /v1/measures and /v1/parameters: the rules as data, through the real app.

import t from 'tap'
import { MEASURES } from '../../src/engine/measures/index.ts'
import { PARAMETER_DEFINITIONS } from '../../src/engine/parameters/index.ts'
import { MEASURE_IDS } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'

const app = await testApp(t)
const get = (url: string) => app.inject({ method: 'GET', url })

t.test(
  'GET /v1/measures lists every measure with its clause, titles, summary, cash flag and inputs',
  async (t) => {
    const res = await get('/v1/measures')
    t.equal(res.statusCode, 200)
    const measures = res.json()
    t.same(
      measures.map((m: { id: string }) => m.id),
      [...MEASURE_IDS],
    )
    for (const m of measures) {
      t.hasOwnProps(m, ['id', 'clause', 'title', 'summary', 'cash', 'inputs'])
      t.hasOwnProps(m.title, ['zh', 'en'])
      t.hasOwnProps(m.summary, ['zh', 'en'])
    }
    t.match(
      measures.find((m: { id: string }) => m.id === 'land-price-ceiling'),
      { clause: '§14', cash: false },
    )
  },
)

t.test('GET /v1/measures/{id}', async (t) => {
  const res = await get('/v1/measures/interest-subsidy')
  t.equal(res.statusCode, 200)
  const engine = MEASURES.find((m) => m.id === 'interest-subsidy')!
  t.same(res.json(), {
    id: engine.id,
    clause: engine.clause,
    title: engine.title,
    summary: engine.summary,
    cash: engine.cash,
    inputs: [...engine.inputs],
  })

  const unknown = await get('/v1/measures/free-money')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
  t.match(unknown.json(), { status: 404, title: 'Not Found', instance: '/v1/measures/free-money' })
})

t.test('GET /v1/parameters lists every parameter with its dated values', async (t) => {
  const res = await get('/v1/parameters')
  t.equal(res.statusCode, 200)
  const parameters = res.json()
  t.equal(parameters.length, PARAMETER_DEFINITIONS.length)
  for (const p of parameters) t.hasOwnProps(p, ['name', 'kind', 'unit', 'clause', 'description', 'values'])
  const vat = parameters.find((p: { name: string }) => p.name === 'localShare.vat')
  t.same(vat.values, [
    { from: '2013-01-01', to: '2016-04-30', value: '0.25' },
    { from: '2016-05-01', to: null, value: '0.50' },
  ])
  t.ok(
    parameters.some((p: { interpretation?: string }) => typeof p.interpretation === 'string'),
    'interpretations are listed',
  )
  const table = parameters.find((p: { name: string }) => p.name === 'landPrice.standardPlotRatio')
  t.equal(table.kind, 'table')
  t.equal(table.values[0].value['26'], '0.6', 'tables keep their entries')
  const list = parameters.find((p: { name: string }) => p.name === 'landPrice.parkLevels')
  t.same(list.values[0].value, ['provincial'], 'lists keep their items')
  const integer = parameters.find((p: { name: string }) => p.name === 'startup.stageMonths')
  t.equal(integer.values[0].value, 36, 'integers stay numbers')
})

t.test('GET /v1/parameters/{name}: a dotted name, its history, the value in force on ?at=', async (t) => {
  const history = await get('/v1/parameters/localShare.vat')
  t.equal(history.statusCode, 200)
  t.equal(history.json().name, 'localShare.vat')
  t.equal(history.json().values.length, 2)
  t.notOk('inForce' in history.json(), 'no current value without ?at=')

  const before = await get('/v1/parameters/localShare.vat?at=2016-04-30')
  t.match(before.json(), {
    at: '2016-04-30',
    inForce: { value: '0.25', from: '2013-01-01', to: '2016-04-30' },
  })
  const on = await get('/v1/parameters/localShare.vat?at=2016-05-01')
  t.match(on.json(), { at: '2016-05-01', inForce: { value: '0.50', from: '2016-05-01', to: null } })
  t.equal(on.json().values.length, 2, 'the full history comes too')

  const ended = await get('/v1/parameters/localShare.businessTax?at=2016-05-01')
  t.equal(ended.json().inForce.value, null, 'business tax is not in force after 2016-04-30')

  const unset = await get('/v1/parameters/standardsAward.amount?at=2015-01-01')
  t.equal(unset.statusCode, 200)
  t.equal(unset.json().inForce.value, null, 'standardsAward.amount is unset by default')
})

t.test('GET /v1/parameters/{name}: unknown name → 404, bad date → 400', async (t) => {
  const unknown = await get('/v1/parameters/interestSubsidy.rat')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { status: 404, title: 'Not Found' })

  for (const at of ['2016-02-30', '2016-5-1', 'yesterday']) {
    const bad = await get(`/v1/parameters/localShare.vat?at=${at}`)
    t.equal(bad.statusCode, 400, `at=${at}`)
    t.match(bad.json(), { status: 400, errors: [{ parameter: 'at' }] })
  }
})
