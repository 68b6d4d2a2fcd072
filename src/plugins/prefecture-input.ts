// A prefecture may be written as its pinyin id ("yuxi"), its GB/T 2260 code ("530400") or its
// Chinese name ("玉溪市" or "玉溪"): the schema admits every spelling (PREFECTURE_SPELLINGS), and
// this hook rewrites it to the pinyin id after validation, before any route reads the body, the
// query (?prefecture=) or the path (/v1/budgets/{year}/{measure}/{prefecture}), so decisions,
// hashes, stored facts and budgets only ever hold the id (src/engine/prefectures.ts).

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { prefectureId } from '../engine/prefectures.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Rewrites `values.prefecture` (in place) to its pinyin id when it names one: a project, a query, a path. */
const normaliseField = (values: unknown): void => {
  if (!isObject(values) || typeof values['prefecture'] !== 'string') return
  const id = prefectureId(values['prefecture'])
  if (id !== null && id !== values['prefecture']) values['prefecture'] = id
}

/** Rewrites `project.prefecture` of an application (in place) to its pinyin id when it names one. */
export const normalisePrefecture = (application: unknown): void => {
  if (isObject(application)) normaliseField(application['project'])
}

export default fp(
  async (app: FastifyInstance) => {
    // Synchronous (done callback): no promise per request.
    app.addHook('preHandler', (request, _reply, done) => {
      const body = request.body
      if (isObject(body)) {
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
