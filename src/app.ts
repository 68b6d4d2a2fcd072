// Builds the application: the same plugins, Ajv options and routes for the server, the tests and
// the OpenAPI generator. Nothing here reads process.env or listens; src/server.ts does.

import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { type BatchQueue, InProcessQueue } from './batches/queue.ts'
import { DEFAULT_RUN_OPTIONS } from './batches/run.ts'
import { DEFAULT_LIMITS, type Limits } from './config.ts'
import type { DatabaseHandle } from './db/database.ts'
import { DEFAULT_FUNDING_CHUNK } from './decisions/budgets.ts'
import auth from './plugins/auth.ts'
import { clientErrorHandler, closeIdleSocket, frameworkErrors } from './plugins/client-errors.ts'
import compression from './plugins/compression.ts'
import webConsole from './plugins/console.ts'
import { useJsonBodyParser } from './plugins/json-body.ts'
import language from './plugins/language.ts'
import openapi from './plugins/openapi.ts'
import prefectureInput from './plugins/prefecture-input.ts'
import problems from './plugins/problems.ts'
import rateLimits from './plugins/rate-limits.ts'
import securityHeaders from './plugins/security-headers.ts'
import applications from './routes/applications.ts'
import audit from './routes/audit.ts'
import batches, { type BatchLimits } from './routes/batches.ts'
import budgets from './routes/budgets.ts'
import currentKey from './routes/current-key.ts'
import decisions from './routes/decisions.ts'
import enterprises from './routes/enterprises.ts'
import evaluations from './routes/evaluations.ts'
import finance from './routes/finance.ts'
import health from './routes/health.ts'
import indicators from './routes/indicators.ts'
import keys from './routes/keys.ts'
import problemPages from './routes/problem-pages.ts'
import reference from './routes/reference.ts'
import reports from './routes/reports.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
    /** set by a graceful shutdown (src/lifecycle.ts) */
    lifecycle: { draining: boolean }
    /** where uploaded batches are queued (src/batches/queue.ts) */
    batchQueue: BatchQueue
  }
}

export interface AppOptions {
  database: DatabaseHandle
  /** a pino logger; tests pass none (silent) */
  logger?: FastifyBaseLogger
  /** rate limits and timeouts; the production defaults (src/config.ts) when absent */
  limits?: Partial<Limits>
  /** origins allowed by CORS; none when absent */
  corsOrigins?: readonly string[]
  /**
   * The batch queue (src/server.ts passes pg-boss on PostgreSQL); when absent, an in-process runner
   * owned by the app, stopped when it closes.
   */
  batchQueue?: BatchQueue
  /** BATCH_MAX_ROWS, BATCH_MAX_BYTES; the defaults (100 000 rows, 100 MB) when absent */
  batchLimits?: Partial<BatchLimits>
  /**
   * corrections in a top-up's first chunk, the one PUT /v1/budgets answers after (DEFAULT_FUNDING_CHUNK
   * when absent; tests pass smaller ones); the funding job's chunks are the queue's (fundingChunkOutcomes)
   */
  budgetFundingChunk?: number
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

export const buildApp = async (options: AppOptions): Promise<FastifyInstance> => {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits }
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Deciding money: never coerce "9.99" ↔ 9.99, never silently drop unknown properties.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false },
    },
    // A caller's X-Request-Id is kept when it is sane, so logs can be joined across services.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1_048_576,
    // A body sent one byte at a time must not hold a connection for minutes: the whole request has
    // requestTimeout to arrive (Node checks every connectionsCheckingInterval), an idle socket
    // connectionTimeout (a socket whose answer is being computed is not idle: closeIdleSocket).
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    // Node enforces requestTimeout only while headersTimeout ≤ requestTimeout (its default is 60 s).
    http: {
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
      headersTimeout: Math.min(60_000, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
    },
    // A request that reaches us while the server closes was sent before the client could know:
    // it is served (with "Connection: close"), not refused (src/lifecycle.ts).
    return503OnClosing: false,
    // 431, 408 and 400 of Node's HTTP parser as RFC 9457 problems too, and the router's 414 and 400
    clientErrorHandler,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>()
  // connectionTimeout closes idle sockets only: one whose answer is being computed stays open
  app.server.on('timeout', closeIdleSocket)

  app.decorate('lifecycle', { draining: false })

  // The hooks every request runs are synchronous (done callback): an async hook costs a promise
  // and a microtask per request for work that never waits (issue #10).
  app.addHook('onRequest', (request, reply, done) => {
    if (!REQUEST_ID.test(request.id)) request.id = randomUUID()
    reply.header('x-request-id', request.id)
    done()
  })

  // While draining for a shutdown, each keep-alive connection is closed after its response, so
  // clients open their next connection elsewhere instead of racing the close.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.lifecycle.draining) reply.header('connection', 'close')
    done(null, payload)
  })

  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser('text/plain')
  // JSON bodies: UTF-8 only, and an empty one taken where a route takes no body (./plugins/json-body.ts).
  useJsonBodyParser(app)

  app.decorate('database', options.database)
  const ownQueue = options.batchQueue
    ? null
    : new InProcessQueue(options.database.db, {
        ...DEFAULT_RUN_OPTIONS,
        fundingChunkOutcomes: options.budgetFundingChunk ?? DEFAULT_FUNDING_CHUNK,
      })
  app.decorate('batchQueue', options.batchQueue ?? ownQueue!)
  if (ownQueue) app.addHook('onClose', () => ownQueue.stop())
  // First: every answer, errors included, is in the request's language (src/i18n/).
  await app.register(language)
  await app.register(problems)
  // Before anything that can answer: security headers apply to every response, errors included;
  // the limiter must see every route registered after it.
  await app.register(securityHeaders, { corsOrigins: options.corsOrigins ?? [] })
  await app.register(rateLimits, limits)
  await app.register(compression)
  await app.register(openapi)
  await app.register(auth)
  await app.register(prefectureInput)
  await app.register(health)
  await app.register(evaluations)
  await app.register(reference)
  await app.register(problemPages)
  await app.register(finance)
  await app.register(indicators)
  await app.register(applications)
  await app.register(decisions)
  await app.register(enterprises)
  await app.register(keys)
  await app.register(currentKey)
  await app.register(audit)
  await app.register(budgets, { fundingChunk: options.budgetFundingChunk ?? DEFAULT_FUNDING_CHUNK })
  await app.register(batches, { limits: options.batchLimits ?? {} })
  await app.register(reports)
  await app.register(webConsole)
  return app
}
