// Decisions: read with the full trace, replay (reproduce, or compare with today's rules), correct
// (a new decision that supersedes the old one; both stay readable).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { hashCanonical } from '../audit/canonical-json.ts'
import { DecisionAlreadySuperseded, findApplication, findDecision } from '../db/decisions-repository.ts'
import { correctDecision, precheck } from '../decisions/decide.ts'
import { explainOf } from '../decisions/explain.ts'
import { presentDecision, storedResponse } from '../decisions/present.ts'
import { replayDecision } from '../decisions/replay.ts'
import type { Application as Facts } from '../engine/types.ts'
import { callerOf, visibleTo } from '../plugins/auth.ts'
import { HttpProblem } from '../plugins/problems.ts'
import {
  Correction,
  Decision,
  IdempotencyHeaders,
  ReplayResult,
  StoredApplication,
} from '../schemas/applications.ts'
import { Explain } from '../schemas/explain.ts'
import { problemResponses } from '../schemas/problem.ts'
import { notFound } from './applications.ts'
import { idempotently } from './idempotency.ts'
import { explainFor } from './negotiate.ts'

const Params = Type.Object({ id: Type.String({ format: 'uuid', description: 'Id of the decision.' }) })

const decisions: FastifyPluginAsyncTypebox = async (app) => {
  /** The decision and its application, if the caller may see them (404 otherwise). */
  const load = async (id: string, caller: ReturnType<typeof callerOf>) => {
    const decision = await findDecision(app.database.db, id)
    const application = decision && (await findApplication(app.database.db, decision.applicationId))
    if (!decision || !application || !visibleTo(caller, application.enterpriseCreditCode))
      throw notFound('decision')
    return { decision, application }
  }

  app.get(
    '/v1/decisions/:id',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor'),
      schema: {
        tags: ['applications'],
        summary: 'A decision with its full trace',
        security: [{ apiKey: [] }],
        params: Params,
        querystring: Explain,
        response: { 200: Decision, ...problemResponses(400, 401, 403, 404) },
      },
      // JSON.stringify: faster than the compiled serializer for union-typed answers (BENCHMARKS.md)
      serializerCompiler: () => JSON.stringify,
    },
    async (request, reply) => {
      const { decision, application } = await load(request.params.id, callerOf(request))
      return presentDecision(
        decision,
        application.facts as Facts,
        explainFor(request, reply),
        request.language,
      )
    },
  )

  app.post(
    '/v1/decisions/:id/replay',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor'),
      schema: {
        tags: ['applications'],
        summary: 'Replay a decision: is it reproduced exactly?',
        description:
          'Re-evaluates the stored input with the stored parameter values and history, and compares the ' +
          'result with the stored decision field by field. With `?ruleset=current`, evaluates with today’s ' +
          'ruleset instead and shows the per-measure difference. Nothing is stored.',
        security: [{ apiKey: [] }],
        params: Params,
        querystring: Type.Object(
          { ruleset: Type.Optional(Type.Enum(['stored', 'current'] as const, { default: 'stored' })) },
          { additionalProperties: false },
        ),
        response: { 200: ReplayResult, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { decision, application } = await load(request.params.id, callerOf(request))
      return replayDecision(
        decision,
        application.facts as Facts,
        request.query.ruleset ?? 'stored',
        request.language,
      )
    },
  )

  app.post(
    '/v1/decisions/:id/corrections',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['applications'],
        summary: 'Correct a decision (finance)',
        description:
          'Makes a new decision that supersedes this one, recording the reason and who made it. Without ' +
          '`facts` the stored facts are decided again (with the ledger as it stands, this decision’s grants ' +
          'given back first); with `facts` the corrected facts are stored as a new application. The old ' +
          'decision stays readable. Only the current decision can be corrected. Requires an Idempotency-Key ' +
          'header, as submissions do: a retried correction is made once.',
        security: [{ apiKey: [] }],
        params: Params,
        headers: IdempotencyHeaders,
        querystring: Explain,
        body: Correction,
        response: { 201: StoredApplication, ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const { decision, application } = await load(request.params.id, caller)
      const facts = (request.body.facts as Facts | undefined) ?? null
      // A correction decides the same enterprise's application again: corrected facts of another
      // enterprise would move the decision, its grants given back in one enterprise's ledger and
      // drawn in the other's. Another enterprise applies for itself.
      if (facts && facts.enterprise?.creditCode !== application.enterpriseCreditCode) {
        const detail = {
          zh: `更正不能改变企业：该决定属于 ${application.enterpriseCreditCode}；其他企业须自行提交申请。`,
          en: `A correction cannot change the enterprise: this decision is ${application.enterpriseCreditCode}'s; another enterprise submits its own application.`,
        }
        throw new HttpProblem({
          type: '/problems/correction-changes-enterprise',
          title: 'Unprocessable Content',
          status: 422,
          detail,
          errors: [{ pointer: '/facts/enterprise/creditCode', detail }],
        })
      }
      const precomputed = facts ? precheck(facts) : undefined
      return idempotently(
        {
          db: app.database.db,
          reply,
          callerKeyId: caller.keyId,
          key: request.headers['idempotency-key'],
          requestHash: hashCanonical({ correct: decision.id, reason: request.body.reason, facts }),
          status: 201,
        },
        async (completion) => {
          // Checked after the key: a retried correction replays its response rather than a 409.
          if (decision.supersededBy) {
            throw new HttpProblem({
              type: '/problems/already-superseded',
              title: 'Conflict',
              status: 409,
              detail: {
                zh: `该决定已被 ${decision.supersededBy} 取代；请更正那个决定。`,
                en: `This decision was already superseded by ${decision.supersededBy}; correct that one.`,
              },
            })
          }
          try {
            let body = ''
            const corrected = await correctDecision(
              app.database.db,
              caller,
              decision,
              application,
              request.body.reason,
              facts,
              {
                ...(precomputed ? { precomputed } : {}),
                respond: (decided) => {
                  const response = storedResponse(
                    decided.application,
                    decided.decision,
                    explainOf(request.query, request.headers.prefer),
                    request.language,
                  )
                  body = response.body
                  return { body, completion: { ...completion, replay: response.replay } }
                },
              },
            )
            // What the superseded decision drew from a budget funds the queue waiting on it: the
            // funding is recorded with the correction; a failure to send its job loses nothing (the
            // sweep, or the next start on PGlite, sends it).
            for (const key of corrected.fundings)
              await app.batchQueue
                .fundBudget(key)
                .catch((err: unknown) => request.log.warn({ err }, 'could not queue the budget funding'))
            return body
          } catch (error) {
            if (error instanceof DecisionAlreadySuperseded) {
              throw new HttpProblem({
                type: '/problems/already-superseded',
                title: 'Conflict',
                status: 409,
                detail: { zh: '该决定刚刚被取代。', en: 'This decision was just superseded.' },
              })
            }
            throw error
          }
        },
      )
    },
  )
}

export default decisions
