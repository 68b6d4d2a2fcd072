// Liveness says the process answers; readiness says it can reach its database and is not shutting
// down (a load balancer stops sending it new requests while it drains: src/lifecycle.ts).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { HttpProblem } from '../plugins/problems.ts'
import { problemResponses } from '../schemas/problem.ts'

const Health = Type.Object(
  {
    status: Type.Literal('ok'),
    database: Type.Optional(Type.Union([Type.Literal('postgres'), Type.Literal('pglite')])),
  },
  { additionalProperties: false },
)

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable',
        response: { 200: Health, ...problemResponses(503) },
      },
    },
    async (request) => {
      if (app.lifecycle.draining) {
        throw new HttpProblem(
          {
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: { zh: '该实例正在关闭。', en: 'This instance is shutting down.' },
          },
          { 'retry-after': '5' },
        )
      }
      try {
        await app.database.ping()
      } catch (err) {
        request.log.warn({ err }, 'readiness: database unreachable')
        throw new HttpProblem(
          {
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: { zh: '无法连接数据库。', en: 'The database is not reachable.' },
          },
          { 'retry-after': '5' },
        )
      }
      return { status: 'ok' as const, database: app.database.kind }
    },
  )
}

export default health
