// A prefecture may be written as its pinyin id ("yuxi"), its GB/T 2260 code ("530400") or its
// Chinese name ("玉溪市" or "玉溪"): the schema admits every spelling (PREFECTURE_SPELLINGS), and
// this hook rewrites it to the pinyin id after validation, before any route reads the body, the
// query (?prefecture=) or the path (/v1/budgets/{year}/{measure}/{prefecture}), so decisions,
// hashes, stored facts and budgets only ever hold the id (src/engine/prefectures.ts).

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { normaliseField, normalisePrefecture } from '../engine/prefectures.ts'

export default fp(
  async (app: FastifyInstance) => {
    // Synchronous (done callback): no promise per request.
    app.addHook('preHandler', (request, _reply, done) => {
      const body = request.body as Record<string, unknown> | null | undefined
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        // An application (POST /v1/applications), an evaluation request's application, a
        // correction's corrected facts.
        normalisePrefecture(body)
        normalisePrefecture(body['application'])
        normalisePrefecture(body['facts'])
      }
      normaliseField(request.query)
      normaliseField(request.params)
      done()
    })
  },
  { name: 'prefecture-input' },
)
