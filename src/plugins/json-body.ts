// The parser of application/json bodies, replacing Fastify's own around it (which it still calls:
// __proto__ and constructor keys refused, its errors for malformed JSON).
// - JSON is UTF-8 (RFC 8259 §8.1). Fastify's parser decoded the body as UTF-8 with replacement, so
//   bytes that are not UTF-8 became U+FFFD silently: "lat-café" and "lat-cafè" sent in Latin-1 were
//   stored as one project "lat-caf\uFFFD", one cap for two projects. Such bytes are now 400, and a
//   charset other than UTF-8 is 415 (the batch upload refuses them too: /problems/batch-not-utf8).
// - Many HTTP clients send `Content-Type: application/json` on every POST and DELETE, with no body
//   when there is none to send. A route that takes no body (a replay, a batch's retry or cancel, an
//   audit checkpoint, a key's revocation) answers them as if the header were absent; a route that
//   takes one still refuses an empty body (400, "the body must not be empty").

import { isUtf8 } from 'node:buffer'
import type { FastifyInstance } from 'fastify'
import { HttpProblem, PROBLEM_TYPES } from './problems.ts'

/** The charset parameter of a Content-Type header, quoted or not. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i

const notUtf8 = () =>
  new HttpProblem({
    type: PROBLEM_TYPES.validation,
    title: 'Malformed JSON body',
    status: 400,
    detail: {
      zh: '请求体不是有效的 UTF-8：JSON 须以 UTF-8 编码（RFC 8259 §8.1）',
      en: 'The body is not valid UTF-8: JSON must be encoded in UTF-8 (RFC 8259 §8.1)',
    },
    errors: [
      {
        pointer: '#',
        detail: { zh: '含有不属于 UTF-8 的字节', en: 'holds bytes that are not UTF-8' },
      },
    ],
  })

const notUtf8Charset = (charset: string) =>
  new HttpProblem({
    type: 'about:blank',
    title: 'Unsupported Media Type',
    status: 415,
    detail: {
      zh: `不支持字符集 ${JSON.stringify(charset)}：JSON 须以 UTF-8 编码（RFC 8259 §8.1），请以 application/json 或 application/json; charset=utf-8 发送`,
      en: `Charset ${JSON.stringify(charset)} is not supported: JSON must be encoded in UTF-8 (RFC 8259 §8.1); send application/json or application/json; charset=utf-8`,
    },
  })

/** Registers the parser on the root instance (every route sees it). */
export const useJsonBodyParser = (app: FastifyInstance): void => {
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(notUtf8Charset(charset), undefined)
      return
    }
    if (bytes.length === 0 && request.routeOptions.schema?.body === undefined) {
      done(null, undefined)
      return
    }
    if (!isUtf8(bytes)) {
      done(notUtf8(), undefined)
      return
    }
    json(request, bytes.toString('utf8'), done)
  })
}
