// Builds the application: the same plugins, Ajv options and routes for the server, the tests and
// the OpenAPI generator. Nothing here reads process.env or listens; src/server.ts does.

import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { DatabaseHandle } from './db/database.ts'
import openapi from './plugins/openapi.ts'
import problems from './plugins/problems.ts'
import health from './routes/health.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
  }
}

export interface AppOptions {
  database: DatabaseHandle
  /** a pino logger; tests pass none (silent) */
  logger?: FastifyBaseLogger
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

export const buildApp = async (options: AppOptions): Promise<FastifyInstance> => {
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
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addHook('onRequest', async (request, reply) => {
    if (!REQUEST_ID.test(request.id)) request.id = randomUUID()
    reply.header('x-request-id', request.id)
  })

  app.decorate('database', options.database)
  await app.register(problems)
  await app.register(openapi)
  await app.register(health)
  return app
}
