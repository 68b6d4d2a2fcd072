// The monitoring indicators through HTTP (POLICY.md §4).

import t from 'tap'
import { indicatorProgress } from '../../src/engine/indicators/progress.ts'
import { INDICATORS } from '../../src/engine/indicators/targets.ts'
import { testApp } from '../helpers/app.ts'

const app = await testApp(t)
const progress = (payload: object) => app.inject({ method: 'POST', url: '/v1/indicators/progress', payload })

t.test('GET /v1/indicators lists every indicator with its baseline and targets', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/indicators' })
  t.equal(res.statusCode, 200)
  const list = res.json()
  t.equal(list.length, INDICATORS.length)
  t.match(
    list.find((i: { id: string }) => i.id === 'light-industry-share'),
    {
      clause: '§4',
      unit: 'ratio',
      direction: 'at-least',
      kind: 'level',
      parameter: 'indicators.light-industry-share',
      values: { baseline: '0.44', target2017: '0.50' },
    },
  )
  t.match(
    list.find((i: { id: string }) => i.id === 'light-industry-sales'),
    { strictTargetYears: [2020] },
  )
})

t.test('progress of a level indicator on the linear path, and of a growth indicator', async (t) => {
  const res = await progress({
    actuals: [
      { indicator: 'light-industry-share', year: 2015, value: '0.47' },
      { indicator: 'industrial-value-added-growth', year: 2015, value: '0.11' },
    ],
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.asOf, '2015-12-31', 'defaults to the end of the latest year reported')
  t.match(body.progress[0], {
    indicator: 'light-industry-share',
    baseline: '0.44',
    target: '0.5',
    targetYear: 2017,
    expected: '0.47',
    progress: '0.5',
    met: false,
    onTrack: true,
  })
  t.match(body.progress[1], { kind: 'annual-growth', met: false, onTrack: false })
  t.ok(body.progress[0].trace.conditions.length > 0, 'explained')
  const direct = indicatorProgress(
    [
      { indicator: 'light-industry-share', year: 2015, value: '0.47' },
      { indicator: 'industrial-value-added-growth', year: 2015, value: '0.11' },
    ],
    { asOf: '2015-12-31', language: 'zh-CN' },
  )
  t.same(body.progress, JSON.parse(JSON.stringify(direct)), 'nothing is dropped on the way out')
  // Steps and notes follow Accept-Language (Chinese by default), like a measure's trace.
  t.same(
    body.progress[0].trace.steps.map((s: { description: string }) => s.description),
    ['自基期值向目标值的进度', '2013年至2017年的线性进度在2015年的值'],
  )
  const english = await app.inject({
    method: 'POST',
    url: '/v1/indicators/progress',
    payload: {
      actuals: [{ indicator: 'light-industry-share', year: 2015, value: '0.47' }],
    },
    headers: { 'accept-language': 'en' },
  })
  t.same(
    english.json().progress[0].trace.steps.map((s: { description: string }) => s.description),
    ['progress from the base-year value toward the target', 'linear path from 2013 to 2017, at 2015'],
  )
})

t.test('an override of the targets is used and listed', async (t) => {
  const res = await progress({
    asOf: '2016-01-01',
    parameters: { 'indicators.light-industry-share': { baseline: '0.44', target2017: '0.47' } },
    actuals: [{ indicator: 'light-industry-share', year: 2015, value: '0.47' }],
  })
  t.match(res.json(), {
    asOf: '2016-01-01',
    progress: [{ target: '0.47', met: true }],
    overriddenParameters: ['indicators.light-industry-share'],
  })
})

t.test('refused input → 400 naming the field', async (t) => {
  const unknown = await progress({ actuals: [{ indicator: 'happiness', year: 2015, value: '1' }] })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().errors[0].pointer, '#/actuals/0/indicator')

  const early = await progress({ actuals: [{ indicator: 'light-industry-share', year: 2012, value: '0.4' }] })
  t.equal(early.statusCode, 400)
  t.equal(early.json().errors[0].pointer, '#/actuals/0/year')

  const number = await progress({ actuals: [{ indicator: 'light-industry-share', year: 2015, value: 0.47 }] })
  t.equal(number.statusCode, 400, 'a value is a decimal string, not a number')

  const empty = await progress({ actuals: [] })
  t.equal(empty.statusCode, 400)
})

t.test('a date before the baselines and targets exist is never a 500', async (t) => {
  // 0000-01-01 once answered 500 (no rule in force); it cannot even be stored: refused at the schema
  const stored = await progress({
    asOf: '0000-01-01',
    actuals: [{ indicator: 'light-industry-share', year: 2015, value: '0.47' }],
  })
  t.equal(stored.statusCode, 400)
  t.match(stored.json(), { errors: [{ pointer: '#/asOf' }] })
  // the earliest date the schema takes is answered, not failed
  const earliest = await progress({
    asOf: '1900-01-01',
    actuals: [{ indicator: 'light-industry-share', year: 2015, value: '0.47' }],
  })
  t.ok([200, 422].includes(earliest.statusCode), `1900-01-01: ${earliest.statusCode}`)
})
