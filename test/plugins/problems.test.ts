// Bad input gets a clear 4xx problem (RFC 9457) naming the field, never a 500, never a coercion.

import t from 'tap'
import example from '../../examples/interest-subsidy.json' with { type: 'json' }
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'

interface Body {
  application: {
    applicationDate: string
    enterprise: Record<string, unknown>
    project: Record<string, unknown>
  }
}
const body = () => JSON.parse(JSON.stringify(example)) as Body

t.test('problems', async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const post = (payload: unknown, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      // The English messages; the Chinese default is tested below and in test/plugins/language.test.ts.
      headers: { 'content-type': contentType, 'accept-language': 'en' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    })
  const problem = (res: Awaited<ReturnType<typeof post>>) => {
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    const p = res.json()
    t.hasOwnProps(p, ['type', 'title', 'status', 'detail'])
    t.notMatch(res.body, /at .*\.ts:\d+|select |insert /i, 'no stack trace or SQL')
    return p
  }

  t.test('a number is not coerced into a money string', async (t) => {
    const b = body()
    b.application.project.investment = 120000000
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [{ pointer: '#/application/project/investment', detail: 'must be string' }])
  })

  t.test('a boolean given as a string is not coerced', async (t) => {
    const b = body()
    b.application.project.deepProcessing = 'true'
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [{ pointer: '#/application/project/deepProcessing' }])
  })

  t.test('unknown properties are refused, not dropped', async (t) => {
    const b = body()
    b.application.project.subsidyPlease = true
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [
      { pointer: '#/application/project/subsidyPlease', detail: 'is not a known property' },
    ])
  })

  t.test('a missing required field is named', async (t) => {
    const b = body()
    delete b.application.enterprise.creditCode
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [{ pointer: '#/application/enterprise/creditCode', detail: 'is required' }])
  })

  t.test('malformed JSON', async (t) => {
    const res = await post('{"application": ')
    t.equal(res.statusCode, 400)
    t.match(problem(res), { title: 'Malformed JSON body' })
  })

  t.test('an empty JSON body where a body is required; prototype keys', async (t) => {
    const empty = await post('')
    t.equal(empty.statusCode, 400)
    t.match(problem(empty), { title: 'Bad Request', detail: /must not be empty|empty/i })
    // The parser that lets body-less routes take an empty JSON body keeps Fastify's defaults.
    const proto = await post('{"application": {"__proto__": {"admin": true}}}')
    t.equal(proto.statusCode, 400, 'a __proto__ key is refused')
    t.match(problem(proto), { title: 'Malformed JSON body' }, 'by the parser, before the schema')
    const ctor = await post('{"application": {"constructor": {"prototype": {"admin": true}}}}')
    t.equal(ctor.statusCode, 400, 'a constructor.prototype key is refused')
    t.match(problem(ctor), { title: 'Malformed JSON body' }, 'by the parser too')
  })

  t.test('JSON is UTF-8: other bytes 400, another charset 415 (RFC 8259 §8.1)', async (t) => {
    const bytes = (text: string, encoding: BufferEncoding) =>
      app.inject({
        method: 'POST',
        url: '/v1/evaluations',
        headers: { 'content-type': 'application/json', 'accept-language': 'en' },
        payload: Buffer.from(text, encoding),
      })
    const latin1 = JSON.stringify(body()).replace('"name":"', '"name":"Café ')
    const refused = await bytes(latin1, 'latin1')
    t.equal(refused.statusCode, 400, 'Latin-1 bytes: 400, not decoded into U+FFFD')
    t.match(problem(refused), {
      title: 'Malformed JSON body',
      detail: /not valid UTF-8/,
      errors: [{ pointer: '#' }],
    })
    t.equal((await bytes(latin1, 'utf8')).statusCode, 200, 'the same text in UTF-8 is taken')
    const bom = await app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(body()))]),
    })
    t.equal(bom.statusCode, 200, 'charset=UTF-8 and a byte-order mark are taken')
    const declared = await app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: { 'content-type': 'application/json; charset=iso-8859-1', 'accept-language': 'en' },
      payload: JSON.stringify(body()),
    })
    t.equal(declared.statusCode, 415, 'a charset other than UTF-8')
    t.match(problem(declared), { title: 'Unsupported Media Type', detail: /"iso-8859-1" is not supported/ })
    const utf8 = await app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: { 'content-type': 'application/json;charset="utf8"' },
      payload: JSON.stringify(body()),
    })
    t.equal(utf8.statusCode, 200, 'charset="utf8" quoted, no space')
  })

  t.test('a body that is not JSON: 415', async (t) => {
    const res = await post('hello', 'text/plain')
    t.equal(res.statusCode, 415)
    t.match(problem(res), { title: 'Unsupported Media Type' }, 'the status title, not the error class')
    t.match(problem(res).detail, /Send one of: application\/json$/, 'what the route takes')
    const zh = await app.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    })
    t.match(
      zh.json(),
      { title: '不支持的媒体类型', detail: /^不支持的媒体类型/ },
      'wholly Chinese by default',
    )
  })

  t.test('an engine refusal names the request’s field, in the request’s language', async (t) => {
    const application = {
      applicationDate: '2015-06-01',
      enterprise: { creditCode: '91530300MA6K5A1B2X', name: 'x' },
    }
    const send = (language: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/evaluations',
        headers: { 'content-type': 'application/json', 'accept-language': language },
        payload: { application },
      })
    const zh = (await send('zh-CN')).json()
    t.equal(
      zh.detail,
      '#/application/enterprise/creditCode: 统一社会信用代码的校验码为"X"，按 GB 32100 应为"G"',
    )
    t.notMatch(zh.detail.replace(/^#\S+: /, ''), /[a-z]{3,}/, 'no English words in the Chinese detail')
    const en = (await send('en')).json()
    t.equal(
      en.detail,
      '#/application/enterprise/creditCode: the check character of the unified social credit code is "X"; GB 32100 gives "G"',
    )
  })

  t.test('text that cannot be hashed or stored: 400 naming the field', async (t) => {
    for (const bad of ['Qujing\u0000Co.', 'Qujing \ud800']) {
      const b = body()
      b.application.enterprise.name = bad
      const res = await post(b)
      t.equal(res.statusCode, 400)
      t.match(problem(res).errors, [{ pointer: '#/application/enterprise/name' }])
    }
  })

  t.test('dates PostgreSQL cannot store, or outside years 1900–2999: 400 naming the field', async (t) => {
    for (const date of ['0000-01-01', '9999-12-31', '1899-12-31', '3000-01-01', '+02015-01-01']) {
      const b = body()
      b.application.applicationDate = date
      const res = await post(b)
      t.equal(res.statusCode, 400, date)
      t.match(problem(res).errors, [
        { pointer: '#/application/applicationDate', detail: /1900-01-01 to 2999-12-31/ },
      ])
    }
    const b = body()
    b.application.applicationDate = '2015-02-30'
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [{ pointer: '#/application/applicationDate', detail: /exists/ }])
  })

  t.test('text: NUL and lone surrogates refused, surrogate pairs (emoji, rare CJK) accepted', async (t) => {
    const b = body()
    b.application.enterprise.name = '曲靖𠀀 😀 Co.'
    t.equal((await post(b)).statusCode, 200)
    const bad = body()
    bad.application.enterprise.name = 'Qujing \udc00'
    const res = await post(bad)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [
      { pointer: '#/application/enterprise/name', detail: /U\+0000 or a lone surrogate/ },
    ])
  })

  t.test('a parameter name that is not one: 400 naming it', async (t) => {
    const b = { ...body(), parameters: { 'interestSubsidy.rate\u0000': '0.07' } }
    const res = await post(b)
    t.equal(res.statusCode, 400)
    t.match(problem(res).errors, [{ pointer: '#/parameters/interestSubsidy.rate\u0000' }])
  })

  t.test('dates far outside the policy but storable: an explained outcome, not an error', async (t) => {
    for (const date of ['1900-01-01', '2999-12-31']) {
      const b = body()
      b.application.applicationDate = date
      const res = await post(b)
      t.equal(res.statusCode, 200, date)
      t.match(res.json().outcomes[0], { status: 'ineligible', reasons: [{ code: 'OUTSIDE_POLICY_WINDOW' }] })
    }
  })

  t.test('an unknown route: 404 problem', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
    t.equal(res.statusCode, 404)
    t.match(problem(res), { status: 404, instance: '/v1/nothing-here' })
  })

  t.test('a path served by other methods: 405 with Allow (RFC 9110 §15.5.6)', async (t) => {
    const patch = await app.inject({
      method: 'PATCH',
      url: '/v1/applications',
      headers: { 'accept-language': 'en' },
    })
    t.equal(patch.statusCode, 405)
    t.equal(patch.headers['allow'], 'GET, HEAD, POST')
    t.match(problem(patch), {
      title: 'Method Not Allowed',
      status: 405,
      detail: '/v1/applications does not take PATCH; it takes GET, HEAD, POST',
      instance: '/v1/applications',
    })
    const param = await app.inject({
      method: 'DELETE',
      url: '/v1/decisions/0b4cbb7c-9d55-4d5b-9f2a-0a1c2b3d4e5f/replay',
    })
    t.equal(param.statusCode, 405, 'a path with a parameter')
    t.equal(param.headers['allow'], 'POST')
    t.match(problem(param).detail, /不支持 DELETE；支持的方法：POST/, 'in Chinese by default')
    const measures = await app.inject({ method: 'DELETE', url: '/v1/measures' })
    t.equal(measures.headers['allow'], 'GET, HEAD')
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/nothing-here' })).statusCode, 404, 'no such path')
  })
})
