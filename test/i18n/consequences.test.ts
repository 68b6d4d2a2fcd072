// §17's consequences in words (issue 12): a failed negative-list gate lists its consequences by id
// and, in every response, as {id, zh, en} — the same bytes whatever the request's language.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Application } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const cases = JSON.parse(
  readFileSync(join(ROOT, 'test', 'engine', 'cases', 'negative-list.json'), 'utf8'),
) as {
  name: string
  application: Application
}[]
const listed = cases.find((c) => c.name.startsWith('POLICY.md §5 example 6'))!.application
const passes = cases.find((c) => c.name.startsWith('the same project when encouraged'))!.application

// biome-ignore lint/suspicious/noExplicitAny: a JSON response body, read field by field
type Json = any

t.test('a negative-listed project: the consequences in both languages', async (t) => {
  const app = await testApp(t)
  const post = async (application: Application, query: string, language?: string) => {
    const r = await app.inject({
      method: 'POST',
      url: `/v1/evaluations${query}`,
      payload: { application },
      headers: language ? { 'accept-language': language } : {},
    })
    t.equal(r.statusCode, 200)
    return r
  }
  const expected = [
    { id: 'no-project-approval', zh: '立项禁批', en: 'no project approval' },
    { id: 'no-land-supply', zh: '用地禁供', en: 'no land supply' },
    { id: 'no-environmental-review', zh: '环保禁评', en: 'no environmental impact review' },
    { id: 'no-loans', zh: '金融禁贷', en: 'no bank loans' },
  ]
  for (const query of ['', '?explain=full']) {
    const zh = await post(listed, query)
    const gate = (zh.json() as Json).gates.find((g: Json) => g.gate === 'negative-list')
    t.equal(gate.passed, false, `${query || 'summary'}: the gate fails`)
    t.same(
      gate.consequences,
      expected.map((c) => c.id),
      'the ids, as before',
    )
    t.same(gate.consequenceTexts, expected, 'and the words, in both languages')
    const passed = (await post(passes, query)).json() as Json
    t.same(
      passed.gates.find((g: Json) => g.gate === 'negative-list').consequenceTexts,
      [],
      'none when it passes',
    )
  }
  const summaryZh = await post(listed, '')
  const summaryEn = await post(listed, '', 'en')
  t.equal(summaryEn.body, summaryZh.body, 'the summary is the same bytes in either language')
})
