// GET /v1/measures and /v1/parameters: the rules as data, through the real app.

import t from 'tap'
import { MEASURES } from '../../src/engine/measures/index.ts'
import { PARAMETER_DEFINITIONS } from '../../src/engine/parameters/index.ts'
import { MEASURE_IDS } from '../../src/engine/types.ts'
import { REASON_CODES, REASONS } from '../../src/i18n/reasons.ts'
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
    name: engine.title.zh,
    summary: engine.summary,
    cash: engine.cash,
    inputs: [...engine.inputs],
  })
  const en = await app.inject({ url: '/v1/measures/interest-subsidy', headers: { 'accept-language': 'en' } })
  t.equal(en.json().name, engine.title.en, 'name: the title in the language asked for')
  t.equal(en.headers['content-language'], 'en')

  const unknown = await get('/v1/measures/free-money')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
  t.match(unknown.json(), { status: 404, title: '未找到', instance: '/v1/measures/free-money' })
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
  const vatReading = vat.interpretation
  t.match(vatReading.en, /^VAT was shared 75% central/, 'interpretations are listed, in English')
  t.match(vatReading.zh, /^增值税在 2016-04-30 之前按中央 75%/, 'and in Chinese')
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
  t.match(unknown.json(), { status: 404, title: '未找到' })

  for (const at of ['2016-02-30', '2016-5-1', 'yesterday']) {
    const bad = await get(`/v1/parameters/localShare.vat?at=${at}`)
    t.equal(bad.statusCode, 400, `at=${at}`)
    t.match(bad.json(), { status: 400, errors: [{ parameter: 'at' }] })
  }
})

t.test(
  'GET /v1/reasons: every code with its message in both languages, text in the one asked for',
  async (t) => {
    const zh = await get('/v1/reasons')
    t.equal(zh.statusCode, 200)
    const byCode = new Map(
      (zh.json() as { code: string; message: { zh: string; en: string }; text: string }[]).map((r) => [
        r.code,
        r,
      ]),
    )
    t.same([...byCode.keys()], REASON_CODES)
    t.same(byCode.get('NEGATIVE_LIST'), {
      code: 'NEGATIVE_LIST',
      message: REASONS.NEGATIVE_LIST,
      text: REASONS.NEGATIVE_LIST.zh,
    })
    const en = await app.inject({ url: '/v1/reasons', headers: { 'accept-language': 'en;q=0.9, zh;q=0.1' } })
    t.equal(en.json()[0].text, REASONS[REASON_CODES[0]!].en)
  },
)

t.test('the OpenAPI document lists the reason codes as an enum, each with its messages', async (t) => {
  const doc = (await get('/openapi.json')).json()
  const reason = doc.components.schemas.Outcome.properties.reasons.items
  t.same(reason.properties.code.enum, REASON_CODES)
  t.same(reason.properties.code['x-messages'], REASONS)
  t.match(reason.properties.code.description, /- NEGATIVE_LIST: 项目列入负面清单/)
})

t.test('GET /v1/prefectures: ids, codes and names, the name in the language asked for', async (t) => {
  const zh = (await get('/v1/prefectures')).json()
  t.equal(zh.length, 16)
  t.same(zh[2], {
    id: 'yuxi',
    code: '530400',
    names: { zh: '玉溪市', zhShort: '玉溪', en: 'Yuxi' },
    name: '玉溪市',
  })
  const en = (await app.inject({ url: '/v1/prefectures', headers: { 'accept-language': 'en' } })).json()
  t.equal(en[8].name, 'Chuxiong Yi Autonomous Prefecture')
})
