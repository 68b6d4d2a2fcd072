// A prefecture written as pinyin id, GB/T 2260 code, or Chinese name (full or short) is the same
// prefecture: the same decision, and stored as the pinyin id (on the database of the run).

import t from 'tap'
import example from '../../examples/land-price-ceiling.json' with { type: 'json' }
import { PREFECTURES, prefectureId } from '../../src/engine/prefectures.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const database = await testDatabase(t)
const app = await testApp(t, database)
const keys = await keysFor(database)

const withPrefecture = (prefecture: string) => {
  const b = JSON.parse(JSON.stringify(example))
  b.application.project.prefecture = prefecture
  return b
}
const evaluate = (body: unknown) =>
  app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: body as object })

t.test('every spelling maps to its id', async (t) => {
  for (const p of PREFECTURES) {
    for (const spelling of [p.id, p.code, p.zh, p.short]) t.equal(prefectureId(spelling), p.id, spelling)
  }
  t.equal(prefectureId('Yuxi'), null, 'ids are lowercase')
  t.equal(prefectureId('玉'), null)
})

t.test('an evaluation decides the same for "qujing", "530300", "曲靖市" and "曲靖"', async (t) => {
  const expected = await evaluate(withPrefecture('qujing'))
  t.equal(expected.statusCode, 200)
  for (const spelling of ['530300', '曲靖市', '曲靖']) {
    const res = await evaluate(withPrefecture(spelling))
    t.equal(res.statusCode, 200, spelling)
    t.equal(res.body, expected.body, `${spelling}: the same answer, byte for byte`)
  }
  const tier1 = (await evaluate(withPrefecture('昆明'))).json()
  const tier2 = expected.json()
  t.not(
    tier1.outcomes[0].details.ceilingPerMu,
    tier2.outcomes[0].details.ceilingPerMu,
    'control: Kunming differs',
  )
})

t.test('anything else is refused naming the field', async (t) => {
  const res = await evaluate(withPrefecture('玉'))
  t.equal(res.statusCode, 400)
  t.match(res.json().errors, [{ pointer: '#/application/project/prefecture' }])
})

t.test('a stored application holds the pinyin id', async (t) => {
  const facts = deepProcessing('p-prefecture', '1000000.00')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/applications',
    headers: { ...bearer(keys.finance), 'idempotency-key': 'prefecture-1' },
    payload: { ...facts, project: { ...facts.project!, prefecture: '玉溪' } },
  })
  t.equal(res.statusCode, 201, res.body)
  const stored = await app.inject({ url: `/v1/applications/${res.json().id}`, headers: bearer(keys.finance) })
  t.equal(stored.json().facts.project.prefecture, 'yuxi')
})
