// Applications: submit (decided and stored in one transaction, idempotent), read, list.
// Enterprise keys see only their own applications: anything else is 404, never 403, so nothing
// leaks about what exists.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  correctedElsewhere,
  currentDecisions,
  decisionsOfApplication,
  findApplication,
  listApplications,
} from '../db/decisions-repository.ts'
import { inputHash, precheck, submitApplication } from '../decisions/decide.ts'
import { explainOf } from '../decisions/explain.ts'
import { presentApplication, presentDecision, storedResponse } from '../decisions/present.ts'
import type { Application as Facts } from '../engine/types.ts'
import { callerOf, visibleTo } from '../plugins/auth.ts'
import { checkRange, HttpProblem } from '../plugins/problems.ts'
import { Application } from '../schemas/application.ts'
import {
  ApplicationPage,
  ApplicationQuery,
  IdempotencyHeaders,
  StoredApplication,
} from '../schemas/applications.ts'
import { Explain } from '../schemas/explain.ts'
import { problemResponses } from '../schemas/problem.ts'
import { idempotently } from './idempotency.ts'
import { explainFor } from './negotiate.ts'

/** The things a 404 names, in Chinese. */
const WHAT_ZH = {
  application: '申请',
  batch: '批次',
  decision: '决定',
  enterprise: '企业',
  'API key': 'API 密钥',
} as const

/** 404 for `what`, named in both languages (a new kind of thing needs its Chinese name above). */
export const notFound = (what: keyof typeof WHAT_ZH) =>
  new HttpProblem({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: { zh: `没有此 ID 的${WHAT_ZH[what]}。`, en: `No ${what} with this id.` },
  })

const applications: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/applications',
    {
      preValidation: app.requireRole('enterprise', 'finance'),
      schema: {
        tags: ['applications'],
        summary: 'Submit an application: decided now, stored with its decision',
        description:
          'The facts are evaluated as of the application date and stored with the decision in one transaction: ' +
          'the application, every outcome with its trace, the ruleset version, every parameter value used, ' +
          'the SHA-256 of the canonical input (RFC 8785) and the ledger grants it consumes (caps and one-time ' +
          'grants hold across applications and API instances). Enterprise keys may submit only for their own ' +
          'credit code; finance keys for any enterprise. Requires an Idempotency-Key header.',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: Application,
        querystring: Explain,
        response: { 201: StoredApplication, ...problemResponses(400, 401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const facts = request.body as Facts
      if (!visibleTo(caller, facts.enterprise.creditCode)) {
        throw new HttpProblem({
          type: '/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          detail: {
            zh: '企业密钥只能为本企业的信用代码提交申请。',
            en: 'An enterprise key may submit applications only for its own credit code.',
          },
          errors: [
            {
              detail: { zh: '不是您 API 密钥的信用代码', en: 'is not the credit code of your API key' },
              pointer: '#/enterprise/creditCode',
            },
          ],
        })
      }
      // Input the engine refuses → 4xx before anything is claimed or stored; the result is the
      // decision itself when the ledger holds nothing for these subjects.
      const precomputed = precheck(facts)

      const explain = explainOf(request.query, request.headers.prefer)
      // The request hash is the stored input hash: RFC 8785 SHA-256 of the facts, computed once.
      const requestHash = inputHash(facts)
      return idempotently(
        {
          db: app.database.db,
          reply,
          callerKeyId: caller.keyId,
          key: request.headers['idempotency-key'],
          requestHash,
          status: 201,
        },
        async (completion) => {
          let body = ''
          await submitApplication(app.database.db, caller, facts, {
            inputHash: requestHash,
            precomputed,
            respond: (decided) => {
              const response = storedResponse(
                decided.application,
                decided.decision,
                explain,
                request.language,
              )
              body = response.body
              return { body, completion: { ...completion, replay: response.replay } }
            },
          })
          return body
        },
      )
    },
  )

  app.get(
    '/v1/applications/:id',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor'),
      schema: {
        tags: ['applications'],
        summary: 'An application with its decisions',
        security: [{ apiKey: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Explain,
        response: { 200: StoredApplication, ...problemResponses(400, 401, 403, 404) },
      },
      // JSON.stringify: faster than the compiled serializer for union-typed answers (BENCHMARKS.md)
      serializerCompiler: () => JSON.stringify,
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const application = await findApplication(app.database.db, request.params.id)
      if (!application || !visibleTo(caller, application.enterpriseCreditCode)) throw notFound('application')
      return presentApplication(
        application,
        await decisionsOfApplication(app.database.db, application.id),
        explainFor(request, reply),
        request.language,
      )
    },
  )

  app.get(
    '/v1/applications',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor'),
      schema: {
        tags: ['applications'],
        summary: 'List applications, newest first (cursor pagination)',
        description:
          'Filters combine. `measure` and `status` match the current decision’s outcomes; `prefecture` the ' +
          'project’s prefecture, `year` the application date’s year. Enterprise keys see ' +
          'only their own applications, whatever `enterprise` says.',
        security: [{ apiKey: [] }],
        querystring: ApplicationQuery,
        response: { 200: ApplicationPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const q = request.query
      const limit = Number(q.limit ?? '20')
      checkRange(q.from, q.to)
      if (caller.role === 'enterprise' && q.enterprise !== undefined && q.enterprise !== caller.enterprise) {
        return { items: [], nextCursor: null }
      }
      const rows = await listApplications(app.database.db, {
        enterprise: caller.role === 'enterprise' ? caller.enterprise! : q.enterprise,
        project: q.project,
        measure: q.measure,
        status: q.status,
        prefecture: q.prefecture,
        year: q.year === undefined ? undefined : Number(q.year),
        from: q.from,
        to: q.to,
        beforeSeq: q.cursor,
        limit: limit + 1,
      })
      const page = rows.slice(0, limit)
      const decisions = await currentDecisions(
        app.database.db,
        page.map((a) => a.id),
      )
      const moved = await correctedElsewhere(
        app.database.db,
        page.filter((a) => !decisions.has(a.id)).map((a) => a.id),
      )
      return {
        items: page.map((a) => {
          const d = decisions.get(a.id)
          const presented = d ? presentDecision(d, a.facts as Facts, 'summary', request.language) : null
          return {
            id: a.id,
            enterpriseCreditCode: a.enterpriseCreditCode,
            projectId: a.projectId,
            applicationDate: a.applicationDate,
            year: Number(a.applicationDate.slice(0, 4)),
            prefecture: (a.facts as Facts).project?.prefecture ?? null,
            measures: (presented?.evaluation.outcomes ?? [])
              .filter((o) => o.status !== 'ineligible')
              .map((o) => o.measure),
            createdAt: a.createdAt,
            decisionId: d?.id ?? null,
            correctedBy: moved.get(a.id) ?? null,
            totalAmount: d?.totalAmount ?? null,
            outcomes: (presented?.evaluation.outcomes ?? []).map((o) => ({
              measure: o.measure,
              status: o.status,
              amount: o.amount,
            })),
          }
        }),
        nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null,
      }
    },
  )
}

export default applications
