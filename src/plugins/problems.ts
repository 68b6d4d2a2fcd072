// One root error handler and one not-found handler: every error leaves as an RFC 9457 problem
// (application/problem+json). Validation errors list each offending field with a JSON pointer;
// 5xx bodies never carry internals (no stack, no SQL), which go to the log with the request id.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { databaseUnavailable, type UnavailableReason } from '../db/faults.ts'
import { TransientDatabaseError } from '../db/retry.ts'
import { isEngineError } from '../engine/errors.ts'
import {
  ISO_DATE_PATTERN,
  ISO_DATE_RULE,
  PARAMETER_NAME_PATTERN,
  TEXT_PATTERN,
  TEXT_RULE,
} from '../schemas/common.ts'
import { Problem } from '../schemas/problem.ts'

export interface FieldError {
  detail: string
  pointer?: string
  parameter?: string
  header?: string
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
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
    super(body.detail ?? body.title)
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

const pointerFromPath = (path: string): string => `#${path}`

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
  /** set when the error is about an object's property name (propertyNames) */
  propertyName?: string
}

/** Why a shared pattern refuses a value, in words instead of the regular expression. */
const PATTERN_RULES: Record<string, string> = {
  [TEXT_PATTERN]: TEXT_RULE,
  [ISO_DATE_PATTERN]: ISO_DATE_RULE,
  [PARAMETER_NAME_PATTERN]: 'must be a dotted parameter name (GET /v1/parameters lists them)',
}

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')

/** Maps Ajv errors to field errors: the pointer names the field even for required/additional. */
const fieldErrors = (context: string | undefined, validation: AjvError[]): FieldError[] =>
  // A bad property name gives two errors (the name's own, then "property name must be valid").
  validation
    .filter((v) => v.keyword !== 'propertyNames')
    .map((v) => {
      let path = v.instancePath
      let detail = v.message ?? 'is invalid'
      if (v.propertyName !== undefined) path = `${path}/${escapePointer(v.propertyName)}`
      if (v.keyword === 'pattern' && PATTERN_RULES[String(v.params['pattern'])]) {
        detail = PATTERN_RULES[String(v.params['pattern'])]!
        if (v.propertyName !== undefined) detail = `name ${detail}`
      } else if (v.keyword === 'format' && v.params['format'] === 'date') {
        detail = 'must be a calendar date YYYY-MM-DD that exists'
      } else if (v.keyword === 'required') {
        path = `${path}/${String(v.params['missingProperty'])}`
        detail = 'is required'
      } else if (v.keyword === 'additionalProperties') {
        path = `${path}/${String(v.params['additionalProperty'])}`
        detail = 'is not a known property'
      } else if (v.keyword === 'enum' && Array.isArray(v.params['allowedValues'])) {
        detail = `must be one of: ${(v.params['allowedValues'] as unknown[]).join(', ')}`
      }
      const name = path.split('/').filter(Boolean).join('.')
      if (context === 'querystring' || context === 'params') return { detail, parameter: name }
      if (context === 'headers') return { detail, header: name }
      return { detail, pointer: pointerFromPath(path) }
    })

/** What a client is told when the database, not its request, failed (503 with Retry-After). */
const UNAVAILABLE_DETAIL: Record<UnavailableReason, string> = {
  connection:
    'The connection to the database broke while this request was processed, and its transaction was not ' +
    'confirmed. Retry it; a submission with the same Idempotency-Key answers its stored response if it did commit.',
  'starting-or-stopping':
    'The database is starting or shutting down; this request was not carried out. Retry it.',
  'statement-timeout':
    'The database did not finish in time (statement timeout); the transaction was rolled back. Retry it.',
  'lock-timeout':
    'Rows this request needs stayed locked by others past the lock timeout; the transaction was rolled back. Retry it.',
  overloaded: 'No database connection is free right now; this request was not carried out. Retry it.',
}

const send = (reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}) =>
  reply.code(body.status).headers(headers).type('application/problem+json').send(body)

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
          detail: errors.map((e) => `${e.pointer ?? e.parameter ?? e.header}: ${e.detail}`).join('; '),
          instance,
          errors,
        })
      }

      if (isEngineError(error)) {
        const listed = error.details['errors'] as { pointer: string; message: string }[] | undefined
        const errors = (listed ?? [{ pointer: error.pointer, message: error.message }]).map((e) => ({
          detail: e.message,
          pointer: pointerFromPath(e.pointer),
        }))
        return send(reply, {
          type: PROBLEM_TYPES.invalidFacts,
          title: 'The facts given cannot be evaluated',
          status: error.code === 'StraddlesParameterChange' || error.code === 'TaxNotInForce' ? 422 : 400,
          code: error.code,
          detail: error.message,
          instance,
          errors,
          ...(error.details['date'] ? { date: error.details['date'] } : {}),
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
            detail: `The request lost ${error.attempts} races for the same rows; nothing was stored. Retry it.`,
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
          detail: 'The server could not complete the request. The request id in the logs identifies it.',
          instance,
        })
      }
      // Fastify's own client errors: malformed JSON, unsupported media type, body too large…
      const malformedJson = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
      return send(reply, {
        type: malformedJson ? PROBLEM_TYPES.validation : 'about:blank',
        title: malformedJson ? 'Malformed JSON body' : (error.name ?? 'Bad Request'),
        status,
        detail: error.message,
        instance,
        ...(error.code ? { code: error.code } : {}),
        ...(malformedJson ? { errors: [{ detail: error.message, pointer: '#' }] } : {}),
      })
    })

    app.setNotFoundHandler((request, reply) =>
      send(reply, {
        type: PROBLEM_TYPES.notFound,
        title: 'Not Found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        instance: request.url.split('?')[0],
      }),
    )
  },
  { name: 'problems' },
)
