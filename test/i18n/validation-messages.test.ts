// A refused field says why in words, in Chinese and in English: no pattern of the API (every one in
// openapi/openapi.json) is answered with its regular expression, which tells a clerk nothing. Over
// HTTP: an investment of three decimals, in both languages.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import example from '../../examples/interest-subsidy.json' with { type: 'json' }
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { fieldErrorText } from '../../src/i18n/validation-messages.ts'

const document = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'),
) as unknown

const patternsOf = (value: unknown, found = new Set<string>()): Set<string> => {
  if (value && typeof value === 'object') {
    const pattern = (value as { pattern?: unknown }).pattern
    if (typeof pattern === 'string') found.add(pattern)
    for (const member of Object.values(value)) patternsOf(member, found)
  }
  return found
}

t.test('every pattern of the API is said in words in both languages', async (t) => {
  const patterns = [...patternsOf(document)]
  t.ok(patterns.length >= 20, `${patterns.length} patterns in openapi.json`)
  for (const pattern of patterns) {
    // what Ajv gives: its English quotes the expression
    const text = fieldErrorText({
      instancePath: '/x',
      keyword: 'pattern',
      params: { pattern },
      message: `must match pattern "${pattern}"`,
    })
    t.notOk(text.en.includes(pattern) || text.zh.includes(pattern), `${pattern}: ${text.en} / ${text.zh}`)
  }
})

t.test('an investment of three decimals: the field and the rule, in either language', async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const body = structuredClone(example)
  body.application.project.investment = '12.345'
  const post = (language: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: { 'accept-language': language },
      payload: body,
    })
  const en = await post('en')
  t.equal(en.statusCode, 400)
  t.same(en.json().errors, [
    {
      pointer: '#/application/project/investment',
      detail:
        'must be an amount in yuan: a decimal string of at most 15 digits and two decimals, e.g. "1200.50"',
    },
  ])
  const zh = await post('zh')
  t.same(zh.json().errors, [
    {
      pointer: '#/application/project/investment',
      detail: '必须是以元为单位的金额：十进制字符串，最多 15 位整数、两位小数，如 "1200.50"',
    },
  ])
})
