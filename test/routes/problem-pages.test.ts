// A problem's `type` resolves to a page explaining it: HTML for a browser, JSON for a client, in
// the request's language; every type the service answers with has one.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { PROBLEM_TYPES_BY_SLUG } from '../../src/i18n/problems.ts'
import { testApp } from '../helpers/app.ts'
import { beyondTheLedger, deepProcessing } from '../helpers/fixtures.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const app = await testApp(t)

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })

t.test('every problem type written in src has its page', async (t) => {
  const used = new Set<string>()
  for (const file of files(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'\/problems\/([a-z-]+)'/g)) used.add(m[1]!)
  }
  t.ok(used.size >= 10, `${used.size} problem types used`)
  for (const slug of used) {
    t.ok(PROBLEM_TYPES_BY_SLUG.has(slug), `/problems/${slug} is in src/i18n/problems.ts`)
    const res = await app.inject({ url: `/problems/${slug}`, headers: { accept: 'application/json' } })
    t.equal(res.statusCode, 200, `/problems/${slug} resolves`)
  }
})

t.test('JSON for a client, in both languages', async (t) => {
  const res = await app.inject({ url: '/problems/validation-error' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.match(res.headers['vary'], /Accept\b/)
  t.match(res.json(), {
    type: '/problems/validation-error',
    status: 400,
    title: { zh: '请求校验失败', en: 'Request validation failed' },
    explanation: { zh: /errors/, en: /errors/ },
  })
})

t.test('HTML for a browser, in the language asked for', async (t) => {
  const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  const zh = await app.inject({ url: '/problems/database-unavailable', headers: { accept } })
  t.match(zh.headers['content-type'], /^text\/html/)
  t.match(zh.body, /<html lang="zh-CN">/)
  t.match(zh.body, /<h1>服务暂不可用<\/h1>/)
  t.match(zh.body, /Retry-After/)
  const en = await app.inject({
    url: '/problems/database-unavailable',
    headers: { accept, 'accept-language': 'en' },
  })
  t.match(en.body, /<h1>Service Unavailable<\/h1>/)
  t.equal(en.headers['content-language'], 'en')
  t.notMatch(en.body, /<script|style=/, 'nothing the Content-Security-Policy would block')
})

t.test('an unknown type: 404 problem; a malformed one: 400', async (t) => {
  const unknown = await app.inject({ url: '/problems/free-money' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { title: '未找到', detail: /free-money/ })
  t.equal((await app.inject({ url: '/problems/NOT..valid' })).statusCode, 400)
})

t.test('a type sent with several statuses lists each of them on its page', async (t) => {
  // /problems/invalid-facts: 400 for wrong facts, 422 for facts the policy cannot decide as given.
  const wrong = deepProcessing('pages', '120000000.00')
  wrong.enterprise.creditCode = `${wrong.enterprise.creditCode.slice(0, -1)}${wrong.enterprise.creditCode.endsWith('0') ? '1' : '0'}`
  const sent = [
    await app.inject({ method: 'POST', url: '/v1/evaluations', payload: { application: wrong } }),
    await app.inject({ method: 'POST', url: '/v1/evaluations', payload: { application: beyondTheLedger() } }),
  ]
  t.same(
    sent.map((r) => [r.statusCode, r.json().type]),
    [
      [400, '/problems/invalid-facts'],
      [422, '/problems/invalid-facts'],
    ],
  )
  const page = await app.inject({ url: '/problems/invalid-facts' })
  t.same(page.json().statuses, [400, 422])
  t.match(page.json().explanation.en, /400: .*422: /)
  const html = await app.inject({ url: '/problems/invalid-facts', headers: { accept: 'text/html' } })
  t.match(html.body, /HTTP 400 \/ 422/)
  const single = await app.inject({ url: '/problems/validation-error' })
  t.same(single.json().statuses, [400], 'one status: the list holds it')
})
