// One root error handler and one not-found handler: every error leaves as an RFC 9457 problem
// (application/problem+json). Validation errors list each offending field with a JSON pointer;
// 5xx bodies never carry internals (no stack, no SQL), which go to the log with the request id.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { databaseUnavailable, type UnavailableReason } from '../db/faults.ts'
import { TransientDatabaseError } from '../db/retry.ts'
import { isEngineError } from '../engine/errors.ts'
import { DEFAULT_LANGUAGE, type Language, localize, type Text } from '../i18n/language.ts'
import { titleText } from '../i18n/problems.ts'
import { type AjvError, fieldErrorText } from '../i18n/validation-messages.ts'
import { Problem } from '../schemas/problem.ts'

export interface FieldError {
  /** What is wrong; { zh, en } is sent in the request's language. */
  detail: string | Text
  pointer?: string
  parameter?: string
  header?: string
}

export interface ProblemBody {
  type: string
  /** { zh, en } is sent in the request's language; an English title the table knows is translated. */
  title: string | Text
  status: number
  detail?: string | Text
  instance?: string
  code?: string
  errors?: FieldError[]
  [extension: string]: unknown
}

/** An error a route throws on purpose; the handler turns it into its problem body as is. */
export class HttpProblem extends Error {
  readonly body: ProblemBody
  readonly headers: Record<string, string>
  constructor(body: ProblemBody, headers: Record<string, string> = {}) {
    const text = body.detail ?? body.title
    super(typeof text === 'string' ? text : text.en)
    this.name = 'HttpProblem'
    this.body = body
    this.headers = headers
  }
}

export const PROBLEM_TYPES = {
  validation: '/problems/validation-error',
  invalidFacts: '/problems/invalid-facts',
  notFound: 'about:blank',
} as const

/** 400 naming a query parameter (errors[].parameter) and why: checks the schema cannot express. */
export const badParameter = (parameter: string, detail: Text) =>
  new HttpProblem({
    type: PROBLEM_TYPES.validation,
    title: 'Request validation failed',
    status: 400,
    detail: { zh: `${parameter}：${detail.zh}`, en: `${parameter}: ${detail.en}` },
    errors: [{ parameter, detail }],
  })

/** A `to` before `from` (dates, or instants in one form) selects nothing: 400, not an empty page. */
export const checkRange = (from: string | undefined, to: string | undefined): void => {
  if (from !== undefined && to !== undefined && from > to)
    throw badParameter('to', { zh: `不得早于 from（${from}）`, en: `must be on or after from (${from})` })
}

const pointerFromPath = (path: string): string => `#${path}`

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')

/** Maps Ajv errors to field errors: the pointer names the field even for required/additional. */
const fieldErrors = (context: string | undefined, validation: AjvError[]): FieldError[] =>
  // A bad property name gives two errors (the name's own, then "property name must be valid").
  validation
    .filter((v) => v.keyword !== 'propertyNames')
    .map((v) => {
      let path = v.instancePath
      if (v.propertyName !== undefined) path = `${path}/${escapePointer(v.propertyName)}`
      if (v.keyword === 'required') path = `${path}/${String(v.params['missingProperty'])}`
      else if (v.keyword === 'additionalProperties')
        path = `${path}/${String(v.params['additionalProperty'])}`
      const detail = fieldErrorText(v)
      const name = path.split('/').filter(Boolean).join('.')
      if (context === 'querystring' || context === 'params') return { detail, parameter: name }
      if (context === 'headers') return { detail, header: name }
      return { detail, pointer: pointerFromPath(path) }
    })

/** The problem's detail for a list of field errors: "where: why; where: why". */
const validationDetail = (errors: FieldError[]): Text => {
  const line = (language: Language) =>
    errors
      .map((e) => {
        const detail = typeof e.detail === 'string' ? e.detail : localize(e.detail, language)
        return `${e.pointer ?? e.parameter ?? e.header}: ${detail}`
      })
      .join(language === 'en' ? '; ' : '；')
  return { zh: line('zh-CN'), en: line('en') }
}

/** What a client is told when the database, not its request, failed (503 with Retry-After). */
const UNAVAILABLE_DETAIL: Record<UnavailableReason, Text> = {
  connection: {
    zh: '处理该请求时与数据库的连接中断，其事务未获确认。请重试；若已提交成功，使用同一 Idempotency-Key 的提交会返回已保存的响应。',
    en:
      'The connection to the database broke while this request was processed, and its transaction was not ' +
      'confirmed. Retry it; a submission with the same Idempotency-Key answers its stored response if it did commit.',
  },
  'starting-or-stopping': {
    zh: '数据库正在启动或关闭，该请求未执行。请重试。',
    en: 'The database is starting or shutting down; this request was not carried out. Retry it.',
  },
  'statement-timeout': {
    zh: '数据库未能按时完成（语句超时），事务已回滚。请重试。',
    en: 'The database did not finish in time (statement timeout); the transaction was rolled back. Retry it.',
  },
  'lock-timeout': {
    zh: '该请求所需的数据行被其他请求锁定，超过了锁等待时限，事务已回滚。请重试。',
    en: 'Rows this request needs stayed locked by others past the lock timeout; the transaction was rolled back. Retry it.',
  },
  overloaded: {
    zh: '当前没有空闲的数据库连接，该请求未执行。请重试。',
    en: 'No database connection is free right now; this request was not carried out. Retry it.',
  },
  'outdated-instance': {
    zh: '处理该请求的服务实例版本早于数据库已执行的迁移，它不再写入；该请求未执行。请重试（将由已升级的实例处理），并用当前版本重启该实例。',
    en:
      'The instance that took this request is older than the migrations the database has run, so it writes no ' +
      'more; this request was not carried out. Retry it (an upgraded instance will serve it), and restart this ' +
      'instance with the current version.',
  },
}

/**
 * Fastify's own refusals of a request, in both languages: its message (and the JSON parser's) is
 * English, kept as the English; the Chinese says the same for the ones a client meets.
 */
const CLIENT_ERRORS_ZH: Record<string, (error: FastifyError) => string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: () => '内容类型为 application/json 时，请求体不能为空',
  FST_ERR_CTP_BODY_TOO_LARGE: () => '请求体过大',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) =>
    `不支持的媒体类型${/: (.+)$/.exec(e.message)?.[1] ? `：${/: (.+)$/.exec(e.message)![1]}` : ''}`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => '请求体的长度与 Content-Length 不符',
}

/** The titles (src/i18n/problems.ts translates them) of the statuses Fastify refuses requests with. */
const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
}

const clientErrorDetail = (error: FastifyError, malformedJson: boolean): Text => {
  if (malformedJson) {
    const position = /position (\d+)/.exec(error.message)?.[1]
    return { zh: `请求体不是有效的 JSON${position ? `（位置 ${position}）` : ''}`, en: error.message }
  }
  const zh = error.code ? CLIENT_ERRORS_ZH[error.code] : undefined
  return { zh: zh ? zh(error) : error.message, en: error.message }
}

/**
 * A 415 says what the route takes: the media types its body is documented with (a batch: CSV or
 * JSON Lines), or JSON.
 */
const withAcceptedTypes = (detail: Text, error: FastifyError, request: FastifyRequest): Text => {
  if (error.code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return detail
  const body = (request.routeOptions.schema?.body ?? {}) as { content?: Record<string, unknown> }
  const accepted = Object.keys(body.content ?? { 'application/json': null }).join(', ')
  return {
    zh: `${detail.zh}。请以下列类型之一发送：${accepted}`,
    en: `${detail.en}. Send one of: ${accepted}`,
  }
}

const text = (value: string | Text, language: Language, translate = false): string => {
  if (typeof value !== 'string') return localize(value, language)
  const known = translate ? titleText(value) : null
  return known ? localize(known, language) : value
}

/** The body as sent: every { zh, en } in the request's language. */
const localized = (body: ProblemBody, language: Language) => ({
  ...body,
  title: text(body.title, language, true),
  ...(body.detail === undefined ? {} : { detail: text(body.detail, language) }),
  ...(body.errors ? { errors: body.errors.map((e) => ({ ...e, detail: text(e.detail, language) })) } : {}),
})

const send = (reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}) =>
  reply
    .code(body.status)
    .headers(headers)
    .type('application/problem+json')
    .send(localized(body, reply.request.language ?? DEFAULT_LANGUAGE))

/** A route's URL as a pattern of request paths: each `:param` one segment, `*` the rest. */
const pathPattern = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((part) =>
        part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  )

export default fp(
  async (app: FastifyInstance) => {
    app.addSchema(Problem)

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const instance = request.url.split('?')[0]
      if (error instanceof HttpProblem) return send(reply, { ...error.body, instance }, error.headers)

      if (error.validation) {
        const errors = fieldErrors(error.validationContext, error.validation as AjvError[])
        return send(reply, {
          type: PROBLEM_TYPES.validation,
          title: 'Request validation failed',
          status: 400,
          detail: validationDetail(errors),
          instance,
          errors,
        })
      }

      // The engine writes its messages in both languages (src/engine/errors.ts): the detail and
      // each field's are sent wholly in the request's language.
      if (isEngineError(error)) {
        const listed = error.details['errors'] as { pointer: string; message: Text }[] | undefined
        const errors = (listed ?? [{ pointer: error.pointer, message: error.text }]).map((e) => ({
          detail: e.message,
          pointer: pointerFromPath(e.pointer),
        }))
        return send(reply, {
          type: PROBLEM_TYPES.invalidFacts,
          title: 'The facts given cannot be evaluated',
          status:
            error.code === 'StraddlesParameterChange' ||
            error.code === 'TaxNotInForce' ||
            error.code === 'AmountOutOfRange'
              ? 422
              : 400,
          code: error.code,
          // A list names each field by the request's pointer, as a schema refusal does.
          detail: listed ? validationDetail(errors) : error.text,
          instance,
          errors,
          ...(error.details['date'] ? { date: error.details['date'] } : {}),
        })
      }

      // An amount the facts allow but the ledger cannot hold: amounts are stored as numeric(18, 2),
      // up to 9 999 999 999 999 999.99, and a decision's total can pass that when every tax figure
      // is at its schema's maximum. Nothing was stored (the transaction rolled back).
      if ((error as { code?: unknown }).code === '22003') {
        return send(reply, {
          type: '/problems/amount-out-of-range',
          title: 'Unprocessable Content',
          status: 422,
          detail: {
            zh: '决定中的金额超出可记录的范围（最多 9999999999999999.99 元），未保存任何数据。请核对申报的金额。',
            en: 'An amount of the decision is beyond what can be recorded (at most 9999999999999999.99 yuan); nothing was stored. Check the amounts given.',
          },
          instance,
        })
      }

      // Losing races for the same rows after the bounded retries (src/db/retry.ts).
      if (error instanceof TransientDatabaseError) {
        return send(
          reply,
          {
            type: '/problems/busy',
            title: 'Service Unavailable',
            status: 503,
            detail: {
              zh: `该请求争用相同数据行 ${error.attempts} 次均未成功，未保存任何数据。请重试。`,
              en: `The request lost ${error.attempts} races for the same rows; nothing was stored. Retry it.`,
            },
            instance,
          },
          { 'retry-after': '1' },
        )
      }
      // The database is unreachable, restarting, cut the connection or timed out: the client's
      // retry may succeed, so 503 with Retry-After, never 500 (src/db/faults.ts).
      const unavailable = databaseUnavailable(error)
      if (unavailable) {
        request.log.warn({ err: error, reason: unavailable.reason }, 'database unavailable')
        return send(
          reply,
          {
            type: '/problems/database-unavailable',
            title: 'Service Unavailable',
            status: 503,
            code: unavailable.reason,
            detail: UNAVAILABLE_DETAIL[unavailable.reason],
            instance,
          },
          { 'retry-after': String(unavailable.retryAfterSeconds) },
        )
      }

      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed')
        return send(reply, {
          type: 'about:blank',
          title: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
          status,
          detail: {
            zh: '服务器未能完成该请求。日志中的请求 ID 可定位此次请求。',
            en: 'The server could not complete the request. The request id in the logs identifies it.',
          },
          instance,
        })
      }
      // Fastify's own client errors: malformed JSON, unsupported media type, body too large…
      const malformedJson = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
      const detail = withAcceptedTypes(clientErrorDetail(error, malformedJson), error, request)
      return send(reply, {
        type: malformedJson ? PROBLEM_TYPES.validation : 'about:blank',
        title: malformedJson
          ? 'Malformed JSON body'
          : (STATUS_TITLES[status] ?? (error.name === 'FastifyError' ? 'Bad Request' : error.name)),
        status,
        detail,
        instance,
        ...(error.code ? { code: error.code } : {}),
        ...(malformedJson ? { errors: [{ detail, pointer: '#' }] } : {}),
      })
    })

    // The routes' paths with their methods, so that a path served by other methods answers 405
    // with Allow (RFC 9110 §15.5.6), not 404.
    const routes: { method: string; path: RegExp }[] = []
    app.addHook('onRoute', (route) => {
      const path = pathPattern(route.url)
      for (const method of [route.method].flat()) routes.push({ method, path })
    })

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!
      const allowed = [...new Set(routes.filter((r) => r.path.test(path)).map((r) => r.method))].sort()
      if (allowed.length > 0 && !allowed.includes(request.method))
        return send(
          reply,
          {
            type: 'about:blank',
            title: 'Method Not Allowed',
            status: 405,
            detail: {
              zh: `${path} 不支持 ${request.method}；支持的方法：${allowed.join(', ')}`,
              en: `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`,
            },
            instance: path,
          },
          { allow: allowed.join(', ') },
        )
      return send(reply, {
        type: PROBLEM_TYPES.notFound,
        title: 'Not Found',
        status: 404,
        detail: { zh: `没有接口 ${request.method} ${path}`, en: `No route ${request.method} ${path}` },
        instance: path,
      })
    })
  },
  { name: 'problems' },
)
