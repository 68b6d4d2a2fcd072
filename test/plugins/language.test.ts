// Every answer says its language (Content-Language) and that it varies with Accept-Language; problem
// titles and details, field errors included, are Chinese by default and English on request.

import t from 'tap'
import example from '../../examples/interest-subsidy.json' with { type: 'json' }
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { varyWith } from '../../src/plugins/language.ts'

const app = await buildApp({ database: unavailableDatabase(), corsOrigins: ['https://portal.example.cn'] })
t.teardown(() => app.close())

const invalid = () => {
  const b = JSON.parse(JSON.stringify(example))
  b.application.project.investment = 120000000
  delete b.application.enterprise.creditCode
  return b
}
const post = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/evaluations', headers, payload: payload as object })

t.test('Content-Language and Vary on answers, errors included', async (t) => {
  for (const [language, expected] of [
    [undefined, 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
  ] as const) {
    const headers: Record<string, string> = language ? { 'accept-language': language } : {}
    for (const res of [
      await app.inject({ url: '/v1/measures', headers }),
      await post(invalid(), headers),
      await app.inject({ url: '/nowhere', headers }),
    ]) {
      t.equal(res.headers['content-language'], expected, `${res.statusCode} for ${language}`)
      t.match(res.headers['vary'], /\bAccept-Language\b/)
    }
  }
  const cors = await app.inject({
    url: '/v1/measures',
    headers: { origin: 'https://portal.example.cn', 'accept-language': 'en' },
  })
  const vary = String(cors.headers['vary'])
  t.match(vary, /Origin/, 'CORS keeps its Vary: Origin…')
  t.match(vary, /Accept-Language/, '…and Accept-Language is added, not substituted')
})

t.test('varyWith adds a field once and respects *', async (t) => {
  t.equal(varyWith(undefined, 'Accept-Language'), 'Accept-Language')
  t.equal(varyWith('Origin', 'Accept-Language'), 'Origin, Accept-Language')
  t.equal(varyWith('origin, accept-language', 'Accept-Language'), 'origin, accept-language')
  t.equal(varyWith('*', 'Accept-Language'), '*')
})

t.test('a validation problem in Chinese by default, in English on request', async (t) => {
  const zh = (await post(invalid())).json()
  t.match(zh, { type: '/problems/validation-error', title: '请求校验失败', status: 400 })
  t.match(zh.errors, [
    { pointer: '#/application/enterprise/creditCode', detail: '必填' },
    { pointer: '#/application/project/investment', detail: '必须是字符串' },
  ])
  t.match(zh.detail, /creditCode: 必填；#\/application\/project\/investment: 必须是字符串/)
  const en = (await post(invalid(), { 'accept-language': 'en' })).json()
  t.match(en, { title: 'Request validation failed' })
  t.match(en.errors, [
    { pointer: '#/application/enterprise/creditCode', detail: 'is required' },
    { pointer: '#/application/project/investment', detail: 'must be string' },
  ])
  t.match(en.detail, /creditCode: is required; #\/application\/project\/investment: must be string/)
})

t.test('an unknown enum value lists the allowed ones in either language', async (t) => {
  const b = JSON.parse(JSON.stringify(example))
  b.application.project.policyClass = 'splendid'
  const zh = (await post(b)).json()
  t.match(zh.errors, [{ pointer: '#/application/project/policyClass', detail: /^必须是以下之一：/ }])
})

t.test('authorization problems in both languages', async (t) => {
  const zh = await app.inject({ url: '/v1/audit/entries' })
  t.equal(zh.statusCode, 401)
  t.match(zh.json(), { type: '/problems/unauthorized', title: '未认证', detail: /需要 API 密钥/ })
  const en = await app.inject({ url: '/v1/audit/entries', headers: { 'accept-language': 'en' } })
  t.match(en.json(), { title: 'Unauthorized', detail: /needs an API key/ })
})

t.test('the database being down: 503 in the request’s language', async (t) => {
  const zh = await app.inject({ url: '/health/ready' })
  t.match(zh.json(), { title: '服务暂不可用', detail: '无法连接数据库。' })
  const en = await app.inject({ url: '/health/ready', headers: { 'accept-language': 'en' } })
  t.match(en.json(), { title: 'Service Unavailable', detail: 'The database is not reachable.' })
})
